// The policy what-if in real Chromium: from a user's page to the what-if, its tables read as
// an admin reads them (the ways in in order, what follows the password, the rule that decided
// each method, what the push shows), then #/what-if's own picker and the app's level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, type Profile } from '../support/browser.ts';
import { enrollUser, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import type { TestServer } from '../support/server.ts';
import { clickText, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let alice: EnrolledUser;
let page: Page;

/** A verdict table's rows as an admin reads them: order (- when not offered), method, result, decided by. */
const rowsOf = (table: 'first-step' | 'second-step') =>
  page.$$eval(`[data-testid=${table}] tbody tr`, (rows) =>
    rows.map((r) => {
      const cells = (r as HTMLTableRowElement).cells;
      return [cells[0]!.innerText.trim() || '-', cells[1]!.innerText, cells[2]!.innerText, cells[3]!.innerText.replace(/\s*\n\s*/g, ' · ')].map((s) => s.trim()).join(' | ');
    }),
  );

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  alice = await enrollUser(srv, 'alice', { deviceName: 'Alice laptop', connect: false });
  await upgradeToPasswordless(alice);
  // The pilot: the app for the Pilot group only, 6-digit numbers, the app lock required.
  await srv.setPolicy({ target: { allUsers: false, includeGroups: ['Pilot'], excludeGroups: [] }, numberLength: 6, requireAppLock: true, showLocation: false });
  page = await newSitePage(await a.browser.createBrowserContext());
  await signInWithPassword(page, srv.origin, srv.users.policy!.upn, srv.users.policy!.password, '/admin/');
  await page.waitForSelector('main h1');
});

afterAll(async () => {
  alice?.device.close();
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: policy what-if', () => {
  it('opens from the user’s page and reads which methods the user gets, in order, and why', async () => {
    await page.goto(`${srv.origin}/admin/#/users`);
    await clickText(page, 'Alice Adams', 'a');
    await clickText(page, 'Sign-in methods this user gets (what-if)', 'a');
    await waitForText(page, 'At sign-in, Alice Adams');

    expect(await page.$eval('[data-testid=ways-in]', (e) => (e as HTMLElement).innerText)).toBe(
      'Authenticator app (passwordless)\nPassword, then Authenticator app (notification)',
    );
    expect(await page.$eval('[data-testid=after-password]', (e) => (e as HTMLElement).innerText)).toContain('The push goes out at once');
    expect(await rowsOf('first-step')).toEqual([
      '1 | Authenticator app (passwordless) | Offered | Authenticator policy · Targets group “Pilot”',
      '2 | Password | Offered | — · Always',
      '- | Temporary Access Pass | Not offered | Temporary Access Pass policy · No pass',
      '- | Passkey | Not offered | Passkey (FIDO2) policy · No passkey',
      '- | Text message (SMS) | Not offered | SMS policy · No phone',
    ]);
    expect(await rowsOf('second-step')).toEqual([
      '1 | Authenticator app (notification) | Offered | Authenticator policy · Targets group “Pilot”',
      '- | Passkey | Not offered | Passkey (FIDO2) policy · No passkey',
      '- | Text message (SMS) | Not offered | SMS policy · No phone',
    ]);
    const prompt = await page.$eval('[data-testid=prompt]', (e) => (e as HTMLElement).innerText);
    expect(prompt).toContain('6 digits');
    expect(prompt).toMatch(/Location and IP address\s+Hidden/);
    expect(prompt).toContain('Required to approve');
    expect(prompt).toContain('Alice laptop');
    await shot(page, 'what-if');
    await page.$eval('[data-testid=first-step]', (e) => e.scrollIntoView());
    await shot(page, 'what-if-tables');
    await page.$eval('[data-testid=prompt]', (e) => e.scrollIntoView());
    await shot(page, 'what-if-prompt');
  });

  it('#/what-if picks a user, and an app that asks for a phishing-resistant sign-in loses what is not a passkey', async () => {
    await page.goto(`${srv.origin}/admin/#/what-if`);
    await page.waitForSelector('#what-if-search');
    await page.type('#what-if-search', 'carol');
    await page.keyboard.press('Enter');
    // The search's answer, not the list of everyone shown before it: a click on a button that the answer then moves lands on nothing.
    await page.waitForFunction(() => {
      const found = [...document.querySelectorAll('ul[aria-label=Users] li')];
      return found.length > 0 && found.every((li) => /carol/i.test(li.textContent ?? ''));
    });
    await clickText(page, 'Carol Chen', 'button');
    await waitForText(page, 'At sign-in, Carol Chen');
    expect(await rowsOf('second-step')).toContain('- | Authenticator app (notification) | Not offered | Authenticator policy · Not in a targeted group');
    expect(await page.$eval('[data-testid=after-password]', (e) => (e as HTMLElement).innerText)).toBe('The password alone signs the user in.');

    await clickText(page, 'Change user', 'button');
    await clickText(page, 'Alice Adams', 'button');
    await waitForText(page, 'At sign-in, Alice Adams');
    // An app that asks for a phishing-resistant sign-in: no passwordless, and after the password only a passkey, which Alice lacks.
    await page.select('#what-if-acr', 'phr');
    await page.waitForFunction(() => location.hash.includes('acr=phr'));
    await page.waitForSelector('[data-testid=first-step] tr[data-method=passwordless][data-rule=acr]');
    expect((await rowsOf('first-step'))[0]).toBe('1 | Password | Offered | — · Always');
    expect(await rowsOf('second-step')).toContain('- | Authenticator app (notification) | Not offered | Authenticator policy · App’s level');
    expect(await page.$eval('[data-testid=after-password]', (e) => (e as HTMLElement).innerText)).toContain('Refused: the app asks for more than the password');
    await shot(page, 'what-if-acr');
    expect(problemsOf(page)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
