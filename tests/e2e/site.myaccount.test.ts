// My Account in real Chromium: the overview, "Security info" with the Authenticator wizard
// (manual code through "Can't scan image?", a software device registers), "Let's try it
// out", the passwordless-setup number, "Recent activity", "Delete", and signing out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, type Profile } from '../support/browser.ts';
import { signIn, type TestServer } from '../support/server.ts';
import { wrongNumber } from '../support/flows.ts';
import { SoftDevice } from '../support/soft-device.ts';
import type { PushContent, PushRequest } from '../../protocol/messages.ts';
import { clickText, newSitePage, problemsOf, shot, shownNumber, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let page: Page;
let device: SoftDevice;
const carol = () => srv.users.carol!;

/** The next push; if the channel was not up when it was sent, the device fetches it with a signed poll. */
async function nextRequest(d: SoftDevice): Promise<PushContent> {
  try {
    return await d.nextPush(3_000);
  } catch {
    const polled = await d.command('poll');
    const request = polled.body.requests?.[0] as PushRequest | undefined;
    if (!request) throw new Error(`no pending request: ${JSON.stringify(polled.body)}`);
    return d.open(request);
  }
}

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  page = await newSitePage(a.browser);
});

afterAll(async () => {
  device?.close();
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: My Account', () => {
  it('sends a visitor who is not signed in to the sign-in page, and back after', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await page.waitForSelector('#username');
    expect(new URL(page.url()).searchParams.get('next')).toBe('/myaccount/#/security-info');
    await page.type('#username', carol().upn);
    await clickText(page, 'Next');
    await page.waitForSelector('#password');
    await page.type('#password', carol().password);
    await Promise.all([page.waitForNavigation(), clickText(page, 'Sign in')]);
    await waitForText(page, 'These are the methods you use to sign in to your account.');
  });

  it('shows an overview with the profile and the way to security info and activity', async () => {
    await page.goto(`${srv.origin}/`);
    await waitForText(page, 'Carol Chen');
    expect(new URL(page.url()).pathname).toBe('/myaccount/');
    await waitForText(page, 'pushkey Lab');
    await waitForText(page, 'Signed in');
    await shot(page, 'myaccount-overview');
  });

  it('keeps the wizard\'s title and Close button in view at 150 % and 200 % zoom, scrolling only its body', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await waitForText(page, 'Default sign-in method');
    await clickText(page, '+ Add sign-in method');
    await clickText(page, 'Add');
    await clickText(page, 'Next');
    await clickText(page, 'Next');
    await page.waitForSelector('.qr img');
    await clickText(page, "Can't scan image?"); // the wizard's tallest step
    await page.waitForSelector('#manual-code');
    try {
      // Zooming a 1280×800 window: the page gets fewer CSS pixels at a higher device scale factor.
      for (const zoom of [1.5, 2]) {
        const viewport = { width: Math.floor(1280 / zoom), height: Math.floor(800 / zoom) };
        await page.setViewport({ ...viewport, deviceScaleFactor: zoom });
        // Read to the end, as a person would: whatever scrolls is scrolled down.
        const scrolled = await page.$eval('dialog[open]', (dialog) => {
          const body = dialog.querySelector('.dialog-body')!;
          dialog.scrollTop = dialog.scrollHeight;
          body.scrollTop = body.scrollHeight;
          return { dialog: dialog.scrollTop, body: body.scrollTop };
        });
        await shot(page, `myaccount-wizard-zoom-${zoom * 100}`);
        expect(scrolled.body, `${zoom}: the body scrolls`).toBeGreaterThan(0);
        expect(scrolled.dialog, `${zoom}: the dialog itself does not`).toBe(0);
        const inView = (b: { x: number; y: number; width: number; height: number } | null) =>
          b !== null && b.x >= 0 && b.y >= 0 && b.x + b.width <= viewport.width && b.y + b.height <= viewport.height;
        const box = await (await page.$('dialog[open]'))!.boundingBox();
        expect(inView(box), `${zoom}: dialog ${JSON.stringify(box)} in ${JSON.stringify(viewport)}`).toBe(true);
        for (const selector of ['dialog[open] #dialog-title', 'dialog[open] [aria-label=Close]']) {
          const b = await (await page.$(selector))!.boundingBox();
          expect(inView(b), `${zoom}: ${selector} ${JSON.stringify(b)}`).toBe(true);
        }
      }
      await clickText(page, 'Close');
      await page.waitForFunction(() => !document.querySelector('dialog[open]'));
    } finally {
      await page.setViewport({ width: 1280, height: 800, deviceScaleFactor: 1 });
    }
  });

  it('adds the Authenticator app: the wizard, "Can\'t scan image?", registration, "Let\'s try it out"', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await waitForText(page, 'Security info');
    await waitForText(page, 'Default sign-in method');
    await shot(page, 'myaccount-security-info-empty');
    await clickText(page, '+ Add sign-in method');
    await waitForText(page, 'Which method would you like to add?');
    await shot(page, 'myaccount-add-method');
    await clickText(page, 'Add');
    await waitForText(page, 'Start by getting the app');
    await shot(page, 'myaccount-wizard-get-app');
    await clickText(page, 'Next');
    await waitForText(page, 'Set up your account');
    await shot(page, 'myaccount-wizard-set-up');
    await clickText(page, 'Next');
    await page.waitForSelector('.qr img');
    await shot(page, 'myaccount-wizard-qr');
    await clickText(page, "Can't scan image?");
    const code = await page.$eval('#manual-code', (e) => (e as HTMLInputElement).value);
    const url = await page.$eval('#manual-url', (e) => (e as HTMLInputElement).value);
    expect(url).toBe(srv.origin);
    // Groups of four, without I, L, O or U: read off this screen and typed into another.
    expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){6}$/);
    await shot(page, 'myaccount-wizard-manual');

    device = await SoftDevice.enroll(url, code, { deviceName: 'Chromium on Linux' });
    await device.connect();
    await waitForText(page, "Let's try it out");
    const number = await shownNumber(page);
    await shot(page, 'myaccount-wizard-try');
    const push = await nextRequest(device);
    expect(push.kind).toBe('test');
    await device.respond(push, 'approve', number);
    await waitForText(page, 'Notification approved');
    await clickText(page, 'Next');
    await waitForText(page, 'Authenticator app was successfully registered');
    await shot(page, 'myaccount-wizard-done');
    await clickText(page, 'Done');
    await waitForText(page, 'Chromium on Linux');
    await waitForText(page, 'Push notifications (multi-factor)');
    await shot(page, 'myaccount-security-info-device');
  });

  it('says so when the extension sends a wrong number for the passwordless setup', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info/passwordless`);
    const setup = await device.command('passwordless_setup', { password: carol().password, clientVersion: '1.0.0' });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    const number = await shownNumber(page);
    await device.respond(setup.body.request, 'approve', wrongNumber(number));
    await waitForText(page, 'Passwordless sign-in was not set up');
    await waitForText(page, "The number didn't match.");
    await shot(page, 'myaccount-passwordless-wrong-number');
  });

  it('shows the number the extension asks for when it sets up passwordless sign-in', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    const setup = await device.command('passwordless_setup', { password: carol().password, clientVersion: '1.0.0' });
    expect(setup.status, JSON.stringify(setup.body)).toBe(200);
    // Every My Account page shows it; the setup page is where the extension sends people.
    await waitForText(page, 'Your Authenticator app is asking for a number');
    await shot(page, 'myaccount-passwordless-banner');
    await page.goto(`${srv.origin}/myaccount/#/security-info/passwordless`);
    await waitForText(page, 'Enter this number in your Authenticator app');
    const number = await shownNumber(page);
    await shot(page, 'myaccount-passwordless-number');
    expect((await device.respond(setup.body.request, 'approve', number)).body.outcome).toBe('approved');
    await waitForText(page, 'Passwordless sign-in is on');
    await shot(page, 'myaccount-passwordless-done');
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await waitForText(page, 'Passwordless sign-in');
    await waitForText(page, 'Authenticator app – passwordless sign-in');
  });

  it('lists the person\'s own sign-ins under "Recent activity"', async () => {
    await page.goto(`${srv.origin}/myaccount/#/recent-activity`);
    await waitForText(page, 'Successful sign-in');
    await waitForText(page, 'Recent activity');
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('alice@');
    await shot(page, 'myaccount-recent-activity');
  });

  it('tells two devices apart: each name, each last use, and "Rename" with the server\'s rules', async () => {
    const act = await page.evaluate(async () => (await fetch('/api/me/authenticator/activation', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json() as Promise<{ code: string }>);
    const second = await SoftDevice.enroll(srv.origin, act.code, { deviceName: 'Chromium on Linux 2' });
    try {
      await page.goto(`${srv.origin}/myaccount/#/security-info`);
      await waitForText(page, 'Chromium on Linux 2');
      const row = (id: string) => page.$eval(`tr[data-device="${id}"]`, (e) => (e as HTMLElement).innerText);
      // The first answered the test notification and the setup; the second never answered anything.
      expect(await row(second.deviceId)).toContain('Never');
      expect(await row(device.deviceId)).not.toContain('Never');
      await shot(page, 'myaccount-security-info-two-devices');

      await clickText(page, 'Rename Chromium on Linux 2');
      await waitForText(page, 'Rename Authenticator app');
      await shot(page, 'myaccount-rename-device');
      const setName = async (name: string) => {
        await page.$eval('#device-name', (e) => (e as HTMLInputElement).select());
        await page.keyboard.press('Backspace');
        if (name) await page.type('#device-name', name);
        await page.click('dialog button[type=submit]');
      };
      // Checked here first with the server's rule, then by the server (a name another device has).
      await setName('   ');
      await waitForText(page, 'A device name is required.');
      await setName('chromium on linux');
      await waitForText(page, 'Another of your authenticators is already named');
      await shot(page, 'myaccount-rename-device-conflict');
      await setName('  Carol’s work profile ');
      await waitForText(page, '“Chromium on Linux 2” is now called “Carol’s work profile”.');
      await page.waitForFunction((id) => document.querySelector(`tr[data-device="${id}"] [data-device-name]`)?.textContent === 'Carol’s work profile', {}, second.deviceId);
      await shot(page, 'myaccount-security-info-renamed');
    } finally {
      // The next test deletes the only device left.
      await second.command('unenroll');
      second.close();
    }
  });

  it('withdraws the test notification when the wizard is closed at "Let\'s try it out"', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await clickText(page, '+ Add sign-in method');
    await clickText(page, 'Add');
    await clickText(page, 'Next');
    await clickText(page, 'Next');
    await page.waitForSelector('.qr img');
    await clickText(page, "Can't scan image?");
    const code = await page.$eval('#manual-code', (e) => (e as HTMLInputElement).value);
    const third = await SoftDevice.enroll(srv.origin, code, { deviceName: 'Chromium on Linux 3' });
    try {
      await third.connect();
      await waitForText(page, "Let's try it out");
      const push = await nextRequest(third);
      expect(push.kind).toBe('test');
      await clickText(page, 'Close');
      await page.waitForFunction(() => !document.querySelector('dialog[open]'));
      // The device is told to close its prompt; the request is over on the server too.
      await third.next((f) => f.type === 'cancel' && f.challengeId === push.challengeId);
      expect((await third.respond(push, 'approve', '00')).body.error).toBe('challenge_consumed');
    } finally {
      await third.command('unenroll');
      third.close();
    }
  });

  it('deletes the authenticator after a confirmation; it can no longer answer', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await waitForText(page, 'Chromium on Linux');
    await clickText(page, 'Delete Chromium on Linux');
    await waitForText(page, 'Delete Authenticator app?');
    await shot(page, 'myaccount-delete-confirm');
    await page.click('dialog .btn-danger');
    await waitForText(page, 'was deleted');
    // The notice comes first; the list reloads right after it.
    await page.waitForFunction(() => document.querySelector('tr[data-device]') === null, { timeout: 10_000 });
    expect((await device.command('poll')).body.error).toBe('device_revoked');
  });

  it('"Sign out everywhere" ends this session and the others', async () => {
    const other = await signIn(srv.origin, carol().upn, carol().password);
    expect((await other.get('/api/me')).status).toBe(200);
    await page.goto(`${srv.origin}/myaccount/`);
    await waitForText(page, 'Carol Chen');
    await clickText(page, 'Sign out everywhere');
    await waitForText(page, 'Sign out everywhere?');
    await Promise.all([page.waitForNavigation(), page.click('dialog .btn-primary')]);
    expect(new URL(page.url()).pathname).toBe('/login/');
    expect((await other.get('/api/me')).status).toBe(401);
  });

  it('"Sign out" ends the session', async () => {
    await signInWithPassword(page, srv.origin, carol().upn, carol().password);
    await waitForText(page, 'Carol Chen');
    await Promise.all([page.waitForNavigation(), clickText(page, 'Sign out')]);
    expect(new URL(page.url()).pathname).toBe('/login/');
    const me = await page.evaluate(async () => (await fetch('/api/me')).status);
    expect(me).toBe(401);
  });

  it('runs under the default CSP without refusals or script errors, every control named', () => {
    expect(problemsOf(page)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
