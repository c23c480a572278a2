// The sign-in page in real Chromium against the real server, approvals from a software
// authenticator: the password page, "Use an app instead" with the number, every outcome,
// push MFA after the password, the other methods, and the policy hiding the link.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, type Profile } from '../support/browser.ts';
import { enrollUser, upgradeToPasswordless, userId, wrongNumber, type EnrolledUser } from '../support/flows.ts';
import { signIn, type TestServer } from '../support/server.ts';
import { clickText, enterEmail, newSitePage, problemsOf, shot, shownNumber, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let alice: EnrolledUser;
const pages: Page[] = [];
/** The flow the last useApp() started (read from the page's own /start answer). */
let flowId = '';

async function page(): Promise<Page> {
  const p = await newSitePage(a.browser);
  pages.push(p);
  return p;
}

/** Email → "Use an app instead": returns the page showing the number, and the push the device got. */
async function useApp(upn: string) {
  const p = await page();
  const started = p.waitForResponse((r) => r.url().endsWith('/api/signin/start'));
  await enterEmail(p, srv.origin, upn);
  flowId = ((await (await started).json()) as { flowId: string }).flowId;
  await clickText(p, 'Use an app instead');
  await waitForText(p, 'Open your Authenticator app, and enter the number shown to sign in');
  const number = await shownNumber(p);
  const push = await alice.device.nextPush();
  return { p, number, push };
}

/** The helpdesk issues Alice a pass; a new page types her name and opens on the password, as for any name. */
async function passIssued(): Promise<{ p: Page; pass: string }> {
  const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
  const issued = await helpdesk.post(`/api/admin/users/${await userId(helpdesk, alice.upn)}/tap`, { lifetimeMinutes: 60, oneTime: true });
  expect(issued.status).toBe(201);
  return { p: await passwordPage(alice.upn), pass: issued.body.pass };
}

/** A new page in a browser context of its own (its own flow cookie), with `upn` typed, on the password step; every name lands there. */
async function passwordPage(upn: string): Promise<Page> {
  const p = await newSitePage(await a.browser.createBrowserContext());
  pages.push(p);
  await p.goto(`${srv.origin}/login/`);
  await p.waitForSelector('#username');
  await p.type('#username', upn);
  await clickText(p, 'Next');
  await p.waitForSelector('#password');
  await waitForText(p, 'Enter password');
  return p;
}

/** The card's words with the typed name taken out: what the page tells of the account. */
const cardText = (p: Page, upn: string) => p.$eval('.signin-card', (e, name) => (e as HTMLElement).innerText.replaceAll(name, '<name>'), upn);

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  alice = await enrollUser(srv, 'alice', { deviceName: 'Chromium on Linux' });
  await upgradeToPasswordless(alice);
});

afterAll(async () => {
  alice?.device.close();
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: sign-in', () => {
  it('signs a user without an authenticator in with the password and lands on My Account', async () => {
    const p = await page();
    await p.goto(`${srv.origin}/login`);
    await p.waitForSelector('#username');
    expect(new URL(p.url()).pathname).toBe('/login/');
    // Focus starts in the field (set after the first paint).
    await p.waitForFunction(() => document.activeElement?.id === 'username', { timeout: 5_000 });
    await shot(p, 'signin-email');
    await p.type('#username', srv.users.carol!.upn);
    await clickText(p, 'Next');
    await p.waitForSelector('#password');
    await waitForText(p, 'Enter password');
    // The page is the one every name gets, an unknown one too: it tells nothing of the account.
    const unknown = await passwordPage('nobody@pushkey.test');
    expect(await cardText(p, srv.users.carol!.upn)).toBe(await cardText(unknown, 'nobody@pushkey.test'));
    await shot(p, 'signin-password');
    await p.type('#password', srv.users.carol!.password);
    await Promise.all([p.waitForNavigation(), clickText(p, 'Sign in')]);
    expect(new URL(p.url()).pathname).toBe('/myaccount/');
    await waitForText(p, 'Carol Chen');
  });

  it('works with the keyboard alone: focus lands in each field, Enter submits', async () => {
    const p = await page();
    await p.goto(`${srv.origin}/login/`);
    await p.waitForFunction(() => document.activeElement?.id === 'username');
    await p.keyboard.type(srv.users.dave!.upn);
    await p.keyboard.press('Enter');
    await p.waitForFunction(() => document.activeElement?.id === 'password', { timeout: 5_000 });
    await p.keyboard.type(srv.users.dave!.password);
    await Promise.all([p.waitForNavigation(), p.keyboard.press('Enter')]);
    await waitForText(p, 'Dave Diaz');
  });

  it('shows the server message for a wrong password, on the field', async () => {
    const p = await page();
    await enterEmail(p, srv.origin, srv.users.dave!.upn);
    await p.type('#password', 'not-the-password');
    await clickText(p, 'Sign in');
    await waitForText(p, 'Your account or password is incorrect.');
    expect(await p.$eval('#password', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await shot(p, 'signin-password-wrong');
  });

  it('"Use an app instead": shows the number large with a countdown, and the approval signs in this browser only', async () => {
    const { p, number, push } = await useApp(alice.upn);
    expect(number).toMatch(/^\d{2}$/);
    await waitForText(p, 'This request expires in');
    // The new screen is announced: focus moves to its heading; the number is read digit by digit.
    await p.waitForFunction(() => document.activeElement?.tagName === 'H1' && (document.activeElement as HTMLElement).innerText === 'Approve sign-in request', { timeout: 5_000 });
    expect(await p.$eval('[data-testid=number] .sr-only', (e) => e.textContent)).toBe(`Number: ${number.split('').join(' ')}`);
    await shot(p, 'signin-number');
    expect(JSON.stringify(push)).not.toContain(`"${number}"`);
    // Another browser that learns the flow id gets nothing: the flow is bound to A's cookie.
    const other = await (await a.browser.createBrowserContext()).newPage();
    await other.goto(`${srv.origin}/login/`);
    const peek = (id: string) => other.evaluate(async (f) => (await fetch(`/api/signin/status?flowId=${f}`)).json(), id) as Promise<{ error?: string }>;
    expect((await peek(flowId)).error).toBe('flow_invalid');
    expect((await alice.device.respond(push, 'approve', number)).body.outcome).toBe('approved');
    await waitForText(p, "You're signed in");
    expect((await peek(flowId)).error).toBe('flow_invalid');
    expect(await other.evaluate(async () => (await fetch('/api/me')).status)).toBe(401);
    await other.browserContext().close();
    await shot(p, 'signin-approved');
    await p.waitForNavigation({ timeout: 10_000 });
    expect(new URL(p.url()).pathname).toBe('/myaccount/');
    await waitForText(p, 'Alice Adams');
  });

  it('says "Request denied" on a denial, and "Send another request" sends a new number', async () => {
    const { p, push } = await useApp(alice.upn);
    await alice.device.respond(push, 'deny');
    await waitForText(p, 'Request denied');
    await waitForText(p, 'Send another request');
    // The outcome moves focus to the next thing to do.
    await p.waitForFunction(() => (document.activeElement as HTMLElement | null)?.innerText === 'Send another request', { timeout: 5_000 });
    await shot(p, 'signin-denied');
    await clickText(p, 'Send another request');
    await waitForText(p, 'Open your Authenticator app, and enter the number shown to sign in');
    const again = await alice.device.nextPush();
    expect(again.challengeId).not.toBe(push.challengeId);
    await alice.device.respond(again, 'approve', await shownNumber(p));
    await waitForText(p, "You're signed in");
  });

  it('says "The number didn\'t match" when the app sends another number', async () => {
    const { p, number, push } = await useApp(alice.upn);
    await alice.device.respond(push, 'approve', wrongNumber(number));
    await waitForText(p, "The number didn't match");
    await shot(p, 'signin-number-mismatch');
  });

  it('says "Update your authenticator" when the minimum version was raised after the request went out', async () => {
    const { p, number, push } = await useApp(alice.upn);
    await srv.setPolicy({ minClientVersion: '9.0.0' });
    try {
      await alice.device.respond(push, 'approve', number);
      await waitForText(p, 'Update your authenticator');
      await waitForText(p, 'restarting the browser installs a store update');
      await shot(p, 'signin-update-required');
    } finally {
      await srv.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('names both versions, before any request, when the app on record is below the minimum', async () => {
    await srv.setPolicy({ minClientVersion: '9.0.0' });
    try {
      const p = await page();
      await enterEmail(p, srv.origin, alice.upn);
      await clickText(p, 'Use an app instead');
      await waitForText(p, 'the authenticator on this account is pushkey 1.0.0, and your organization requires 9.0.0 or later');
      await shot(p, 'signin-update-required-before');
      await expect(alice.device.nextPush(300)).rejects.toThrow();
    } finally {
      await srv.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('after "No, it\'s not me" says what to do and offers to start over, not another request', async () => {
    const { p, push } = await useApp(alice.upn);
    await alice.device.respond(push, 'report');
    await waitForText(p, 'change it in My Account');
    await p.waitForFunction(() => (document.activeElement as HTMLElement | null)?.innerText === 'Start over', { timeout: 5_000 });
    expect(await p.evaluate(() => document.body.innerText.includes('Send another request'))).toBe(false);
    await shot(p, 'signin-reported');
    await clickText(p, 'Start over');
    await p.waitForSelector('#username');
  });

  it('says "Request timed out" when nobody answers before the request expires', async () => {
    await srv.setPolicy({ requestLifetimeSeconds: 30 });
    try {
      const { p } = await useApp(alice.upn);
      // The server's long poll answers when the request expires; the countdown shows the rest.
      await waitForText(p, 'Request timed out', 40_000);
      await shot(p, 'signin-timed-out');
    } finally {
      await srv.setPolicy({ requestLifetimeSeconds: 90 });
    }
  }, 60_000);

  it('opens on the password even while the user has a usable pass, the same page as for an unknown name; the pass is under "Other ways to sign in"', async () => {
    const { p, pass } = await passIssued();
    await p.waitForFunction(() => document.activeElement?.id === 'password', { timeout: 5_000 });
    expect(await p.$('#tap')).toBeNull();
    const unknown = await passwordPage('nobody@pushkey.test');
    expect(await cardText(p, alice.upn)).toBe(await cardText(unknown, 'nobody@pushkey.test'));
    await shot(p, 'signin-tap-user-password-first');

    await clickText(p, 'Other ways to sign in');
    await waitForText(p, 'Verify your identity');
    const ways = await p.$$eval('.method-list button', (els) => els.map((e) => (e as HTMLElement).innerText.trim()));
    expect(ways).toEqual(['Use a Temporary Access Pass', 'Sign in with a passkey', 'Approve a request on my Authenticator app', 'Use your password']);
    await clickText(unknown, 'Other ways to sign in');
    await waitForText(unknown, 'Verify your identity');
    expect(await cardText(p, alice.upn)).toBe(await cardText(unknown, 'nobody@pushkey.test'));
    await shot(p, 'signin-other-ways');
    await clickText(p, 'Use your password');
    await p.waitForSelector('#password');

    await clickText(p, 'Other ways to sign in');
    await clickText(p, 'Use a Temporary Access Pass');
    await p.waitForSelector('#tap');
    await p.type('#tap', pass);
    await Promise.all([p.waitForNavigation({ timeout: 15_000 }), clickText(p, 'Sign in')]);
    await waitForText(p, 'Alice Adams');
  });

  it('"Use an app instead" says the same for an unknown name as for an account without the app, and sends nothing', async () => {
    const carol = await passwordPage(srv.users.carol!.upn);
    const unknown = await passwordPage('nobody@pushkey.test');
    const requests = () => alice.device.pending().filter((f) => f.type === 'request').length;
    const before = requests();
    for (const p of [carol, unknown]) {
      await clickText(p, 'Use an app instead');
      await waitForText(p, 'Passwordless sign-in is not available for this account.');
    }
    expect(await cardText(carol, srv.users.carol!.upn)).toBe(await cardText(unknown, 'nobody@pushkey.test'));
    await shot(unknown, 'signin-app-not-available');
    expect(requests()).toBe(before);
  });

  it('"I can\'t use my Authenticator app right now" lists the other methods, and a Temporary Access Pass signs in', async () => {
    // With the pass issued, the page still opens on the password: the app is one of the other ways.
    const { p, pass } = await passIssued();
    await clickText(p, 'Other ways to sign in');
    await clickText(p, 'Approve a request on my Authenticator app');
    await waitForText(p, 'Open your Authenticator app, and enter the number shown to sign in');
    await alice.device.nextPush();
    await clickText(p, "I can't use my Authenticator app right now");
    await waitForText(p, 'Verify your identity');
    await waitForText(p, 'Use your password');
    await waitForText(p, 'Use a Temporary Access Pass');
    await shot(p, 'signin-other-methods');
    await clickText(p, 'Use a Temporary Access Pass');
    await p.waitForSelector('#tap');
    await p.type('#tap', pass);
    await shot(p, 'signin-tap');
    await Promise.all([p.waitForNavigation({ timeout: 15_000 }), clickText(p, 'Sign in')]);
    await waitForText(p, 'Alice Adams');
  });

  it('continues a password sign-in to "Approve sign-in request" with the number when push is allowed', async () => {
    const p = await page();
    await enterEmail(p, srv.origin, alice.upn);
    await p.type('#password', alice.password);
    await clickText(p, 'Sign in');
    await waitForText(p, 'Approve sign-in request');
    const number = await shownNumber(p);
    await shot(p, 'signin-mfa-number');
    const push = await alice.device.nextPush();
    expect(push.kind).toBe('mfa');
    await alice.device.respond(push, 'approve', number);
    await p.waitForNavigation({ timeout: 15_000 });
    await waitForText(p, 'Alice Adams');
    // The session came from password + authenticator.
    await waitForText(p, 'Password + Authenticator app (notification)');
  });

  it('hides "Use an app instead" when the policy mode is Push', async () => {
    await srv.setPolicy({ mode: 'push' });
    try {
      const p = await page();
      await enterEmail(p, srv.origin, alice.upn);
      await waitForText(p, 'Enter password');
      expect(await p.evaluate(() => document.body.innerText)).not.toContain('Use an app instead');
    } finally {
      await srv.setPolicy({ mode: 'any' });
    }
  });

  it('goes to the page named by next=, and never to another origin', async () => {
    const p = await page();
    await signInWithPassword(p, srv.origin, srv.users.dave!.upn, srv.users.dave!.password, '/myaccount/#/recent-activity');
    await waitForText(p, 'Recent activity');
    const q = await page();
    await signInWithPassword(q, srv.origin, srv.users.dave!.upn, srv.users.dave!.password, '//evil.example/');
    expect(new URL(q.url()).origin).toBe(srv.origin);
  });

  it('runs under the default CSP without refusals or script errors, every control named', () => {
    for (const p of pages) expect(problemsOf(p)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
