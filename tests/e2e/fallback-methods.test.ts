// Fallback methods tried as a new user would, in real Chromium with its virtual authenticator: add a
// passkey and a phone number in My Account, sign in with each from "Other ways to sign in",
// read the texted code on the portal's lab phone page, then switch registration protection
// to strict and see a password-only session refused when it tries to add a method.
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, replaceText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, type TestServer } from '../support/server.ts';
import { enrollUser, signInMethodsOf, type EnrolledUser } from '../support/flows.ts';
import { DEFAULT_SMS_POLICY, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';
import { clickText, enterEmail, newSitePage, problemsOf, shot, signInWithPassword, signOut, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let profile: Profile;
let srv: TestServer;
let page: Page;
let cdp: CDPSession;
const PHONE = '+447700900123';
const dave = () => srv.users.dave!;

/** Submits the form that holds `selector` (whatever its button says). */
const submit = (p: Page, selector: string) => p.$eval(selector, (el) => (el as HTMLInputElement).form!.requestSubmit());

/** The newest code the lab phone for `number` shows, read as an instructor would: on the portal's page. */
async function codeFromLabPhone(admin: Page, number: string): Promise<string> {
  await admin.goto(`${srv.origin}/admin/#/outbox`);
  await waitForText(admin, 'Lab outbox');
  await clickText(admin, 'Refresh');
  await waitForText(admin, number);
  const text = await admin.$eval(`[aria-label="Messages to ${number}"]`, (el) => (el as HTMLElement).innerText);
  const code = /(\d{6}) is your pushkey/.exec(text)?.[1];
  if (!code) throw new Error(`no code on the lab phone: ${text}`);
  return code;
}

beforeAll(async () => {
  browsers = new Browsers();
  // WebAuthn needs a secure context: http://localhost is one.
  [profile, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer({ host: 'localhost' })]);
  page = await newSitePage(profile.browser);
  cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
});

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await shot(page, `fallback-failed-${ctx.task.name.slice(0, 24).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

describe('fallback methods, as a new user tries them', { timeout: 60_000 }, () => {
  it('adds a passkey in My Account: named, created with the browser, listed', async () => {
    await signInWithPassword(page, srv.origin, dave().upn, dave().password, '/myaccount/#/security-info');
    await waitForText(page, 'These are the methods you use to sign in to your account.');
    await clickText(page, '+ Add sign-in method');
    await page.waitForSelector('#method-choice');
    await page.select('#method-choice', 'passkey');
    await shot(page, 'fallback-add-choose');
    await submit(page, '#method-choice');
    await page.waitForSelector('#passkey-name');
    // The name comes suggested ("Passkey – Chrome on Linux"); Dave types his own.
    await replaceText(page, '#passkey-name', 'Dave’s laptop');
    await shot(page, 'fallback-passkey-name');
    await submit(page, '#passkey-name');
    await waitForText(page, 'You can sign in with “Dave’s laptop”');
    await shot(page, 'fallback-passkey-added');
    await page.keyboard.press('Escape');
    await waitForText(page, 'Dave’s laptop');
    const user = (await srv.repo.getUserByUpn(dave().upn))!;
    expect((await srv.repo.listUserPasskeys(user.id)).map((p) => p.name)).toEqual(['Dave’s laptop']);
  });

  it('adds a phone number and verifies it with the code the lab phone received', async () => {
    const adminPage = await newSitePage(await profile.browser.createBrowserContext());
    await signInWithPassword(adminPage, srv.origin, srv.users.admin!.upn, srv.users.admin!.password, '/admin/');
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await clickText(page, '+ Add sign-in method');
    await page.waitForSelector('#method-choice');
    await page.select('#method-choice', 'phone');
    await submit(page, '#method-choice');
    await page.waitForSelector('#phone-number');
    await replaceText(page, '#phone-number', '+44 7700 900123');
    await submit(page, '#phone-number');
    await page.waitForSelector('#phone-code');
    await shot(page, 'fallback-phone-code');
    const code = await codeFromLabPhone(adminPage, PHONE);
    await shot(adminPage, 'fallback-lab-phone');
    await page.type('#phone-code', code);
    await submit(page, '#phone-code');
    await waitForText(page, 'Phone verified');
    await page.keyboard.press('Escape');
    await page.reload();
    await waitForText(page, 'Dave’s laptop');
    // With no default chosen, the system-preferred method shows: the passkey.
    await waitForText(page, 'Default sign-in method: Passkey');
    await shot(page, 'fallback-security-info');
    const user = (await srv.repo.getUserByUpn(dave().upn))!;
    expect((await srv.repo.getUserPhone(user.id))!.verifiedAt).not.toBeNull();
    // The notices the user got, on the portal's email tab.
    await clickText(adminPage, 'Email notices');
    await waitForText(adminPage, 'A passkey named “Dave’s laptop” was added to your account');
    await shot(adminPage, 'fallback-email-notices');
    await adminPage.browserContext().close();
  });

  it('lists every other way in the tenant offers, and signs in with the passkey from there', async () => {
    await signOut(page, srv.origin);
    await enterEmail(page, srv.origin, dave().upn);
    await clickText(page, 'Other ways to sign in');
    await waitForText(page, 'Verify your identity');
    const ways = await page.$$eval('.method-list button', (bs) => bs.map((b) => (b as HTMLElement).innerText.trim()));
    // The list before the password is the tenant's, the same for every name; no text-message way in (SMS sign-in is off).
    expect(ways).toEqual(['Use a Temporary Access Pass', 'Sign in with a passkey', 'Approve a request on my Authenticator app', 'Use your password']);
    // Dave's own ways in: a code texted to his phone is none on its own, he has a passkey, which is stronger.
    expect(await signInMethodsOf(srv, dave().upn)).toEqual(['passkey', 'password']);
    await shot(page, 'fallback-other-ways');
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in with a passkey')]);
    await waitForText(page, 'Dave Diaz');
    expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).session.methods).toEqual(['passkey', 'passkey_uv']); // the virtual authenticator verified Dave: the session records it
  });

  it('signs in with "Sign in with a passkey" before typing any name', async () => {
    await signOut(page, srv.origin);
    await page.goto(`${srv.origin}/login/`);
    await page.waitForSelector('#username');
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in with a passkey')]);
    expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).user.upn).toBe(dave().upn);
  });

  it('signs in with a texted code from the fallback list, once SMS sign-in is on, for a user with nothing stronger', async () => {
    const alice = srv.users.alice!;
    const number = '+447700900124';
    const me = await signIn(srv.origin, alice.upn, alice.password);
    const add = await me.post('/api/me/phone', { number });
    const [text] = await srv.repo.listOutbox({ channel: 'sms', to: number, limit: 1 });
    expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: text!.text.slice(0, 6) })).status).toBe(200);
    await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: true });
    const adminPage = await newSitePage(await profile.browser.createBrowserContext());
    try {
      await signOut(page, srv.origin);
      await signInWithPassword(adminPage, srv.origin, srv.users.admin!.upn, srv.users.admin!.password, '/admin/');
      await enterEmail(page, srv.origin, alice.upn);
      await clickText(page, 'Other ways to sign in');
      await clickText(page, 'Text me a code');
      await waitForText(page, 'We texted a code to');
      await shot(page, 'fallback-sms-step');
      await page.type('#sms-code', await codeFromLabPhone(adminPage, number));
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), submit(page, '#sms-code')]);
      expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).session.methods).toEqual(['sms']);
    } finally {
      await adminPage.browserContext().close();
      await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
    }
  });

  it("lists what may stand in for the push under \"I can't use my Authenticator app right now\", SMS included where SMS sign-in alone is off", async () => {
    let bob: EnrolledUser | undefined;
    try {
      bob = await enrollUser(srv, 'bob');
      const add = await bob.me.post('/api/me/phone', { number: '+15551230002' });
      const [text] = await srv.repo.listOutbox({ channel: 'sms', to: '+15551230002', limit: 1 });
      expect((await bob.me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: text!.text.slice(0, 6) })).status).toBe(200);
      expect((await bob.me.put('/api/me/default-method', { method: 'authenticator' })).status).toBe(200);
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: false });
      await signOut(page, srv.origin);
      await enterEmail(page, srv.origin, bob.upn);
      await page.type('#password', bob.password);
      await clickText(page, 'Sign in');
      await page.waitForSelector('[data-testid=number]');
      await clickText(page, "I can't use my Authenticator app right now");
      await waitForText(page, 'Verify your identity');
      const ways = await page.$$eval('.method-list button', (bs) => bs.map((b) => (b as HTMLElement).innerText.trim()));
      // After the password: Bob's own second factors; no pass, since he holds none (one issued goes first, for a lost app).
      expect(ways).toEqual(['Approve a request on my Authenticator app', 'Text me a code']);
      await shot(page, 'fallback-cant-use-app');
      await clickText(page, 'Text me a code');
      await waitForText(page, 'We texted a code to');
      const [sent] = await srv.repo.listOutbox({ channel: 'sms', to: '+15551230002', limit: 1 });
      await page.type('#sms-code', sent!.text.slice(0, 6));
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), submit(page, '#sms-code')]);
      expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).session.methods).toEqual(['password', 'sms']);
    } finally {
      bob?.device.close();
      await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
    }
  });

  it('while pushes to the app are paused, the password leads to the other second factors, with the reason on the page', async () => {
    // Bob as the test above left him: an authenticator and a verified phone.
    const bob = srv.users.bob!;
    const bobUser = (await srv.repo.getUserByUpn(bob.upn))!;
    expect((await srv.repo.listUserDevices(bobUser.id)).length).toBeGreaterThan(0);
    // As after "No, it's not me": pushes to Bob's authenticator are paused for an hour.
    await srv.repo.updateUser(bobUser.id, { pushPausedUntil: srv.clock.now() + 3_600_000 });
    try {
      await signOut(page, srv.origin);
      await enterEmail(page, srv.origin, bob.upn);
      await page.type('#password', bob.password);
      await clickText(page, 'Sign in');
      await waitForText(page, 'Verify your identity');
      await waitForText(page, 'paused until');
      const ways = await page.$$eval('.method-list button', (bs) => bs.map((b) => (b as HTMLElement).innerText.trim()));
      expect(ways).toEqual(['Text me a code']);
      await shot(page, 'fallback-push-paused');
      await clickText(page, 'Text me a code');
      await waitForText(page, 'We texted a code to');
      const [sent] = await srv.repo.listOutbox({ channel: 'sms', to: '+15551230002', limit: 1 });
      await page.type('#sms-code', sent!.text.slice(0, 6));
      await Promise.all([page.waitForNavigation({ timeout: 15_000 }), submit(page, '#sms-code')]);
      expect((await page.evaluate(() => fetch('/api/me').then((r) => r.json()))).session.methods).toEqual(['password', 'sms']);
    } finally {
      await srv.repo.updateUser(bobUser.id, { pushPausedUntil: 0 });
    }
  });

  it('deletes the passkey in My Account; "Sign in with a passkey" then says it is not registered', async () => {
    await signOut(page, srv.origin);
    await page.goto(`${srv.origin}/login/?next=${encodeURIComponent('/myaccount/#/security-info')}`);
    await page.waitForSelector('#username');
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in with a passkey')]);
    await waitForText(page, 'Dave’s laptop');
    await clickText(page, 'Delete Dave’s laptop');
    await page.waitForSelector('dialog[open]');
    await shot(page, 'fallback-passkey-delete');
    await clickText(page, 'Delete', 'dialog[open] button');
    await waitForText(page, '“Dave’s laptop” was deleted.');
    // The notice comes first; the list reloads right after it.
    await page.waitForFunction(() => ![...document.querySelectorAll('tbody tr')].some((tr) => (tr as HTMLElement).innerText.includes('Passkey')), { timeout: 10_000 });
    await signOut(page, srv.origin);
    await page.goto(`${srv.origin}/login/`);
    await page.waitForSelector('#username');
    await clickText(page, 'Sign in with a passkey');
    await waitForText(page, 'This passkey is not registered here');
    await shot(page, 'fallback-passkey-deleted-refused');
    expect(new URL(page.url()).pathname).toBe('/login/');
  });

  it('shows the Passkey (FIDO2) and SMS policies in the portal', async () => {
    const adminPage = await newSitePage(await profile.browser.createBrowserContext());
    await signInWithPassword(adminPage, srv.origin, srv.users.policy!.upn, srv.users.policy!.password, '/admin/#/authentication-methods/policies/passkey');
    await waitForText(adminPage, 'Passkey (FIDO2) settings');
    await waitForText(adminPage, 'A passkey that cannot verify the person is refused.');
    await shot(adminPage, 'fallback-admin-passkey-policy');
    await adminPage.goto(`${srv.origin}/admin/#/authentication-methods/policies/sms`);
    await waitForText(adminPage, 'SMS settings');
    await waitForText(adminPage, 'Use for sign-in');
    await shot(adminPage, 'fallback-admin-sms-policy');
    await adminPage.browserContext().close();
  });

  it('refuses a password-only session to add a method once registration protection is strict', async () => {
    const policy = await signIn(srv.origin, srv.users.policy!.upn, srv.users.policy!.password);
    expect((await policy.put('/api/admin/policies/registration', { strict: true, onboardingDays: 7 })).status).toBe(200);
    await signOut(page, srv.origin);
    const carol = srv.users.carol!;
    await signInWithPassword(page, srv.origin, carol.upn, carol.password, '/myaccount/#/security-info');
    await clickText(page, '+ Add sign-in method');
    await waitForText(page, 'multifactor sign-in or a Temporary Access Pass');
    await shot(page, 'fallback-strict-refused');
    // The page is not the only guard: the server says the same to the API.
    const res = await page.evaluate(() => fetch('/api/me/passkeys/options', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then(async (r) => ({ status: r.status, body: await r.json() })));
    expect(res).toMatchObject({ status: 403, body: { error: 'step_up_required' } });
    expect(await new HttpClient(srv.origin).get('/api/health')).toMatchObject({ status: 200 });
    expect(problemsOf(page).csp).toEqual([]);
    expect(problemsOf(page).errors.filter((e) => !/status of 403/.test(e))).toEqual([]);
  });
});
