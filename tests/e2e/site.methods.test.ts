// The fallback methods on the site in real Chromium, as a person meets them: a passkey
// created in My Account with Chromium's virtual authenticator and used on the sign-in page
// without a user name; a phone added with the code from the lab outbox, then SMS as the
// second factor after the password and as a way in from "Other ways to sign in"; registration
// protection switched to strict in the portal refusing a password-only session.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'puppeteer-core';
import { Browsers, replaceText, type Profile } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { clickText, enterEmail, newSitePage, problemsOf, shot, signInWithPassword, signOut, startSiteServer, waitForText } from '../support/site.ts';
import { DEFAULT_SMS_POLICY, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let page: Page;
let cdp: CDPSession;
const PHONE = '+447700900123';
const carol = () => srv.users.carol!;

/** The newest code the lab SMS provider "sent" to the number. */
async function lastCode(to: string): Promise<string> {
  const [message] = await srv.repo.listOutbox({ channel: 'sms', to, limit: 1 });
  const code = /\b(\d{6,8})\b/.exec(message?.text ?? '')?.[1];
  if (!code) throw new Error(`no code in the outbox for ${to}: ${message?.text}`);
  return code;
}

beforeAll(async () => {
  browsers = new Browsers();
  // WebAuthn needs a secure context and a domain name: http://localhost is both.
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer({ host: 'localhost' })]);
  page = await newSitePage(a.browser);
  await page.goto(`${srv.origin}/login/`);
  cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  });
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: passkeys, SMS and registration protection', () => {
  it('adds a passkey in My Account and lists it', async () => {
    await signInWithPassword(page, srv.origin, carol().upn, carol().password, '/myaccount/#/security-info');
    await waitForText(page, 'Default sign-in method');
    await clickText(page, '+ Add sign-in method');
    await page.waitForSelector('#method-choice');
    await page.select('#method-choice', 'passkey');
    await shot(page, 'methods-add-passkey-choice');
    await clickText(page, 'Add');
    await page.waitForSelector('#passkey-name');
    await replaceText(page, '#passkey-name', 'Carol laptop');
    await shot(page, 'methods-passkey-name');
    await clickText(page, 'Next');
    await waitForText(page, 'Passkey added');
    await clickText(page, 'Done');
    await page.waitForSelector('tr[data-passkey]');
    await waitForText(page, 'Carol laptop');
    await shot(page, 'methods-passkey-listed');
  });

  it('signs in with "Sign in with a passkey", no user name typed', async () => {
    await signOut(page, srv.origin);
    await page.goto(`${srv.origin}/login/`);
    await page.waitForSelector('#username');
    await Promise.all([
      page.waitForNavigation({ timeout: 15_000 }).catch(async (err) => {
        throw new Error(`${err}: the page shows ${await page.evaluate(() => document.body.innerText)}`);
      }),
      clickText(page, 'Sign in with a passkey'),
    ]);
    await waitForText(page, 'Carol Chen');
    await waitForText(page, 'Passkey');
    await shot(page, 'methods-signed-in-passkey');
  });

  it('adds a phone with the code texted to it (read from the lab outbox)', async () => {
    await page.goto(`${srv.origin}/myaccount/#/security-info`);
    await waitForText(page, 'Carol laptop');
    await clickText(page, '+ Add sign-in method');
    await page.waitForFunction(() => document.activeElement?.id === 'method-choice', { timeout: 5_000 });
    await page.select('#method-choice', 'phone');
    await clickText(page, 'Add');
    // The dialog opens with the number field focused (not its Close button) and "+" filled in:
    // a person types the rest straight away.
    await page.waitForFunction(() => document.activeElement?.id === 'phone-number', { timeout: 5_000 });
    await page.keyboard.type(PHONE.slice(1));
    expect(await page.$eval('#phone-number', (el) => (el as HTMLInputElement).value)).toBe(PHONE);
    await clickText(page, 'Next');
    await page.waitForSelector('#phone-code');
    // The person just typed it: the dialog shows the number in full, not masked.
    expect(await page.$eval('dialog [role=status]', (el) => (el as HTMLElement).innerText)).toContain(`We just sent a 6-digit code to ${PHONE}.`);
    await shot(page, 'methods-phone-code');
    await page.type('#phone-code', await lastCode(PHONE));
    await clickText(page, 'Verify');
    await waitForText(page, 'Phone verified');
    await waitForText(page, `${PHONE} can now receive sign-in codes by text message.`);
    await shot(page, 'methods-phone-verified');
    await clickText(page, 'Done');
    await page.waitForSelector('tr[data-phone]');
    // The list of methods keeps it masked.
    const listed = await page.$eval('tr[data-phone]', (el) => (el as HTMLElement).innerText);
    expect(listed).not.toContain(PHONE);
    expect(listed).toContain('•');
    await shot(page, 'methods-phone-listed');
  });

  it('after the password offers the preferred second factors, and a texted code completes the sign-in', async () => {
    await signOut(page, srv.origin);
    await enterEmail(page, srv.origin, carol().upn);
    await waitForText(page, 'Other ways to sign in');
    await page.type('#password', carol().password);
    await clickText(page, 'Sign in');
    await waitForText(page, 'Verify your identity');
    const ways = await page.$$eval('.method-list button', (bs) => bs.map((b) => (b as HTMLElement).innerText.trim()));
    expect(ways).toEqual(['Sign in with a passkey', 'Text me a code']);
    await shot(page, 'methods-second-factor');
    await clickText(page, 'Text me a code');
    await waitForText(page, 'We texted a code to');
    // A wrong code is marked on the field; the right one then completes the sign-in.
    await page.type('#sms-code', '000000');
    await clickText(page, 'Verify');
    await page.waitForSelector('#sms-code[aria-invalid=true]');
    await replaceText(page, '#sms-code', await lastCode(PHONE));
    await shot(page, 'methods-sms-code');
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Verify')]);
    await waitForText(page, 'Carol Chen');
  });

  it('"Text me a code" is offered to every name, but a code never stands in for the passkey the user has: none is sent', async () => {
    await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: true });
    try {
      await signOut(page, srv.origin);
      await enterEmail(page, srv.origin, carol().upn);
      await clickText(page, 'Other ways to sign in');
      await waitForText(page, 'Verify your identity');
      // Before any factor the list is the tenant's, the same for every name: it tells nothing of Carol's methods.
      const ways = await page.$$eval('.method-list button', (bs) => bs.map((b) => (b as HTMLElement).innerText.trim()));
      expect(ways).toEqual(['Use a Temporary Access Pass', 'Sign in with a passkey', 'Approve a request on my Authenticator app', 'Text me a code', 'Use your password']);
      await shot(page, 'methods-other-ways');
      const sentBefore = (await srv.repo.listOutbox({ channel: 'sms', to: PHONE, limit: 100 })).length;
      await clickText(page, 'Text me a code');
      await waitForText(page, 'SMS sign-in is not available for this account.');
      expect((await srv.repo.listOutbox({ channel: 'sms', to: PHONE, limit: 100 })).length).toBe(sentBefore);
    } finally {
      await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
    }
  });

  it('shows the lab phone in the admin portal, and strict registration protection refuses a password-only session', async () => {
    await signOut(page, srv.origin);
    const admin = await newSitePage(await a.browser.createBrowserContext());
    await signInWithPassword(admin, srv.origin, srv.users.admin!.upn, srv.users.admin!.password, '/admin/#/outbox');
    await waitForText(admin, 'Lab phones (SMS)');
    await waitForText(admin, PHONE);
    await shot(admin, 'methods-admin-outbox');
    await admin.goto(`${srv.origin}/admin/#/authentication-methods/policies`);
    await waitForText(admin, 'Passkey (FIDO2)');
    await shot(admin, 'methods-admin-policies');
    await admin.goto(`${srv.origin}/admin/#/authentication-methods/policies/registration`);
    await admin.waitForSelector('#registration-strict');
    await admin.click('#registration-strict');
    await clickText(admin, 'Save');
    await waitForText(admin, 'Registration protection saved.');
    await shot(admin, 'methods-admin-registration');

    const dave = srv.users.dave!;
    await signInWithPassword(page, srv.origin, dave.upn, dave.password, '/myaccount/#/security-info');
    await clickText(page, '+ Add sign-in method');
    await waitForText(page, 'Sign in again to add a method');
    await waitForText(page, 'needs a multifactor sign-in or a Temporary Access Pass');
    await shot(page, 'methods-registration-refused');
    expect(problemsOf(admin)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });

  it('runs under the default CSP without refusals or script errors, every control named', () => {
    expect(problemsOf(page)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
