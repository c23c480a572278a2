// "Sign out your other sessions?" in real Chromium against the real server: one user signed
// in in two browsers, a phone number added in one of them, the offer appears there, accepted,
// the other browser's next request lands on the sign-in page, and the audit log has the entry.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, replaceText, type Profile } from '../support/browser.ts';
import type { TestServer } from '../support/server.ts';
import { clickText, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let profile: Profile;
let srv: TestServer;
let here: Page;
let elsewhere: Page;
const PHONE = '+447700900155';
const dave = () => srv.users.dave!;

/** Submits the form that holds `selector` (whatever its button says). */
const submit = (p: Page, selector: string) => p.$eval(selector, (el) => (el as HTMLInputElement).form!.requestSubmit());

beforeAll(async () => {
  browsers = new Browsers();
  [profile, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  // Two browser contexts: two cookie jars, two sessions of the same user.
  here = await newSitePage(await profile.browser.createBrowserContext());
  elsewhere = await newSitePage(await profile.browser.createBrowserContext());
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: other sessions after a change of sign-in methods', () => {
  it('offers to sign out the other sessions after a phone is added, and the other browser is signed out at its next request', async () => {
    await signInWithPassword(elsewhere, srv.origin, dave().upn, dave().password);
    await waitForText(elsewhere, 'Dave Diaz');
    await signInWithPassword(here, srv.origin, dave().upn, dave().password);
    await waitForText(here, 'Dave Diaz');
    expect(await here.evaluate(() => document.body.innerText)).not.toContain('Sign out your other sessions?');

    // The change: a phone number added and verified in My Account.
    await here.goto(`${srv.origin}/myaccount/#/security-info`);
    await clickText(here, '+ Add sign-in method');
    await here.waitForSelector('#method-choice');
    await here.select('#method-choice', 'phone');
    await submit(here, '#method-choice');
    await here.waitForSelector('#phone-number');
    await replaceText(here, '#phone-number', PHONE);
    await submit(here, '#phone-number');
    await here.waitForSelector('#phone-code').catch(async (err: unknown) => {
      throw new Error(`no code step: ${await here.evaluate(() => document.body.innerText)}`, { cause: err });
    });
    const [text] = await srv.repo.listOutbox({ channel: 'sms', to: PHONE, limit: 1 });
    await here.type('#phone-code', text!.text.slice(0, 6));
    await submit(here, '#phone-code');
    await waitForText(here, 'Phone verified');
    await here.keyboard.press('Escape');

    await waitForText(here, 'Your sign-in methods changed. Sign out your other sessions?');
    await waitForText(here, 'You have 1 other session open');
    await shot(here, 'myaccount-other-sessions-offer');
    await clickText(here, 'Sign out other sessions');
    await waitForText(here, '1 other session was signed out.');
    await shot(here, 'myaccount-other-sessions-ended');

    // The other browser's next request (My Account asks every 3 s): signed out, sent to the
    // sign-in page. Waited for by its address, which a navigation under way cannot break.
    const deadline = Date.now() + 15_000;
    while (new URL(elsewhere.url()).pathname !== '/login/') {
      if (Date.now() > deadline) throw new Error(`the other browser stayed on ${elsewhere.url()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    await elsewhere.waitForSelector('#username', { timeout: 15_000 });
    expect(await elsewhere.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    // This one is still signed in, with no offer left.
    await here.reload();
    await waitForText(here, 'Dave Diaz');
    expect(await here.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(200);
    expect(await here.evaluate(() => document.body.innerText)).not.toContain('Sign out your other sessions?');

    const user = (await srv.repo.getUserByUpn(dave().upn))!;
    const [entry] = await srv.repo.listAudit({ action: 'user.other_sessions_ended', limit: 5 });
    expect(entry).toMatchObject({ actorUpn: dave().upn, targetId: user.id, after: { sessionsEnded: 1 } });
  });

  it('ran under the default CSP without refusals or script errors', () => {
    for (const p of [here, elsewhere]) expect(problemsOf(p)).toMatchObject({ csp: [], errors: [] });
  });
});
