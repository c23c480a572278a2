// The classroom lab in real Chromium: `npm run lab` sets up a class of three; the instructor
// watches the board in the admin portal (browser A) while one student, in a browser with the
// real extension (B), walks the guide's phases and bites on the real pages, each sign-in in a
// fresh window of A: the authenticator added with "Can't scan image?", passwordless set up and
// used, a wrong number, "No, it's not me", passwordless disabled, a Temporary Access Pass and
// the old device deleted. The open board fills in every cell without a reload. The student
// follows their passwordless sign-in in My Account's protocol timeline, every signature valid;
// then the instructor's lab clock expires a pass before the student uses it, without waiting.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LabTaskId } from '../../protocol/http/lab.ts';
import { Browsers, type Profile } from '../support/browser.ts';
import { runLab, sheetOf } from '../support/lab.ts';
import type { TestServer } from '../support/server.ts';
import { clickText, enterEmail, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';
import { addAccountByCode, listAccounts, until } from './flows.ts';
import {
  disablePasswordless,
  issueTapInPortal,
  openAuthenticatorWizard,
  reportIn,
  setUpPasswordlessFromPage,
  signInPasswordless,
  tryItOut,
  tryWrongNumber,
  typeTap,
  type Look,
} from './guide-steps.ts';

const STUDENT = 'student01@pushkey.test';
const STUDENT_NAME = { search: 'student01', displayName: 'Student 01' };
const cell = (upn: string, task: LabTaskId) => `tr[data-student="${upn}"] a[data-task="${task}"]`;

let browsers: Browsers;
let srv: TestServer;
let a: Profile;
let b: Profile;
let sheet: Record<string, string>;
/** The instructor's board, open from the first test to the last. */
let board: Page;
/** The board's navigations after it first loaded: none, it updates itself. */
const boardReloads: string[] = [];
/** The student's My Account in B. */
let my: Page;
let deviceId: string;
const pages: Page[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-lab-e2e-'));

/** The shared steps' screenshots worth keeping here (`names`), named for the test's moment. */
const lookAt =
  (moment: string, ...names: string[]): Look =>
  async (page, name) => {
    if (names.includes(name)) await shot(page, `lab-${moment}-${name}`);
  };
/** The board shows the student's cell done, on its own. */
const boardShows = (task: LabTaskId) => board.waitForSelector(`${cell(STUDENT, task)}[data-done="true"]`, { timeout: 20_000 });
/**
 * The same, watched while the student goes on (the board asks every 3 s; nobody waits for it
 * in class either); `boardFilledIn` collects them. Caught here only so that a miss is reported
 * there, not as an unhandled rejection.
 */
const watching: Promise<unknown>[] = [];
function boardFills(task: LabTaskId): void {
  const shown = boardShows(task);
  shown.catch(() => undefined);
  watching.push(shown);
}
const boardFilledIn = () => Promise.all(watching.splice(0));
/** The state the user's page in the portal gives the pass: Active, expired, used. */
const passState = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('tr')].find((tr) => tr.innerText.includes('Temporary Access Pass') && tr.querySelector('.badge'))?.querySelector('.badge')?.textContent ?? null);
/** A cookie-less window of A, for one sign-in of the student's. */
async function freshWindow(): Promise<Page> {
  const page = await newSitePage(await a.browser.createBrowserContext());
  pages.push(page);
  return page;
}

beforeAll(async () => {
  browsers = new Browsers();
  // The class first, then the server on its data directory; the browsers start meanwhile.
  const classThenServer = async () => {
    sheet = sheetOf(await runLab(dir, '--students', '3'));
    return startSiteServer({ dataDir: dir, lab: true });
  };
  [srv, a, b] = await Promise.all([classThenServer(), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('classroom lab', () => {
  it('the instructor turns the policy on for the class and opens the board', async () => {
    board = await newSitePage(a.browser);
    pages.push(board);
    await signInWithPassword(board, srv.origin, 'instructor@pushkey.test', sheet['instructor@pushkey.test']!, '/admin/#/lab');
    await waitForText(board, 'Lab board');
    await waitForText(board, 'Lab clock: +0 min');
    board.on('framenavigated', (f) => void (f === board.mainFrame() && boardReloads.push(f.url())));
    const saved = await board.evaluate(async () => {
      const policy = await (await fetch('/api/admin/policies/authenticator')).json();
      const res = await fetch('/api/admin/policies/authenticator', {
        method: 'PUT',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...policy, enabled: true, target: { allUsers: false, includeGroups: ['Lab'], excludeGroups: [] } }),
      });
      return res.status;
    });
    expect(saved).toBe(200);
    await boardShows('policy_enabled');
    expect(await board.$eval(cell(STUDENT, 'authenticator_added'), (e) => e.getAttribute('data-done'))).toBe('false');
    expect(await board.$$eval('tbody tr', (rows) => rows.length)).toBe(3);
    await shot(board, 'lab-board-start');
  });

  it('phase 2: the student adds the authenticator with the setup code ("Can\'t scan image?")', async () => {
    my = await newSitePage(b.browser);
    pages.push(my);
    await signInWithPassword(my, srv.origin, STUDENT, sheet[STUDENT]!, '/myaccount/#/security-info');
    await waitForText(my, 'Security info');
    await openAuthenticatorWizard(my);
    await clickText(my, "Can't scan image?");
    const code = await (await my.waitForSelector('#manual-code'))!.evaluate((e) => (e as HTMLInputElement).value);
    const url = await my.$eval('#manual-url', (e) => (e as HTMLInputElement).value);
    await shot(my, 'lab-manual-code');

    const popup = await addAccountByCode(b, code, url, STUDENT);
    await until('the account to be added', async () => (await listAccounts(popup)).some((x) => x.upn === STUDENT));
    deviceId = (await listAccounts(popup)).find((x) => x.upn === STUDENT)!.deviceId;
    await popup.close();
    await tryItOut(b, my);

    await boardShows('authenticator_added');
    await boardShows('manual_code');
    expect(await board.$eval(cell('student02@pushkey.test', 'authenticator_added'), (e) => e.getAttribute('data-done'))).toBe('false');
    await shot(board, 'lab-board-student-added');
  });

  it('phase 3: the student sets up passwordless sign-in in the extension, with the number My Account shows', async () => {
    await setUpPasswordlessFromPage(b, my, srv.origin, STUDENT, sheet[STUDENT]!);
    boardFills('passwordless_enabled');
  });

  it('phase 4: a passwordless sign-in, followed in My Account\'s protocol timeline, every step there and every signature valid', async () => {
    const page = await freshWindow();
    await enterEmail(page, srv.origin, STUDENT, '/myaccount/#/recent-activity');
    await signInPasswordless(page, b, lookAt('phase4', 'number', 'passwordless-prompt'));
    boardFills('passwordless_signin');

    // Recent activity → the newest sign-in (this one) → Details → Protocol timeline.
    await page.waitForSelector('table.signins tbody tr[data-id]');
    const flowId = await page.$eval('table.signins tbody tr[data-id]', (e) => e.getAttribute('data-id')!);
    await clickText(page, 'Details');
    await waitForText(page, 'Authenticator app (passwordless)');
    await clickText(page, 'Protocol timeline', 'a');
    await page.waitForSelector('ol.protocol-timeline li.protocol-step');
    expect(page.url()).toBe(`${srv.origin}/myaccount/#/recent-activity/${flowId}/timeline`);
    expect(await page.$eval('[data-testid=correlation-id]', (e) => e.textContent)).toBe(flowId);
    const steps = await page.$$eval('li.protocol-step', (els) => els.map((e) => ({ step: e.getAttribute('data-step'), signature: e.getAttribute('data-signature'), text: (e as HTMLElement).innerText })));
    expect(steps.map((s) => s.step)).toEqual(['start', 'challenge', 'push', 'delivery', 'answer', 'number', 'session']);
    // The push as the server signed it, and the extension's signed answer: both checked again, both valid.
    expect(steps.filter((s) => s.signature !== null).map((s) => [s.step, s.signature])).toEqual([
      ['push', 'valid'],
      ['answer', 'valid'],
    ]);
    expect(steps.find((s) => s.step === 'push')!.text).toContain("Signature valid (server's key)");
    expect(steps.find((s) => s.step === 'answer')!.text).toContain("Signature valid (device's key)");
    expect(steps.find((s) => s.step === 'number')!.text).toContain('Number matched: approved');
    await shot(page, 'lab-student-timeline');
    await page.$eval('li.protocol-step[data-step=push]', (e) => e.scrollIntoView());
    await shot(page, 'lab-student-timeline-signatures');
    await page.browserContext().close();
  });

  it('bites 2 and 3: a wrong number, then "No, it\'s not me" reported', async () => {
    const page = await freshWindow();
    await enterEmail(page, srv.origin, STUDENT);
    await tryWrongNumber(page, b, lookAt('bite2', 'prompt-wrong-number', 'wrong-number'));
    boardFills('wrong_number');
    await clickText(page, 'Send another request');
    await waitForText(page, 'Open your Authenticator app, and enter the number shown to sign in');
    await reportIn(b, lookAt('bite3', 'report-question', 'reported'));
    await waitForText(page, 'You reported this request as not you');
    await shot(page, 'lab-bite3-page-reported');
    boardFills('reported');
    await page.browserContext().close();
  });

  it('phase 5: the student disables passwordless sign-in in the extension', async () => {
    await disablePasswordless(b, STUDENT);
    boardFills('passwordless_disabled');
  });

  it('bite 4: the instructor issues a Temporary Access Pass, the student signs in with it and deletes the lost authenticator', async () => {
    const desk = await newSitePage(a.browser);
    pages.push(desk);
    await desk.goto(`${srv.origin}/admin/#/users`);
    const pass = await issueTapInPortal(desk, STUDENT_NAME, { oneTime: true }, lookAt('bite4', 'tap-issued'));
    await desk.close();

    const page = await freshWindow();
    await typeTap(page, srv.origin, STUDENT, pass, '/myaccount/#/security-info');
    await Promise.all([page.waitForNavigation(), clickText(page, 'Sign in')]);
    await waitForText(page, 'Security info');
    // The heading shows before the list of methods has loaded: wait for the row itself.
    await (await page.waitForSelector(`tr[data-device="${deviceId}"] button[aria-label^="Delete"]`))!.click();
    await waitForText(page, 'Delete Authenticator app?');
    await page.click('dialog .btn-danger');
    await waitForText(page, 'was deleted');
    await shot(page, 'lab-bite4-lost-device-deleted');
    boardFills('tap_recovery');
    await page.browserContext().close();

    // Every cell of the student's row, filled in while the board stayed open.
    await boardFilledIn();
    expect(await board.$$eval(`tr[data-student="${STUDENT}"] a[data-task]`, (els) => els.filter((e) => e.getAttribute('data-done') !== 'true').map((e) => e.getAttribute('data-task')))).toEqual([]);
    expect(boardReloads).toEqual([]);
    await shot(board, 'lab-board-student-done');
  });

  it('the lab clock expires a pass without waiting: issued for 10 minutes, +1 h on the board, refused at sign-in', async () => {
    const desk = await newSitePage(a.browser);
    pages.push(desk);
    await desk.goto(`${srv.origin}/admin/#/users`);
    const pass = await issueTapInPortal(desk, STUDENT_NAME, { oneTime: true, lifetimeMinutes: 10 });
    await clickText(desk, 'Done');
    await until('the pass to show', async () => (await passState(desk)) === 'Active');

    await board.bringToFront();
    await clickText(board, '+1 h');
    await waitForText(board, 'Lab clock: +1 h');
    expect(await board.$eval('[data-testid=lab-offset]', (e) => e.textContent)).toBe('+1 h');
    await shot(board, 'lab-board-clock');

    // The pass's ten minutes are over on the lab clock: the sign-in page refuses it, and says why time looks odd.
    const page = await freshWindow();
    await typeTap(page, srv.origin, STUDENT, pass, '/myaccount/');
    await clickText(page, 'Sign in');
    await waitForText(page, 'That Temporary Access Pass is not valid');
    await waitForText(page, 'Lab clock: +1 h');
    await shot(page, 'lab-tap-expired');
    // The instructor's page says which way it is not valid: expired.
    await desk.bringToFront();
    await desk.reload();
    await until('the pass to show expired', async () => (await passState(desk)) === 'expired');
    await shot(desk, 'lab-tap-expired-user-page');

    // The instructor is still signed in after moving the clock: the board still loads, and a cell opens its evidence.
    await board.bringToFront();
    await board.reload({ timeout: 15_000 });
    await waitForText(board, 'Lab board');
    await board.waitForSelector(`${cell(STUDENT, 'authenticator_added')}[data-done="true"]`, { timeout: 10_000 });
    expect(await board.$eval(cell(STUDENT, 'authenticator_added'), (e) => e.getAttribute('href'))).toMatch(/^#\/audit\?/);
    await board.click(cell(STUDENT, 'authenticator_added'));
    await waitForText(board, 'Audit logs');
    await waitForText(board, 'Authenticator added');
    await shot(board, 'lab-board-cell-audit');
  });

  it('ran without script errors on any page', () => {
    for (const p of pages) expect(problemsOf(p).errors, p.url()).toEqual([]);
  });
});
