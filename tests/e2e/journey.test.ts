// The whole journey of the guide in two real Chromium instances against the real server:
// A is the user's browser (no extension), B the profile with the pushkey extension.
// Every page and prompt it passes through is saved in tests/artifacts/journey-*.png.
//
//   phase 1  the policy admin enables the Authenticator policy in mode Any (admin portal, A)
//   phase 2  the user signs in to My Account in B with the password and adds the authenticator
//            by scanning the QR code with the extension; "Let's try it out" is approved in B
//   phase 3  the user upgrades to passwordless in the extension, typing the number My Account shows
//   phase 4  in A: email → "Use an app instead" → the number → approved in B → signed in, no password
//   then what bites: mode Push hides "Use an app instead"; a client below the minimum version is
//            refused with "update required";
//   phase 5  passwordless disabled in B: "Use an app instead" in A says it is not available, and no prompt opens; push MFA after
//            the password still works;
//   lost device: the helpdesk issues a TAP, the user signs in with it in a new profile B2, the QR code
//            cannot be read → "Can't scan image?" → the manual code registers B2, the lost device B is
//            deleted and its approval then fails;
//   offline:  all authenticators closed → "I can't use my Authenticator app right now" → a TAP signs in.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, openActionPopup, openPopupTab, promptIsOpen, replaceText, screenshot, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { newSitePage, noteUnlabelled, problemsOf, shownNumber, startSiteServer } from '../support/site.ts';
import { addAccountByCode, listAccounts, until, waitConnected } from './flows.ts';
import { approveIn, disablePasswordless, issueTapInPortal, openAuthenticatorWizard, setUpPasswordlessFromPage, signInPasswordless, tryItOut, typeTap, type Look } from './guide-steps.ts';

let browsers: Browsers;
let srv: TestServer;
let a: Profile;
let b: Profile;
let b2: Profile;
/** Alice's My Account tab in B. */
let myB: Page;
let lostDeviceId: string;
const watched: Page[] = [];
let step = 0;

const alice = () => srv.users.alice!;
async function snap(page: Page, name: string): Promise<void> {
  await noteUnlabelled(page);
  await screenshot(page, `journey-${String(++step).padStart(2, '0')}-${name}`);
}
/** The shared steps' moments, named for the profile they happen in. */
const lookIn =
  (who: string): Look =>
  (page, name) =>
    snap(page, `${who}-${name}`);

/** A fresh, cookie-less window in A (an incognito-like context). */
async function freshA(): Promise<Page> {
  const page = await newSitePage(await a.browser.createBrowserContext());
  watched.push(page);
  return page;
}

/** Signs `name` (an admin without an authenticator) in to the admin portal in a fresh window of A. */
async function adminIn(name: string, hash: string): Promise<Page> {
  const page = await freshA();
  const u = srv.users[name]!;
  await page.goto(`${srv.origin}/login/?next=${encodeURIComponent(`/admin/#/${hash}`)}`);
  await page.waitForSelector('#username');
  await page.type('#username', u.upn);
  await clickText(page, 'Next');
  await page.waitForSelector('#password');
  await page.type('#password', u.password);
  await Promise.all([page.waitForNavigation(), clickText(page, 'Sign in')]);
  await page.waitForSelector('main h1');
  return page;
}

/** Admin portal → Authenticator settings: applies `edit`, saves, and checks the message. */
async function editPolicy(edit: (page: Page) => Promise<void>, shotName?: string): Promise<void> {
  const page = await adminIn('policy', 'authentication-methods/policies/authenticator');
  await waitForText(page, 'Authenticator settings');
  await page.waitForSelector('#mode-any');
  await edit(page);
  if (shotName) await snap(page, shotName);
  await clickText(page, 'Save');
  await waitForText(page, 'Authenticator policy saved.');
  await page.browserContext().close();
}

async function setMinVersion(page: Page, value: string): Promise<void> {
  await replaceText(page, '#min-version', value);
}

/** A: email → Next; leaves the page on the password step, or on the pass when alice has a usable one (`#tap`). */
async function emailInA(): Promise<Page> {
  const page = await freshA();
  await page.goto(`${srv.origin}/login/`);
  await page.waitForSelector('#username');
  await page.type('#username', alice().upn);
  await clickText(page, 'Next');
  await page.waitForSelector('#password');
  return page;
}

const bodyText = (page: Page) => page.evaluate(() => document.body.innerText);

/** The helpdesk adds a Temporary Access Pass for alice in the portal and reads it from the screen. */
async function issueTap(oneTime: boolean, name: string): Promise<string> {
  const page = await adminIn('helpdesk', 'users');
  const pass = await issueTapInPortal(page, { search: 'alice', displayName: 'Alice Adams' }, { oneTime }, lookIn(name));
  await page.browserContext().close();
  return pass;
}

beforeAll(async () => {
  // Screenshots of an earlier run would mix with this one's numbering.
  const artifacts = path.resolve(import.meta.dirname, '../artifacts');
  if (existsSync(artifacts)) for (const f of readdirSync(artifacts)) if (f.startsWith('journey-')) rmSync(path.join(artifacts, f));
  browsers = new Browsers();
  [srv, a, b] = await Promise.all([startSiteServer(), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
  // The tenant starts with the Authenticator off: phase 1 turns it on.
  await srv.setPolicy({ enabled: false });
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

describe('journey: two browsers, one extension', () => {
  it('phase 1: the policy admin enables the Authenticator policy in mode Any', async () => {
    const page = await adminIn('policy', 'authentication-methods/policies');
    await waitForText(page, 'Policies');
    await snap(page, 'admin-policies');
    await clickText(page, 'Authenticator', 'a');
    await page.waitForSelector('#enabled');
    expect(await page.$eval('#enabled', (e) => (e as HTMLInputElement).checked)).toBe(false);
    await page.click('#enabled');
    await page.click('#auth-target-all');
    await page.click('#mode-any');
    await snap(page, 'admin-authenticator-enabled');
    await clickText(page, 'Save');
    await waitForText(page, 'Authenticator policy saved.');
    await page.goto(`${srv.origin}/admin/#/audit`);
    await waitForText(page, 'Authenticator policy updated');
    await snap(page, 'admin-audit');
    await page.browserContext().close();
  });

  it('phase 2: in B the user adds the authenticator by scanning the QR code in My Account', async () => {
    myB = await newSitePage(b.browser);
    watched.push(myB);
    await myB.goto(`${srv.origin}/myaccount/#/security-info`);
    await myB.waitForSelector('#username');
    await myB.type('#username', alice().upn);
    await clickText(myB, 'Next');
    await myB.waitForSelector('#password');
    await snap(myB, 'b-signin-password');
    await myB.type('#password', alice().password);
    await Promise.all([myB.waitForNavigation(), clickText(myB, 'Sign in')]);
    await waitForText(myB, 'Security info');
    await snap(myB, 'b-security-info');
    await openAuthenticatorWizard(myB, lookIn('b'));

    const popup = await openActionPopup(b, myB);
    await clickText(popup, 'Add account');
    await clickText(popup, 'Work or school account');
    await snap(popup, 'b-popup-add');
    await clickText(popup, 'Scan a QR code');
    await waitForText(popup, 'Add this account?');
    await snap(popup, 'b-popup-confirm');
    await clickText(popup, 'Add account');
    // The confirmation and the "Adding …" spinner already show the name: the worker's list is what says it was added.
    await until('the account to be added', async () => (await listAccounts(popup)).some((x) => x.upn === alice().upn));
    lostDeviceId = (await listAccounts(popup)).find((x) => x.upn === alice().upn)!.deviceId;
    await popup.waitForSelector('section[aria-label="Account"]');
    await snap(popup, 'b-popup-added');
    await waitConnected(popup, alice().upn);
    await popup.close();

    await tryItOut(b, myB, lookIn('b'));
    await waitForText(myB, 'Push notifications (multi-factor)');
    await snap(myB, 'b-security-info-device');
  });

  it('phase 3: in the extension the user turns on passwordless, typing the number My Account shows', async () => {
    await setUpPasswordlessFromPage(b, myB, srv.origin, 'pushkey Lab', alice().password, lookIn('b'));
  });

  it('phase 4: in A, email → "Use an app instead" → the number → approved in B → signed in without a password', async () => {
    const page = await emailInA();
    await signInPasswordless(page, b, lookIn('a'));
    await waitForText(page, 'Alice Adams');
    await waitForText(page, 'Authenticator app (passwordless)');
    await snap(page, 'a-myaccount-passwordless');
    // No password was typed in A.
    expect(await page.evaluate(() => document.querySelector('#password'))).toBeNull();
  });

  it('mode Push hides "Use an app instead"', async () => {
    await editPolicy((p) => p.click('#mode-push'), 'admin-mode-push');
    const page = await emailInA();
    await waitForText(page, 'Enter password');
    expect(await bodyText(page)).not.toContain('Use an app instead');
    await snap(page, 'a-password-mode-push');
    await editPolicy((p) => p.click('#mode-any'));
  });

  it('a client below the minimum version is refused with "update required", before any prompt', async () => {
    await editPolicy((p) => setMinVersion(p, '99.0.0'), 'admin-min-version');
    try {
      const page = await emailInA();
      await clickText(page, 'Use an app instead');
      // Both versions are named, and B is never asked for a number that cannot succeed.
      await waitForText(page, 'and your organization requires 99.0.0 or later');
      await snap(page, 'a-update-required');
      expect(await promptIsOpen(b)).toBe(false);
    } finally {
      await editPolicy((p) => setMinVersion(p, '0.0.0'));
    }
  });

  it('phase 5: passwordless disabled in B; A is offered the password only, and push MFA still works', async () => {
    await disablePasswordless(b, 'pushkey Lab', lookIn('b'));

    // The page offers the tenant's ways in, the same for every name; the app no longer answers for alice.
    const page = await emailInA();
    await waitForText(page, 'Enter password');
    await clickText(page, 'Use an app instead');
    await waitForText(page, 'Passwordless sign-in is not available for this account.');
    expect(await promptIsOpen(b)).toBe(false);
    await snap(page, 'a-password-no-app');
    await page.type('#password', alice().password);
    await clickText(page, 'Sign in');
    await waitForText(page, 'Approve sign-in request');
    const number = await shownNumber(page);
    await snap(page, 'a-mfa-number');
    const prompt = await approveIn(b, number, (p) => snap(p, 'b-mfa-prompt'));
    await waitForText(prompt, 'Approved');
    await page.waitForNavigation();
    await waitForText(page, 'Password + Authenticator app (notification)');
    await snap(page, 'a-myaccount-mfa');
    await waitForPromptClosed(b);
  });

  it('lost device: a TAP signs in a new profile B2, an unreadable QR code falls back to the manual code, and the lost device is deleted and fails', async () => {
    const pass = await issueTap(true, 'lost');
    b2 = await browsers.launch({ extension: true });
    const myB2 = await newSitePage(b2.browser);
    watched.push(myB2);
    await typeTap(myB2, srv.origin, alice().upn, pass, '/myaccount/#/security-info');
    await snap(myB2, 'b2-signin-tap');
    await Promise.all([myB2.waitForNavigation(), clickText(myB2, 'Sign in')]);
    await waitForText(myB2, 'Security info');

    await openAuthenticatorWizard(myB2);
    // A QR code the scanner cannot read (a smudged screen, a tiny window): blur it.
    await myB2.$eval('.qr img', (img) => ((img as HTMLElement).style.filter = 'blur(6px)'));
    await snap(myB2, 'b2-unreadable-qr');
    const scan = await openActionPopup(b2, myB2);
    await clickText(scan, 'Add account');
    await clickText(scan, 'Work or school account');
    await clickText(scan, 'Scan a QR code');
    await waitForText(scan, 'No pushkey QR code was found on this page');
    await snap(scan, 'b2-popup-no-qr');
    await scan.close();

    await myB2.bringToFront();
    await clickText(myB2, "Can't scan image?");
    const code = await myB2.$eval('#manual-code', (e) => (e as HTMLInputElement).value);
    const url = await myB2.$eval('#manual-url', (e) => (e as HTMLInputElement).value);
    await snap(myB2, 'b2-manual-code');
    const popup = await addAccountByCode(b2, code, url, alice().upn);
    await snap(popup, 'b2-popup-added');
    await waitConnected(popup, alice().upn);
    await popup.close();
    await tryItOut(b2, myB2, lookIn('b2'));
    await myB2.waitForSelector(`tr[data-device="${lostDeviceId}"]`);
    await snap(myB2, 'b2-security-info-two-devices');

    // A password sign-in in A now reaches both authenticators…
    const page = await emailInA();
    await page.type('#password', alice().password);
    await clickText(page, 'Sign in');
    await waitForText(page, 'Approve sign-in request');
    const number = await shownNumber(page);
    const lostPrompt = await waitForPrompt(b);
    const newPrompt = await waitForPrompt(b2);
    await snap(lostPrompt, 'b-lost-device-prompt');
    // …the person deletes the lost one in My Account…
    await myB2.bringToFront();
    await myB2.click(`tr[data-device="${lostDeviceId}"] button[aria-label^="Delete"]`);
    await waitForText(myB2, 'Delete Authenticator app?');
    await snap(myB2, 'b2-delete-lost');
    await myB2.click('dialog .btn-danger');
    await waitForText(myB2, 'was deleted');
    await snap(myB2, 'b2-lost-deleted');
    // …and whoever holds it can no longer approve: the extension closes the request or the server refuses it.
    const lostOutcome = await (async () => {
      try {
        await lostPrompt.waitForSelector('#number', { timeout: 3_000 });
        await lostPrompt.type('#number', number);
        await clickText(lostPrompt, 'Yes');
        await until('the lost device to be refused', async () => /disabled|closed|removed/i.test(await bodyText(lostPrompt)));
        await snap(lostPrompt, 'b-lost-prompt-refused');
        return 'refused';
      } catch {
        // The extension learned of the revocation and closed the request itself.
        await until('the lost prompt to close', async () => lostPrompt.isClosed() || !(await promptIsOpen(b)), 5_000);
        return 'closed';
      }
    })();
    expect(['refused', 'closed']).toContain(lostOutcome);
    const lostPopup = await openPopupTab(b);
    await until('the lost account to show as disabled', async () => (await listAccounts(lostPopup)).find((x) => x.deviceId === lostDeviceId)?.revoked === true);
    await lostPopup.reload();
    await lostPopup.waitForSelector('main');
    await snap(lostPopup, 'b-popup-lost-disabled');
    await lostPopup.close();
    expect(await bodyText(page)).not.toContain("You're signed in");
    expect((await srv.repo.getDevice(lostDeviceId))?.revokedAt).not.toBeNull();
    await newPrompt.waitForSelector('#number');
    await newPrompt.type('#number', number);
    await clickText(newPrompt, 'Yes');
    await waitForText(newPrompt, 'Approved');
    await page.waitForNavigation();
    await waitForText(page, 'Alice Adams');
    await snap(page, 'a-signed-in-with-new-device');
  });

  it('offline: with every authenticator closed, "I can\'t use my Authenticator app right now" → a TAP signs in', async () => {
    await b.browser.close();
    await b2.browser.close();
    const pass = await issueTap(true, 'offline');
    // The page opens on the password, as for any name; alice tries her password and the app first.
    const page = await emailInA();
    await page.type('#password', alice().password);
    await clickText(page, 'Sign in');
    await waitForText(page, 'Approve sign-in request');
    await snap(page, 'a-waiting-offline');
    await clickText(page, "I can't use my Authenticator app right now");
    await waitForText(page, 'Verify your identity');
    await snap(page, 'a-other-methods');
    await clickText(page, 'Use a Temporary Access Pass');
    await page.waitForSelector('#tap');
    await page.type('#tap', pass);
    await Promise.all([page.waitForNavigation(), clickText(page, 'Sign in')]);
    await waitForText(page, 'Temporary Access Pass');
    await snap(page, 'a-signed-in-with-tap');
    // Every attempt is in the sign-in log.
    const admin = await adminIn('admin', 'signins');
    await waitForText(admin, 'Unsuccessful sign-in');
    await snap(admin, 'admin-signin-logs');
  });

  it('ran under the default CSP without refusals or script errors, every control named', () => {
    for (const p of watched) expect(problemsOf(p)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
