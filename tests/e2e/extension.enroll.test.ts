// Adding accounts to the extension: from the QR code shown in the tab (read with
// captureVisibleTab and decoded by zxing-wasm inside the extension), by the code typed by
// hand, and every way that can fail with a message a person can act on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, openActionPopup, openPopupTab, screenshot, waitForText, type Profile } from '../support/browser.ts';
import { signIn, startServer, type HttpClient, type TestServer } from '../support/server.ts';
import { formatActivationCode } from '../../protocol/activation-code.ts';
import { addAccountByCode, listAccounts, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let b: Profile;
let aliceMe: HttpClient;
/** What the confirmation screen proposed for the first account (the browser and the OS). */
let firstName = '';
/** My Account sessions kept from before each user had an authenticator (after that, signing in asks for it). */
const myAccount: Record<string, HttpClient> = {};

/** B's tab shows the server's QR code the way My Account does (until the site's page lands). */
async function showQr(svg: string, pageOrigin = server.origin): Promise<Page> {
  const tab = await b.browser.newPage();
  await tab.goto(`${pageOrigin}/api/health`);
  await tab.setContent(
    `<main style="font-family:sans-serif;display:grid;place-items:center;gap:12px;padding:40px"><h1>Set up your authenticator</h1><div style="width:260px;height:260px">${svg}</div><p>Can't scan image?</p></main>`,
  );
  return tab;
}

/** Every URL the popup fetched while scanning: the decoder must load nothing from the network. */
const popupRequests: string[] = [];

async function scanFrom(tab: Page): Promise<Page> {
  const popup = await openActionPopup(b, tab);
  popup.on('request', (r) => void popupRequests.push(r.url()));
  await clickText(popup, 'Add account');
  await clickText(popup, 'Work or school account');
  await clickText(popup, 'Scan a QR code');
  return popup;
}

/** The popup shows the account and the server the code names; the person confirms. */
async function confirmScan(popup: Page): Promise<void> {
  await waitForText(popup, 'Add this account?');
  expect(await popup.$eval('[data-testid=server-host]', (e) => e.textContent)).toBe(new URL(server.origin).host);
  await clickText(popup, 'Add account');
}

beforeAll(async () => {
  browsers = new Browsers();
  [server, b] = await Promise.all([startServer({ clock: wallClock }), browsers.launch({ extension: true })]);
  aliceMe = await signIn(server.origin, server.users.alice!.upn, server.users.alice!.password);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: adding accounts', () => {
  it('adds an account by scanning the QR code shown in the tab', async () => {
    const act = await aliceMe.post('/api/me/authenticator/activation');
    const tab = await showQr(act.body.qrSvg);
    await screenshot(tab, 'qr-tab');
    const popup = await scanFrom(tab);
    await waitForText(popup, 'Add this account?');
    expect(await popup.evaluate(() => document.body.innerText)).not.toContain('This QR code was shown on');
    // The device name proposed from the browser and the OS, before anything is sent.
    await popup.waitForFunction(() => (document.querySelector('#device-name') as HTMLInputElement | null)?.value !== '');
    firstName = await popup.$eval('#device-name', (e) => (e as HTMLInputElement).value);
    expect(firstName).toMatch(/^(Chromium|Chrome) on Linux$/);
    await screenshot(popup, 'popup-confirm');
    await confirmScan(popup);
    await waitForText(popup, server.users.alice!.upn);
    await waitForText(popup, 'Set up passwordless sign-in');
    await screenshot(popup, 'popup-after-scan');
    const status = await aliceMe.get(`/api/me/authenticator/activation/${act.body.activationId}`);
    expect(status.body.status).toBe('registered');
    expect((await aliceMe.get('/api/me/methods')).body.devices.map((d: { name: string }) => d.name)).toEqual([firstName]);
    // zxing's .wasm came from the extension itself (never its default CDN).
    expect(popupRequests.some((u) => u.endsWith('.wasm'))).toBe(true);
    expect(popupRequests.filter((u) => !u.startsWith(`chrome-extension://${b.extensionId}/`) && !u.startsWith('data:'))).toEqual([]);
    await popup.close();
    await tab.close();
  });

  it('says so when the tab shows no QR code', async () => {
    const tab = await b.browser.newPage();
    await tab.goto(`${server.origin}/api/health`);
    const popup = await scanFrom(tab);
    await waitForText(popup, 'No pushkey QR code was found on this page');
    await screenshot(popup, 'popup-no-qr');
    await popup.close();
    await tab.close();
  });

  it('refuses the same account twice without spending the new code', async () => {
    const act = await aliceMe.post('/api/me/authenticator/activation');
    const tab = await showQr(act.body.qrSvg);
    const popup = await scanFrom(tab);
    await confirmScan(popup);
    await waitForText(popup, 'is already added');
    const status = await aliceMe.get(`/api/me/authenticator/activation/${act.body.activationId}`);
    expect(status.body.status).toBe('pending');
    await popup.close();
    await tab.close();
  });

  it('warns when the page that shows the code is of another origin, and adds nothing on Cancel', async () => {
    const bob = server.users.bob!;
    const bobMe = await signIn(server.origin, bob.upn, bob.password);
    const act = await bobMe.post('/api/me/authenticator/activation');
    // The same server reached under another origin (localhost instead of 127.0.0.1), as a copied page would be.
    const elsewhere = server.origin.replace('127.0.0.1', 'localhost');
    expect(elsewhere).not.toBe(server.origin);
    const tab = await showQr(act.body.qrSvg, elsewhere);
    const popup = await scanFrom(tab);
    await waitForText(popup, `This QR code was shown on ${new URL(elsewhere).host} but adds an account on ${new URL(server.origin).host}`);
    await screenshot(popup, 'popup-confirm-other-origin');
    await clickText(popup, 'Cancel');
    await waitForText(popup, 'Work or school account');
    expect((await bobMe.get(`/api/me/authenticator/activation/${act.body.activationId}`)).body.status).toBe('pending');
    expect((await listAccounts(popup)).some((x) => x.upn === bob.upn)).toBe(false);
    await popup.close();
    await tab.close();
  });

  it('adds a second account by typing the code and the URL', async () => {
    const bob = server.users.bob!;
    const me = (myAccount.bob = await signIn(server.origin, bob.upn, bob.password));
    const act = await me.post('/api/me/authenticator/activation');
    const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, bob.upn);
    expect((await listAccounts(popup)).map((a) => a.upn).sort()).toEqual([server.users.alice!.upn, bob.upn]);
    // Alice's account on this server here already has the proposed name: Bob's device gets the next number.
    expect((await me.get('/api/me/methods')).body.devices.map((d: { name: string }) => d.name)).toEqual([`${firstName} 2`]);
    await clickText(popup, 'Back');
    await screenshot(popup, 'popup-two-accounts');
    await popup.close();
  });

  it('adds an account from the whole pushkey:// link pasted as the code', async () => {
    const carol = server.users.carol!;
    const me = (myAccount.carol = await signIn(server.origin, carol.upn, carol.password));
    const act = await me.post('/api/me/authenticator/activation');
    const popup = await addAccountByCode(b, act.body.uri, '', carol.upn);
    await popup.close();
  });

  it('explains a code that was already used', async () => {
    const dave = server.users.dave!;
    const me = await signIn(server.origin, dave.upn, dave.password);
    const act = await me.post('/api/me/authenticator/activation');
    // Typed as a person reads it off the screen: lowercase, spaces for dashes, O for 0; and a name of their own.
    const typed = formatActivationCode(act.body.code).toLowerCase().replace(/-/g, ' ').replace(/0/g, 'o');
    const first = await addAccountByCode(b, typed, act.body.serverUrl, dave.upn, {
      deviceName: 'Dave’s work profile',
      before: (popup) => screenshot(popup, 'popup-manual-code'),
    });
    expect((await me.get('/api/me/methods')).body.devices.map((d: { name: string }) => d.name)).toEqual(['Dave’s work profile']);
    await first.close();
    // Same code again, typed by hand: the server refuses it and the person is told why.
    const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, 'expired or was already used');
    await popup.close();
  });

  it('names a mistyped code at once, without spending it', async () => {
    const act = await aliceMe.post('/api/me/authenticator/activation');
    const shown = formatActivationCode(act.body.code);
    const typo = shown.slice(0, -1) + (shown.endsWith('7') ? '8' : '7');
    const popup = await addAccountByCode(b, typo, act.body.serverUrl, 'Check the code: this activation code has a typo');
    await screenshot(popup, 'popup-code-typo');
    expect((await aliceMe.get(`/api/me/authenticator/activation/${act.body.activationId}`)).body.status).toBe('pending');
    await popup.close();
  });

  it('explains a server that cannot be reached', async () => {
    const popup = await addAccountByCode(b, '0123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9', 'http://127.0.0.1:9', 'The server is unreachable');
    await screenshot(popup, 'popup-unreachable');
    await popup.close();
  });

  it('marks an account disabled when My Account removes the device, then removes it locally', async () => {
    const bob = server.users.bob!;
    const me = myAccount.bob!;
    const popup = await openPopupTab(b);
    const deviceId = (await listAccounts(popup)).find((a) => a.upn === bob.upn)!.deviceId;
    expect((await me.del(`/api/me/devices/${deviceId}`)).status).toBe(200);
    // The server says "revoked" on the channel; the popup shows it without a reload.
    await expect.poll(async () => (await listAccounts(popup)).find((a) => a.upn === bob.upn)?.revoked, { timeout: 10_000 }).toBe(true);
    await waitForText(popup, 'Disabled');
    await screenshot(popup, 'popup-revoked');
    await clickText(popup, bob.upn);
    await waitForText(popup, 'Your organization disabled this registration');
    await clickText(popup, 'Account settings');
    await clickText(popup, 'Remove account');
    await waitForText(popup, 'Remove this account?');
    await clickText(popup, 'Remove');
    await expect.poll(async () => (await listAccounts(popup)).some((a) => a.upn === bob.upn)).toBe(false);
    await popup.close();
  });

  it('removes an account from its settings, after a confirmation, on the server too', async () => {
    const carol = server.users.carol!;
    const me = myAccount.carol!;
    expect((await me.get('/api/me/methods')).body.devices).toHaveLength(1);
    const popup = await openPopupTab(b);
    await clickText(popup, carol.upn);
    await clickText(popup, 'Account settings');
    await clickText(popup, 'Remove account');
    await screenshot(popup, 'popup-remove-confirm');
    // Cancel keeps it.
    await clickText(popup, 'Cancel');
    expect((await listAccounts(popup)).some((a) => a.upn === carol.upn)).toBe(true);
    await clickText(popup, 'Remove account');
    await clickText(popup, 'Remove');
    await waitForText(popup, 'Authenticator');
    await expect.poll(async () => (await listAccounts(popup)).some((a) => a.upn === carol.upn)).toBe(false);
    expect((await me.get('/api/me/methods')).body.devices).toHaveLength(0);
    await popup.close();
  });
});
