// Real Firefox for end-to-end tests: Debian's Firefox ESR, headless, driven by puppeteer over
// WebDriver BiDi, with the Firefox build installed as a temporary add-on (BiDi's
// webExtension.install). Traps this works around:
// - Firefox gives each install a random moz-extension:// UUID; the extensions.webextensions.uuids
//   pref pins ours, so the tests know the extension's pages' URLs before it is installed;
// - opening moz-extension:// pages over BiDi needs --remote-allow-system-access;
// - puppeteer never sees those navigations complete (page.goto does not resolve and page.url()
//   stays about:blank): openExtensionPage starts the navigation and waits for the page's content;
// - puppeteer's installExtension only loads a temporary add-on: a packaged .zip is installed for
//   good through BiDi's own webExtension.install with Firefox's moz:permanent.
import path from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { GECKO_ID } from '../../manifest.config.ts';

export const FIREFOX_PATH = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
export const FIREFOX_EXTENSION_DIST = process.env.FIREFOX_EXTENSION_DIST ?? path.resolve(import.meta.dirname, '../../dist/extension-firefox');
/** Any fixed UUID will do: it only has to be the same in the pref and in the URLs the tests open. */
export const FIREFOX_EXTENSION_UUID = '5e1f0c3a-7d2b-4c8e-9a61-3f0b2d4e6a70';
export const FIREFOX_EXTENSION_ORIGIN = `moz-extension://${FIREFOX_EXTENSION_UUID}`;

const PREFS = {
  'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_EXTENSION_UUID }),
  // No first-run pages, update checks or telemetry pings: the browser talks to the test server only.
  'browser.shell.checkDefaultBrowser': false,
  'app.update.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
};

/**
 * Where the extension comes from: the build's folder, loaded as a temporary add-on (as
 * about:debugging loads one), or a package (.zip or .xpi) installed for good, as the add-on
 * manager installs a download from the store.
 */
export type FirefoxExtension = { folder: string } | { archive: string };

/** The BiDi session under puppeteer's Browser, for the commands puppeteer does not wrap. */
type BidiSession = { send(method: 'webExtension.install', params: object): Promise<{ result: { extension: string } }> };

async function install(browser: Browser, extension: FirefoxExtension): Promise<string> {
  if ('folder' in extension) return browser.installExtension(extension.folder);
  const session = (browser as unknown as { connection: BidiSession }).connection;
  const { result } = await session.send('webExtension.install', { extensionData: { type: 'archivePath', path: extension.archive }, 'moz:permanent': true });
  return result.extension;
}

export interface FirefoxOptions {
  /** Added to (or overriding) the test prefs. */
  prefs?: Record<string, unknown>;
  /** The build's folder unless said otherwise. */
  extension?: FirefoxExtension;
  /**
   * An X display (support/xvfb.ts) to run on with windows, instead of headless: headless Firefox
   * has no screen, so it offers nothing to share (getDisplayMedia fails with NotFoundError).
   */
  display?: string;
}

/** A fresh Firefox profile in `userDataDir` with the extension installed. */
export async function launchFirefox(userDataDir: string, opts: FirefoxOptions = {}): Promise<Browser> {
  const extension = opts.extension ?? { folder: FIREFOX_EXTENSION_DIST };
  // The store signs what it is given: a package installs for good unsigned only with the signature
  // check off (ESR honours the pref); the add-on manager's other checks at install still run.
  const unsigned = 'archive' in extension ? { 'xpinstall.signatures.required': false } : {};
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: opts.display === undefined,
    ...(opts.display === undefined ? {} : { env: { ...process.env, DISPLAY: opts.display } }),
    userDataDir,
    defaultViewport: { width: 1280, height: 800 },
    args: ['--remote-allow-system-access', '--width=1280', '--height=800'],
    extraPrefsFirefox: { ...PREFS, ...unsigned, ...opts.prefs },
  });
  try {
    const id = await install(browser, extension);
    if (id !== GECKO_ID) throw new Error(`installed ${id}, expected ${GECKO_ID}`);
  } catch (err) {
    await browser.close();
    throw err;
  }
  return browser;
}
