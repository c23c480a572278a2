// The classroom lab in real Chromium: `npm run lab` sets up a class of three; the instructor
// watches the board in the admin portal while a student, in a browser with the real extension,
// adds the authenticator with "Can't scan image?". The student's cells turn done on the open
// board, with no reload; the lab clock moves forward from the board and every page says so.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, type Profile } from '../support/browser.ts';
import { runLab, sheetOf } from '../support/lab.ts';
import type { TestServer } from '../support/server.ts';
import { clickText, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';
import { addAccountByCode, listAccounts, until } from './flows.ts';

const STUDENT = 'student01@pushkey.test';
const cell = (upn: string, task: string) => `tr[data-student="${upn}"] a[data-task="${task}"]`;

let browsers: Browsers;
let srv: TestServer;
let a: Profile;
let b: Profile;
let sheet: Record<string, string>;
let board: Page;
const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-lab-e2e-'));

beforeAll(async () => {
  sheet = sheetOf(await runLab(dir, '--students', '3'));
  browsers = new Browsers();
  [srv, a, b] = await Promise.all([startSiteServer({ dataDir: dir, lab: true }), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('classroom lab', () => {
  it('the instructor turns the policy on for the class and opens the board', async () => {
    board = await newSitePage(a.browser);
    await signInWithPassword(board, srv.origin, 'instructor@pushkey.test', sheet['instructor@pushkey.test']!, '/admin/#/lab');
    await waitForText(board, 'Lab board');
    await waitForText(board, 'Lab clock: +0 min');
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
    await board.waitForSelector(`${cell(STUDENT, 'policy_enabled')}[data-done="true"]`, { timeout: 10_000 });
    expect(await board.$eval(cell(STUDENT, 'authenticator_added'), (e) => e.getAttribute('data-done'))).toBe('false');
    expect(await board.$$eval('tbody tr', (rows) => rows.length)).toBe(3);
    await shot(board, 'lab-board-start');
  });

  it("the student adds the authenticator with the setup code, and the open board fills in the student's cells", async () => {
    const my = await newSitePage(b.browser);
    await signInWithPassword(my, srv.origin, STUDENT, sheet[STUDENT]!, '/myaccount/#/security-info');
    await waitForText(my, 'Security info');
    await clickText(my, '+ Add sign-in method');
    await clickText(my, 'Add');
    await waitForText(my, 'Start by getting the app');
    await clickText(my, 'Next');
    await waitForText(my, 'Set up your account');
    await clickText(my, 'Next');
    await my.waitForSelector('.qr img');
    await clickText(my, "Can't scan image?");
    const code = await (await my.waitForSelector('#manual-code'))!.evaluate((e) => (e as HTMLInputElement).value);
    const url = await my.$eval('#manual-url', (e) => (e as HTMLInputElement).value);
    const reloads: string[] = [];
    board.on('framenavigated', (f) => void (f === board.mainFrame() && reloads.push(f.url())));

    const popup = await addAccountByCode(b, code, url, STUDENT);
    await until('the account to be added', async () => (await listAccounts(popup)).some((x) => x.upn === STUDENT));

    // Without a reload: the board asks again on its own.
    await board.waitForSelector(`${cell(STUDENT, 'authenticator_added')}[data-done="true"]`, { timeout: 15_000 });
    await board.waitForSelector(`${cell(STUDENT, 'manual_code')}[data-done="true"]`, { timeout: 15_000 });
    expect(reloads).toEqual([]);
    expect(await board.$eval(cell('student02@pushkey.test', 'authenticator_added'), (e) => e.getAttribute('data-done'))).toBe('false');
    await shot(board, 'lab-board-student-added');

    // The cell opens the audit log filtered to the entry that counted.
    const href = await board.$eval(cell(STUDENT, 'authenticator_added'), (e) => e.getAttribute('href'));
    expect(href).toMatch(/^#\/audit\?/);
    await board.click(cell(STUDENT, 'authenticator_added'));
    await waitForText(board, 'Audit logs');
    await waitForText(board, 'Authenticator added');
    await shot(board, 'lab-board-cell-audit');
    expect(problemsOf(board).errors).toEqual([]);
    expect(problemsOf(my).errors).toEqual([]);
  });

  it('the instructor moves the lab clock forward from the board; the banner on every page says so', async () => {
    await board.goto(`${srv.origin}/admin/#/lab`);
    await waitForText(board, 'Lab clock: +0 min');
    await clickText(board, '+1 h');
    await waitForText(board, 'Lab clock: +1 h');
    expect(await board.$eval('[data-testid=lab-offset]', (e) => e.textContent)).toBe('+1 h');
    await shot(board, 'lab-board-clock');
    // Another page of the site, and the sign-in page, show the banner too.
    const signInPage = await newSitePage(a.browser);
    await signInPage.goto(`${srv.origin}/login/`);
    await waitForText(signInPage, 'Lab clock: +1 h');
    await shot(signInPage, 'lab-signin-banner');
    // The instructor is still signed in: the board still loads.
    await board.reload();
    await waitForText(board, 'Lab board');
    await board.waitForSelector(`${cell(STUDENT, 'authenticator_added')}[data-done="true"]`, { timeout: 10_000 });
  });
});
