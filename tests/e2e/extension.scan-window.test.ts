// "Scan from another window or screen": My Account shows its QR code in one window, the
// extension's scan window shares it through the browser's picker (getDisplayMedia), reads the
// code from its frames and enrolls after the same confirmation as the tab scan. The picker is
// answered by a launch switch that selects the source whose name contains "My Account"; headless
// Chromium has no desktop, so the source it offers is a tab (checked: the shared track says
// displaySurface "browser"). My Account runs in a browser context of its own, with its own
// cookies, as profile A would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'puppeteer-core';
import { Browsers, clickText, extensionUrl, openActionPopup, screenshot, waitForText, type Profile } from '../support/browser.ts';
import { signIn, type HttpClient, type TestServer } from '../support/server.ts';
import { newSitePage, signInWithPassword, startSiteServer } from '../support/site.ts';
import { qrSvg } from '../../server/transport/http/qr.ts';
import { listAccounts, until, waitConnected } from './flows.ts';

const MY_ACCOUNT_TITLE = 'Security info – My Account';
// The switch picks the first source whose name contains it; a non-ASCII one (the title's dash) never matches.
const PICK_SOURCE = 'My Account';
const SCAN_WINDOW_PATH = '/extension/scan-window/index.html';

let browsers: Browsers;
let server: TestServer;
let b: Profile;
let profileA: BrowserContext;
let myAccount: Page;
let aliceApi: HttpClient;
const alice = () => server.users.alice!;

/**
 * The toolbar button → Add account → Work or school account → Scan from another window:
 * the popup opens the scan window and closes itself.
 */
async function openScanWindow(shot?: string): Promise<Page> {
  const tab = (await b.browser.pages())[0] ?? (await b.browser.newPage());
  const popup = await openActionPopup(b, tab);
  await clickText(popup, 'Add account');
  await clickText(popup, 'Work or school account');
  await waitForText(popup, 'Scan from another window');
  if (shot) await screenshot(popup, shot);
  await clickText(popup, 'Scan from another window');
  const target = await b.browser.waitForTarget((t) => t.type() === 'page' && t.url() === extensionUrl(b, SCAN_WINDOW_PATH), { timeout: 10_000 });
  const page = (await target.page()) ?? (await target.asPage());
  await page.waitForSelector('main');
  await until('the popup to close', () => popup.isClosed(), 5_000);
  // Keeps every shared stream within reach of the test, to check that its tracks are stopped.
  await page.evaluate(() => {
    const seen: MediaStream[] = ((window as unknown as { shared: MediaStream[] }).shared = []);
    const pick = navigator.mediaDevices.getDisplayMedia.bind(navigator.mediaDevices);
    navigator.mediaDevices.getDisplayMedia = async (o) => {
      const s = await pick(o);
      seen.push(s);
      return s;
    };
  });
  return page;
}

const liveTracks = (page: Page) => page.evaluate(() => (window as unknown as { shared: MediaStream[] }).shared.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live').length);
const sharedSurfaces = (page: Page) => page.evaluate(() => (window as unknown as { shared: MediaStream[] }).shared.map((s) => s.getVideoTracks()[0]?.getSettings().displaySurface));

/** My Account's "Security info" → Add sign-in method → the Authenticator wizard's QR code. */
async function showWizardQr(): Promise<void> {
  await myAccount.goto(`${server.origin}/myaccount/#/security-info`);
  await waitForText(myAccount, 'Default sign-in method');
  await clickText(myAccount, '+ Add sign-in method');
  await clickText(myAccount, 'Add');
  await clickText(myAccount, 'Next');
  await clickText(myAccount, 'Next');
  await myAccount.waitForSelector('.qr img');
}

beforeAll(async () => {
  browsers = new Browsers();
  [server, b] = await Promise.all([startSiteServer(), browsers.launch({ extension: true, args: [`--auto-select-desktop-capture-source=${PICK_SOURCE}`] })]);
  profileA = await b.browser.createBrowserContext();
  myAccount = await newSitePage(profileA);
  await signInWithPassword(myAccount, server.origin, alice().upn, alice().password, '/myaccount/#/security-info');
  await waitForText(myAccount, 'Default sign-in method');
  expect(await myAccount.title()).toBe(MY_ACCOUNT_TITLE);
  aliceApi = await signIn(server.origin, alice().upn, alice().password);
}, 60_000);

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: scanning a QR code shown in another window', () => {
  it('stops sharing on Cancel, and gives up with a message when no code shows up in time', async () => {
    const scan = await openScanWindow('scan-window-popup-choices');
    await screenshot(scan, 'scan-window-ready');
    await clickText(scan, 'Choose window or screen');
    await waitForText(scan, 'Looking for a pushkey QR code in the shared window');
    expect(await sharedSurfaces(scan)).toEqual(['browser']);
    expect(await liveTracks(scan)).toBe(1);
    await clickText(scan, 'Cancel');
    await waitForText(scan, 'Choose window or screen');
    await until('the shared track to stop', async () => (await liveTracks(scan)) === 0, 5_000);

    // Again, and the clock moves past the two minutes while My Account shows no code.
    await clickText(scan, 'Choose window or screen');
    await waitForText(scan, 'Looking for a pushkey QR code in the shared window');
    await scan.evaluate(() => {
      const real = Date.now.bind(Date);
      Date.now = () => real() + 121_000;
    });
    await waitForText(scan, 'No pushkey QR code was seen in 2 minutes');
    await screenshot(scan, 'scan-window-timeout');
    expect(await liveTracks(scan)).toBe(0);
    expect((await aliceApi.get('/api/me/methods')).body.devices).toEqual([]);
    await scan.close();
  });

  it('says so for a QR code that is not pushkey’s, keeps looking, and enrolls from My Account’s after the confirmation', async () => {
    await showWizardQr();
    // Something else's QR code covers the wizard's first, as a person might show the wrong window.
    const other = await qrSvg('https://example.org/menu');
    await myAccount.evaluate((svg) => {
      const cover = document.createElement('div');
      cover.id = 'other-qr';
      cover.style.cssText = 'position:fixed;inset:0;background:#fff;display:grid;place-items:center;z-index:99999';
      cover.innerHTML = `<div style="width:300px">${svg}</div>`;
      // Inside the wizard's dialog: a modal dialog is drawn above everything else in the page.
      document.querySelector('dialog[open]')!.append(cover);
    }, other);

    const scan = await openScanWindow();
    await clickText(scan, 'Choose window or screen');
    await waitForText(scan, 'That QR code is not a pushkey setup code (it reads "https://example.org/menu")');
    await waitForText(scan, 'Still looking');
    await screenshot(scan, 'scan-window-other-code');
    await screenshot(myAccount, 'scan-window-source-other-code');
    await myAccount.evaluate(() => document.getElementById('other-qr')?.remove());
    await screenshot(myAccount, 'scan-window-source-my-account');

    // The same confirmation as the tab scan: organization, account, the server's host, the device name.
    await waitForText(scan, 'Add this account?', 20_000);
    expect(await scan.$eval('[data-testid=server-host]', (e) => e.textContent)).toBe(new URL(server.origin).host);
    await waitForText(scan, alice().upn);
    await scan.waitForFunction(() => (document.querySelector('#device-name') as HTMLInputElement | null)?.value !== '');
    const deviceName = await scan.$eval('#device-name', (e) => (e as HTMLInputElement).value);
    expect(deviceName).toMatch(/^(Chromium|Chrome) on Linux$/);
    // The code is read: sharing has stopped before the person even confirms.
    expect(await liveTracks(scan)).toBe(0);
    await screenshot(scan, 'scan-window-confirm');
    await clickText(scan, 'Add account');
    await waitForText(scan, `${alice().upn} is added`);
    await screenshot(scan, 'scan-window-added');

    // Added and connected in the extension; registered on the server, and My Account's wizard moves on.
    await waitConnected(scan, alice().upn);
    expect((await listAccounts(scan)).map((a) => a.upn)).toEqual([alice().upn]);
    const devices = (await aliceApi.get('/api/me/methods')).body.devices as { id: string; name: string }[];
    expect(devices.map((d) => d.name)).toEqual([deviceName]);
    expect(devices.map((d) => d.id)).toEqual((await listAccounts(scan)).map((a) => a.deviceId));
    await myAccount.waitForFunction(() => !document.querySelector('.qr img'), { timeout: 15_000 });
    await screenshot(myAccount, 'scan-window-my-account-after');
    // Done closes the window: clicked in the page, since a click through the protocol may still
    // be waiting for its mouse-up when the window is gone (Target closed).
    const closed = new Promise((resolve) => scan.once('close', resolve));
    await scan.evaluate(() => [...document.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Done')!.click());
    await closed;
  });
});
