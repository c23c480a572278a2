// The store packages install and run: `npm run package`'s Chrome zip, unzipped into a folder of
// its own as a person loads it unpacked, starts its service worker in Chromium; the Firefox zip
// itself is installed for good by Firefox ESR's add-on manager, as a download from the store is,
// and its background runs. In both the popup lists the accounts, which only the background can
// answer, in the words of the _locales the package carries.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pkg from '../../package.json' with { type: 'json' };
import { Browsers, openPopupTab, screenshot, waitForText, type Profile } from '../support/browser.ts';

const root = path.resolve(import.meta.dirname, '../..');
const zipPath = (kind: 'chrome' | 'firefox') => path.join(root, 'dist/packages', `pushkey-authenticator-${pkg.version}-${kind}.zip`);

let browsers: Browsers;

beforeAll(() => {
  browsers = new Browsers();
  // From the builds in dist/, as `npm run package` does after building and linting them.
  execFileSync(process.execPath, [path.join(root, 'extension/package.mjs')], { cwd: root, stdio: 'pipe' });
});

afterAll(async () => {
  await browsers?.closeAll();
});

async function unzip(zipFile: string, into: string): Promise<void> {
  const zip = await JSZip.loadAsync(readFileSync(zipFile));
  for (const entry of Object.values(zip.files)) {
    const to = path.join(into, entry.name);
    if (entry.dir) continue;
    mkdirSync(path.dirname(to), { recursive: true });
    writeFileSync(to, await entry.async('nodebuffer'));
  }
}

/** What the installed extension says of itself, from the popup: version, install type, name from _locales. */
const selfReport = (popup: Page) =>
  popup.evaluate(async () => {
    const self = await chrome.management.getSelf();
    return { version: chrome.runtime.getManifest().version, installType: self.installType, name: chrome.i18n.getMessage('extName') };
  });

describe('the store packages', () => {
  it('the Chrome zip, unzipped, loads in Chromium: its service worker starts and answers the popup', async () => {
    const folder = path.join(browsers.root, 'chrome-package');
    await unzip(zipPath('chrome'), folder);
    // launch() waits for the extension's service worker.
    const chromium: Profile = await browsers.launch({ extension: true, extensionDir: folder });
    const popup = await openPopupTab(chromium);
    await waitForText(popup, 'No accounts yet');
    expect(await selfReport(popup)).toEqual({ version: pkg.version, installType: 'development', name: 'pushkey Authenticator' });
    await screenshot(popup, 'package-chrome-popup');
  });

  it('the Firefox zip installs in Firefox ESR for good, and its background runs', async () => {
    const firefox = await browsers.launchFirefox({ extension: { archive: zipPath('firefox') } });
    const popup = await openPopupTab(firefox);
    await waitForText(popup, 'No accounts yet');
    // 'normal', not 'development': an installed add-on, not a temporary one loaded from a folder.
    expect(await selfReport(popup)).toEqual({ version: pkg.version, installType: 'normal', name: 'pushkey Authenticator' });
    // The background set its wake-up alarm when it started.
    expect(await popup.evaluate(() => chrome.alarms.get('wake'))).toMatchObject({ name: 'wake' });
    await screenshot(popup, 'package-firefox-popup');
  });
});
