// "Scan from another window or screen" in Firefox ESR: the extension's scan window shares the
// screen through getDisplayMedia, reads My Account's QR code from its frames and enrolls after
// the confirmation. Headless Firefox has no screen to share (NotFoundError), so this Firefox runs
// with windows on a virtual X screen (support/xvfb.ts); media.navigator.permission.disabled
// answers the picker with the first source, the whole screen, as a person choosing "Entire screen"
// would. My Account is a tab of the same Firefox, shown in the main window beside the scan window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, extensionUrl, openPopupTab, screenshot, waitForText, type Profile } from '../support/browser.ts';
import { signIn, type HttpClient, type TestServer } from '../support/server.ts';
import { newSitePage, signInWithPassword, startSiteServer } from '../support/site.ts';
import { startXvfb, type Xvfb } from '../support/xvfb.ts';
import { listAccounts, until, waitConnected } from './flows.ts';

const SCAN_WINDOW_PATH = '/extension/scan-window/index.html';

let xvfb: Xvfb;
let browsers: Browsers;
let server: TestServer;
let fx: Profile;
let myAccount: Page;
let aliceApi: HttpClient;
const alice = () => server.users.alice!;

/** The page of the extension at `pathname` (puppeteer does not learn moz-extension:// URLs: each page is asked). */
async function extensionPageAt(pathname: string, timeout = 10_000): Promise<Page> {
  const url = extensionUrl(fx, pathname);
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const page of await fx.browser.pages()) {
      if (await page.evaluate((u) => location.href === u && document.querySelector('main') !== null, url).catch(() => false)) return page;
    }
    if (Date.now() > deadline) throw new Error(`no extension page ${pathname} after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  browsers = new Browsers();
  xvfb = await startXvfb();
  [server, fx] = await Promise.all([startSiteServer(), browsers.launchFirefox({ display: xvfb.display, prefs: { 'media.navigator.permission.disabled': true } })]);
  myAccount = await newSitePage(fx.browser);
  await signInWithPassword(myAccount, server.origin, alice().upn, alice().password, '/myaccount/#/security-info');
  await waitForText(myAccount, 'Default sign-in method');
  aliceApi = await signIn(server.origin, alice().upn, alice().password);
}, 60_000);

afterAll(async () => {
  await browsers?.closeAll();
  await xvfb?.stop();
  await server?.close();
});

describe('extension in Firefox: scanning a QR code shown in another window', () => {
  it('shares the screen, reads My Account’s QR code from it and enrolls after the confirmation', async () => {
    // The toolbar button's popup, as a tab: Add account → Work or school account → Scan from another window.
    const popup = await openPopupTab(fx);
    await clickText(popup, 'Add account');
    await clickText(popup, 'Work or school account');
    await clickText(popup, 'Scan from another window');
    const scan = await extensionPageAt(SCAN_WINDOW_PATH);
    // Beside My Account's code, which the main window (the whole screen, from the top left) shows in its middle.
    await scan.evaluate(() => chrome.windows.update(chrome.windows.WINDOW_ID_CURRENT, { left: 840, top: 0 }));
    // Keeps every shared stream within reach of the test, with what it showed when it was shared.
    await scan.evaluate(() => {
      const seen: { stream: MediaStream; label: string; width?: number; height?: number }[] = ((window as unknown as { shared: typeof seen }).shared = []);
      const pick = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
      navigator.mediaDevices.getDisplayMedia = async (o) => {
        const stream = await pick(o);
        const track = stream.getVideoTracks()[0]!;
        const { width, height } = track.getSettings();
        seen.push({ stream, label: track.label, width, height });
        return stream;
      };
    });

    // My Account's "Security info" → Add sign-in method → the Authenticator wizard's QR code.
    await myAccount.bringToFront();
    await clickText(myAccount, '+ Add sign-in method');
    await clickText(myAccount, 'Add');
    await clickText(myAccount, 'Next');
    await clickText(myAccount, 'Next');
    await myAccount.waitForSelector('.qr img');
    await screenshot(myAccount, 'firefox-scan-window-source');

    await clickText(scan, 'Choose window or screen');
    await waitForText(scan, 'Add this account?', 30_000);
    // The whole screen was shared (Firefox ESR names it but reports no displaySurface), and sharing
    // stopped once the code was read.
    type Shared = { stream: MediaStream; label: string; width?: number; height?: number }[];
    expect(await scan.evaluate(() => (window as unknown as { shared: Shared }).shared.map(({ label, width, height }) => ({ label, width, height })))).toEqual([
      { label: 'Primary Monitor', width: 1280, height: 800 },
    ]);
    expect(await scan.evaluate(() => (window as unknown as { shared: Shared }).shared.flatMap((s) => s.stream.getTracks()).filter((t) => t.readyState === 'live').length)).toBe(0);
    expect(await scan.$eval('[data-testid=server-host]', (e) => e.textContent)).toBe(new URL(server.origin).host);
    await waitForText(scan, alice().upn);
    await scan.waitForFunction(() => (document.querySelector('#device-name') as HTMLInputElement | null)?.value === 'Firefox on Linux');
    await screenshot(scan, 'firefox-scan-window-confirm');
    await clickText(scan, 'Add account');
    await waitForText(scan, `${alice().upn} is added`);
    await screenshot(scan, 'firefox-scan-window-added');

    await waitConnected(scan, alice().upn);
    const devices = (await aliceApi.get('/api/me/methods')).body.devices as { id: string; name: string }[];
    expect(devices.map((d) => d.name)).toEqual(['Firefox on Linux']);
    expect(devices.map((d) => d.id)).toEqual((await listAccounts(scan)).map((a) => a.deviceId));
    await until('My Account’s wizard to move on', async () => !(await myAccount.$('.qr img')), 15_000);
  });
});
