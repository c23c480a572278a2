// The sign-in and audit logs in real Chromium: a realistic day of sign-ins (passwordless, push MFA,
// wrong password, wrong number, denied, expired, reported, Temporary Access Pass, refused by
// policy, and a burst of denied requests from an attacker who has a password), then an admin
// finds every attempt in the portal — who, from where, with what method, why it failed, one
// attempt's timeline —, filters, downloads CSV and JSON, and sees the push-fatigue alert; the
// user sees the same fields in Recent activity. The monitoring settings page saves thresholds
// (the server's refusal shown at the field), is read-only for the helpdesk, and purges.
// Screenshots: tests/artifacts/logs-*.png (full pages).
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'puppeteer-core';
import type { Clock } from '../../server/domain/deps.ts';
import type { Alert, SignInEntry } from '../../server/domain/types.ts';
import { rangesLocator } from '../../server/geo/locator.ts';
import { Browsers, replaceText, screenshot, type Profile } from '../support/browser.ts';
import { enrollUser, upgradeToPasswordless, userId, wrongNumber, type EnrolledUser } from '../support/flows.ts';
import { HttpClient, signIn, type TestServer } from '../support/server.ts';
import { clickText, enterEmail, newSitePage, noteUnlabelled, problemsOf, shownNumber, startSiteServer, waitForText } from '../support/site.ts';

const ARTIFACTS = path.resolve(import.meta.dirname, '../artifacts');
const APP = 'pushkey My Account';
/** Where people sign in from: the locator labels these ranges; 10.x is a private network. */
const LISBON = '203.0.113.10';
const TORONTO = '198.51.100.7';
const ATTACKER = '192.0.2.66';
const OFFICE = '10.1.2.3';
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let alice: EnrolledUser;
let bob: EnrolledUser;
let carol: EnrolledUser;
let api: HttpClient;
const pages: Page[] = [];
/** The server clock runs on the wall clock plus `skew`, so a request can expire without a 90 s wait. */
let skew = 0;
const clock: Clock = { now: () => Date.now() + skew };
/** The flow ids of the attempts driven through the API, by name. */
const flows: Record<string, string> = {};
let shots = 0;

/** A full-page screenshot, tests/artifacts/logs-NN-<name>.png. */
async function snap(page: Page, name: string): Promise<void> {
  await noteUnlabelled(page);
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: path.join(ARTIFACTS, `logs-${String(++shots).padStart(2, '0')}-${name}.png`) as `${string}.png`, fullPage: true });
}

/** A fresh browser context whose requests come from `ip` (the server trusts one proxy hop). */
async function pageFrom(ip: string, downloadPath?: string): Promise<{ page: Page; context: BrowserContext }> {
  const context = await a.browser.createBrowserContext(downloadPath ? { downloadBehavior: { policy: 'allow', downloadPath } } : {});
  const page = await newSitePage(context);
  await page.setExtraHTTPHeaders({ 'x-forwarded-for': ip });
  pages.push(page);
  return { page, context };
}

async function portal(name: string, route = '', downloadPath?: string): Promise<Page> {
  const { page } = await pageFrom(OFFICE, downloadPath);
  const u = srv.users[name]!;
  await enterEmail(page, srv.origin, u.upn, '/admin/');
  await page.type('#password', u.password);
  await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in')]);
  await page.waitForSelector('main h1');
  if (route) await page.goto(`${srv.origin}/admin/#/${route}`);
  return page;
}

/** An API browser from somewhere else, with its own user agent. */
function client(ip: string, ua?: string): HttpClient {
  const c = new HttpClient(srv.origin);
  c.headers['x-forwarded-for'] = ip;
  if (ua) c.headers['user-agent'] = ua;
  return c;
}

const rowText = (page: Page, id: string) => page.$eval(`tr[data-id="${id}"]`, (tr) => (tr as HTMLElement).innerText);
const entries = async (q = '') => (await api.get(`/api/admin/signins${q}`)).body.entries as SignInEntry[];

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([
    browsers.launch({ extension: false }),
    startSiteServer({
      clock,
      app: { trustProxy: 1 },
      locate: rangesLocator([
        { net: '203.0.113.0', prefix: 24, label: 'Lisbon, Portugal' },
        { net: '198.51.100.0', prefix: 24, label: 'Toronto, Canada' },
        { net: '192.0.2.0', prefix: 24, label: 'Sydney, Australia' },
      ]),
    }),
  ]);
  // A fresh clone has no artifacts folder yet.
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const f of readdirSync(ARTIFACTS, { withFileTypes: true })) if (f.name.startsWith('logs-')) rmSync(path.join(ARTIFACTS, f.name), { recursive: true, force: true });
  [alice, bob, carol] = await Promise.all([
    enrollUser(srv, 'alice', { deviceName: 'Alice laptop' }),
    enrollUser(srv, 'bob', { deviceName: 'Bob laptop' }),
    enrollUser(srv, 'carol', { deviceName: 'Carol desktop' }),
  ]);
  await upgradeToPasswordless(alice);
  api = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
}, 30_000);

afterAll(async () => {
  for (const u of [alice, bob, carol]) u?.device.close();
  await browsers?.closeAll();
  await srv?.close();
});

// Each step takes 2–8 s alone; the margin is for a machine busy with other suites.
describe('logs and alerts, as an admin and a user would use them', { timeout: 60_000 }, () => {
  it('monitoring settings: a policy admin saves thresholds (a refusal shows at the field), the helpdesk only reads, a global admin purges', async () => {
    const page = await portal('policy', 'monitoring');
    await page.waitForSelector('#mon-fatigueCount').catch(async (e) => {
      await snap(page, 'debug');
      throw e;
    });
    await replaceText(page, '#mon-fatigueCount', '500');
    await clickText(page, 'Save');
    await page.waitForSelector('#mon-fatigueCount-error');
    expect(await page.$eval('#mon-fatigueCount-error', (e) => e.textContent)).toBe('The most allowed is 100.');
    expect(await page.$eval('#mon-fatigueCount', (e) => e.getAttribute('aria-invalid'))).toBe('true');
    await snap(page, 'monitoring-field-error');
    await replaceText(page, '#mon-fatigueCount', '4');
    await replaceText(page, '#mon-retentionDays', '90');
    await clickText(page, 'Save');
    await waitForText(page, 'Monitoring settings saved.');
    expect(await page.$('#mon-fatigueCount-error')).toBeNull();
    await snap(page, 'monitoring-saved');
    expect((await api.get('/api/admin/policies/monitoring')).body).toMatchObject({ fatigueCount: 4, fatigueWindowMinutes: 10, retentionDays: 90 });

    const helpdesk = await portal('helpdesk', 'monitoring');
    await waitForText(helpdesk, 'You can view these settings.');
    await helpdesk.waitForSelector('#mon-fatigueCount');
    expect(await helpdesk.$eval('#mon-fatigueCount', (e) => (e as HTMLInputElement).value)).toBe('4');
    expect(await helpdesk.$eval('#mon-fatigueCount', (e) => (e as HTMLInputElement).matches(':disabled'))).toBe(true);
    expect(await helpdesk.evaluate(() => [...document.querySelectorAll('button')].map((b) => b.innerText.trim()))).not.toContain('Save');
    expect(await helpdesk.evaluate(() => document.body.innerText)).not.toContain('Purge now');
    await snap(helpdesk, 'monitoring-helpdesk');

    const admin = await portal('admin', 'monitoring');
    await admin.waitForSelector('#mon-fatigueCount');
    await clickText(admin, 'Purge now');
    await admin.waitForSelector('dialog[open] button');
    await waitForText(admin, 'Purge old records now?');
    await clickText(admin, 'Purge', 'dialog[open] button');
    const purged = await (await admin.waitForSelector('[data-testid=purged]'))!.evaluate((e) => e.textContent!);
    expect(purged).toMatch(/^Deleted 0 sign-in log entries, 0 audit entries, 0 alerts and \d+ expired records?\.$/);
    await snap(admin, 'monitoring-purged');
  });

  it('records a realistic set of attempts, through the pages and the API', async () => {
    // Alice, passwordless, on the sign-in page in Lisbon: it shows the tenant's name and the number.
    const { page: ap } = await pageFrom(LISBON);
    await ap.setUserAgent('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36');
    await ap.goto(`${srv.origin}/login/?next=${encodeURIComponent('/myaccount/#/recent-activity')}`);
    await ap.waitForSelector('#username');
    await waitForText(ap, 'pushkey Lab');
    await snap(ap, 'signin-tenant-name');
    await ap.type('#username', alice.upn);
    await clickText(ap, 'Next');
    await clickText(ap, 'Use an app instead');
    const number = await shownNumber(ap);
    await alice.device.respond(await alice.device.nextPush(), 'approve', number);
    await ap.waitForNavigation({ timeout: 15_000 });
    await waitForText(ap, 'Recent activity');

    // Bob, password then push, in Toronto.
    const { page: bp } = await pageFrom(TORONTO);
    await enterEmail(bp, srv.origin, bob.upn);
    await bp.type('#password', bob.password);
    await clickText(bp, 'Sign in');
    const bobNumber = await shownNumber(bp);
    await Promise.all([bp.waitForNavigation({ timeout: 15_000 }), bob.device.respond(await bob.device.nextPush(), 'approve', bobNumber)]);

    // Dave mistypes his password.
    const { page: dp } = await pageFrom(TORONTO);
    await enterEmail(dp, srv.origin, srv.users.dave!.upn);
    await dp.type('#password', 'Dave-passw0rd?');
    await clickText(dp, 'Sign in');
    await waitForText(dp, 'Your account or password is incorrect.');

    // Someone in Sydney has Alice's address: a wrong number, a denial, a report.
    const attacker = client(ATTACKER, FIREFOX_WINDOWS);
    const passwordless = async (name: string) => {
      const start = await attacker.post('/api/signin/start', { username: alice.upn });
      const pl = await attacker.post('/api/signin/passwordless', { flowId: start.body.flowId });
      flows[name] = start.body.flowId;
      return { flowId: start.body.flowId as string, ...(pl.body.challenge as { number: string; challengeId: string }), status: pl.status, error: pl.body.error as string | undefined };
    };
    const wrong = await passwordless('wrongNumber');
    expect((await alice.device.respond(await alice.device.nextPush(), 'approve', wrongNumber(wrong.number))).body.error).toBe('number_mismatch');
    await passwordless('denied');
    await alice.device.respond(await alice.device.nextPush(), 'deny');
    await passwordless('reported');
    await alice.device.respond(await alice.device.nextPush(), 'report');

    // Dave gets a Temporary Access Pass from the helpdesk and uses it in Toronto.
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const { pass } = (await helpdesk.post(`/api/admin/users/${await userId(api, srv.users.dave!.upn)}/tap`, {})).body as { pass: string };
    const daveBrowser = client(TORONTO);
    const ds = await daveBrowser.post('/api/signin/start', { username: srv.users.dave!.upn });
    expect((await daveBrowser.post('/api/signin/tap', { flowId: ds.body.flowId, pass })).body.status).toBe('signed_in');
    flows.tap = ds.body.flowId;

    // The policy now allows push only: "Use an app instead" is refused.
    await srv.setPolicy({ mode: 'push' });
    try {
      expect((await passwordless('refused')).error).toBe('method_not_allowed');
    } finally {
      await srv.setPolicy({ mode: 'any' });
    }

    // A request nobody answers expires (the server clock jumps past its lifetime).
    const unanswered = await passwordless('expired');
    await alice.device.nextPush();
    skew += 91_000;
    expect((await attacker.get(`/api/signin/status?flowId=${unanswered.flowId}`)).body.status).toBe('expired');

    // The attacker has Carol's password and pushes until she gives in: she denies four times.
    const carolFrom = client(ATTACKER, FIREFOX_WINDOWS);
    const fatigue = async () => (await api.get('/api/admin/alerts?kind=push_fatigue')).body.alerts as Alert[];
    for (let i = 1; i <= 4; i++) {
      const s = await carolFrom.post('/api/signin/start', { username: carol.upn });
      const pw = await carolFrom.post('/api/signin/password', { flowId: s.body.flowId, password: carol.password });
      expect(pw.body.status).toBe('mfa_required');
      await carol.device.respond(await carol.device.nextPush(), 'deny');
      flows[`burst${i}`] = s.body.flowId;
      // The threshold saved on the settings page: three are not yet a burst, the fourth is.
      if (i === 3) expect(await fatigue()).toHaveLength(0);
    }
    expect((await fatigue()).map((x) => x.detail)).toEqual(['4 sign-in requests denied or unanswered within 10 minutes']);
    // One attempt in progress is fine; every other has its result.
    expect((await entries()).filter((e) => e.result === 'in_progress')).toEqual([]);
  });

  it('lets an admin find every attempt: who, from where, with what method, why it failed', async () => {
    const page = await portal('admin', 'signins');
    await waitForText(page, 'Sign-ins over time');
    const all = await entries();
    const find = (pick: (e: SignInEntry) => boolean) => {
      const e = all.find(pick);
      if (!e) throw new Error('no such sign-in');
      return e.id;
    };
    const expected: Array<[string, string[]]> = [
      [find((e) => e.upn === alice.upn && e.ip === LISBON), [alice.upn, APP, 'Successful sign-in', 'Passwordless (app)', 'Single-factor', 'Lisbon, Portugal', LISBON, 'Chrome 131', 'macOS']],
      [find((e) => e.upn === bob.upn && e.ip === TORONTO), [bob.upn, 'Successful sign-in', 'Password + Push notification', 'Multifactor', 'Toronto, Canada', TORONTO, 'Chrome Headless']],
      [find((e) => e.upn === srv.users.dave!.upn && e.failureCode === 'invalid_credentials'), ['dave@pushkey.test', 'Unsuccessful sign-in', 'Wrong password, or no such user', 'Password', 'Toronto, Canada']],
      [flows.wrongNumber!, [alice.upn, "The number typed in the authenticator didn't match", 'Passwordless (app)', 'Sydney, Australia', ATTACKER, 'Firefox 133', 'Windows']],
      [flows.denied!, [alice.upn, 'The user denied the request', 'Sydney, Australia']],
      [flows.reported!, [alice.upn, 'The user reported the request as not theirs']],
      [flows.expired!, [alice.upn, 'The request timed out without an answer']],
      [flows.refused!, [alice.upn, 'The policy does not allow this method for the user', 'Passwordless (app)']],
      [flows.tap!, ['dave@pushkey.test', 'Successful sign-in', 'Access Pass (TAP)', 'Single-factor', 'Toronto, Canada']],
      // The push failed: only the password is a method used; the push is listed as tried.
      [flows.burst4!, [carol.upn, 'The user denied the request', 'Password\nAlso tried: Push notification', 'Sydney, Australia']],
    ];
    for (const [id, words] of expected) {
      const text = await rowText(page, id);
      for (const w of words) expect(text, `row ${id}`).toContain(w);
    }
    // The chart counts attempts by result and by the method they ended with.
    const chart = await page.$eval('.chart', (e) => (e as HTMLElement).innerText);
    for (const w of ['By result', 'By method', 'Counts by method', 'Temporary Access Pass', 'Passwordless (app)', 'Push notification']) expect(chart).toContain(w);
    // Readable at 1280 px: the table fits without a horizontal scroll bar.
    expect(await page.$eval('.table-wrap', (e) => e.scrollWidth - e.clientWidth)).toBeLessThanOrEqual(0);
    await snap(page, 'signins-all');

    // The wrong number's detail pane: the correlation id, the reason, and the steps as a timeline.
    await page.click(`tr[data-id="${flows.wrongNumber}"] button`);
    const pane = await (await page.waitForSelector(`#steps-${flows.wrongNumber}`))!.evaluate((e) => (e as HTMLElement).innerText);
    for (const w of ['Correlation id', flows.wrongNumber!, 'Failure reason', "The number typed in the authenticator didn't match", 'number_mismatch', 'Application', APP, 'Firefox 133 on Windows', 'Authenticator app (passwordless)', 'Steps']) expect(pane).toContain(w);
    const steps = await page.$$eval(`#steps-${flows.wrongNumber} .timeline li`, (lis) => lis.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ')));
    expect(steps).toHaveLength(2);
    expect(steps[0]).toMatch(/^Authenticator app \(passwordless\) Continued request sent .* took \d+ ms/);
    expect(steps[1]).toMatch(/^Authenticator app \(passwordless\) Failed wrong number .* took [\d.]+ m?s · request [\w-]{22}$/);
    await page.evaluate((id) => document.getElementById(`steps-${id}`)!.scrollIntoView({ block: 'center' }), flows.wrongNumber!);
    await snap(page, 'signins-details');
  });

  it('filters by user, result, method, IP and dates, and downloads the filtered log as CSV and JSON', async () => {
    const dir = path.join(browsers.root, 'downloads');
    mkdirSync(dir, { recursive: true });
    const page = await portal('admin', 'signins', dir);
    await page.waitForSelector('#f-upn');
    const shownIds = () => page.$$eval('tbody tr[data-id]', (trs) => trs.map((tr) => tr.getAttribute('data-id')!));
    const apply = async (expectCount: number) => {
      await clickText(page, 'Apply');
      await page.waitForFunction((n) => document.querySelectorAll('tbody tr[data-id]').length === n || (n === 0 && document.body.innerText.includes('No sign-ins.')), { timeout: 5_000 }, expectCount);
    };

    await page.type('#f-upn', 'alice');
    await page.select('#f-result', 'failure');
    await apply(5);
    const aliceFailures = [flows.wrongNumber, flows.denied, flows.reported, flows.refused, flows.expired];
    expect(new Set(await shownIds())).toEqual(new Set(aliceFailures));
    await snap(page, 'signins-filtered');

    // The downloads carry the same filter (real downloads, named by the server).
    const download = async (label: string, name: string) => {
      await clickText(page, label, 'a');
      const file = path.join(dir, name);
      const deadline = Date.now() + 10_000;
      while (!existsSync(file)) {
        if (Date.now() > deadline) throw new Error(`${name} was not downloaded (${readdirSync(dir).join(', ')})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      return readFileSync(file, 'utf8');
    };
    const csv = (await download('Download CSV', 'sign-in-log.csv')).trim().split('\n');
    expect(csv[0]).toBe('time,correlationId,upn,application,ip,location,browser,os,result,failureCode,reason,requirement,methods,steps');
    expect(csv).toHaveLength(6);
    for (const line of csv.slice(1)) expect(line).toContain(`,${alice.upn},${APP},`);
    const wrongLine = csv.find((l) => l.includes(flows.wrongNumber!))!;
    expect(wrongLine).toContain(`${ATTACKER},"Sydney, Australia",Firefox 133,Windows,failure,number_mismatch,The number typed in the authenticator didn't match,none,,`);
    expect(wrongLine).toMatch(/passwordless: request sent \(pending, \d+ ms\); passwordless: wrong number \(failure, \d+ ms\)/);
    const json = JSON.parse(await download('Download JSON', 'sign-in-log.json')) as SignInEntry[];
    expect(json.map((e) => e.id).sort()).toEqual([...aliceFailures].sort());
    expect(json.map((e) => e.failureCode).sort()).toEqual(['denied', 'expired', 'method_not_allowed', 'number_mismatch', 'reported']);
    expect(json.find((e) => e.id === flows.reported)).toMatchObject({ upn: alice.upn, ip: ATTACKER, location: 'Sydney, Australia', browser: 'Firefox 133', os: 'Windows', app: APP, requirement: 'none' });

    // Method: only Dave's pass.
    await clickText(page, 'Reset');
    await page.select('#f-method', 'tap');
    await apply(1);
    expect(await shownIds()).toEqual([flows.tap]);
    // IP: everything from Sydney: Alice's five failures and Carol's four denials.
    await clickText(page, 'Reset');
    await page.type('#f-ip', ATTACKER);
    await apply(9);
    // Application: the exact name (offered in the field's list).
    await clickText(page, 'Reset');
    expect(await page.$$eval('#f-app-names option', (os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual([APP]);
    await page.type('#f-app', 'pushkey authenticator');
    await apply(0);
    await replaceText(page, '#f-app', APP);
    await apply((await entries()).length);
    // Dates: today holds them all; from tomorrow, none.
    // A date field's typed order depends on the browser's locale: set its value as the picker would.
    const day = (offsetDays: number) => {
      const d = new Date(clock.now() + offsetDays * 86_400_000);
      return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    };
    const pick = (selector: string, value: string) =>
      page.$eval(
        selector,
        (el, v) => {
          (el as HTMLInputElement).value = v;
          el.dispatchEvent(new Event('input', { bubbles: true }));
        },
        value,
      );
    await clickText(page, 'Reset');
    await pick('#f-from', day(0));
    await pick('#f-to', day(0));
    await apply((await entries()).length);
    await clickText(page, 'Reset');
    await pick('#f-from', day(1));
    await apply(0);
  });

  it('shows the push-fatigue alert after the burst, the report and the new place, with a kind filter', async () => {
    const page = await portal('admin', 'alerts');
    // Not 'Push fatigue': the kind filter's options say that before the list has loaded.
    await waitForText(page, 'sign-in requests denied or unanswered within');
    const text = await page.evaluate(() => document.body.innerText);
    for (const w of ['Push fatigue', carol.upn, '4 sign-in requests denied or unanswered within 10 minutes', 'Reported as not me', alice.upn, 'Temporary Access Pass issued', 'New IP or location']) expect(text).toContain(w);
    await snap(page, 'alerts-all');
    await page.select('#alert-kind', 'push_fatigue');
    // At least one row: while the filtered list loads there may be none, and none would pass `every`.
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('tbody tr')].map((tr) => (tr as HTMLElement).innerText);
      return rows.length > 0 && rows.every((t) => t.includes('Push fatigue'));
    }, { timeout: 10_000 });
    expect(await page.$$eval('tbody tr', (trs) => trs.length)).toBe(1);
    expect(await page.$eval('tbody tr', (tr) => (tr as HTMLElement).innerText)).toContain(carol.upn);
    await snap(page, 'alerts-push-fatigue');
    // From the alert to what happened: Carol's sign-ins, the four denials from Sydney first.
    await page.click(`a[href="#/signins/user/${encodeURIComponent(carol.upn)}"]`);
    await page.waitForFunction((upn) => (document.querySelector('#f-upn') as HTMLInputElement | null)?.value === upn && document.querySelectorAll('tbody tr[data-id]').length > 0, { timeout: 5_000 }, carol.upn);
    const rows = await page.$$eval('tbody tr[data-id]', (trs) => trs.map((tr) => (tr as HTMLElement).innerText));
    expect(rows.every((r) => r.includes(carol.upn))).toBe(true);
    expect(rows.slice(0, 4).every((r) => r.includes('The user denied the request') && r.includes(ATTACKER))).toBe(true);
    // The chart counts the denials under the push they failed at, not the password before it.
    // (The chart loads on its own: wait for Carol's, then compare, so that a miss shows what was there.)
    const rowsOfChart = () => [...document.querySelectorAll('.chart-table tbody tr')].map((tr) => (tr as HTMLElement).innerText.replace(/\s+/g, ' ').trim());
    await page.waitForFunction(() => document.querySelectorAll('.chart-table tbody tr').length === 2, { timeout: 10_000 }).catch(() => undefined);
    expect(await page.evaluate(rowsOfChart)).toEqual(['Password 1 0', 'Push notification 0 4']);
    await snap(page, 'signins-from-alert');
  });

  it('filters the audit log by actor, activity, target and IP', async () => {
    const page = await portal('admin', 'audit');
    await page.waitForSelector('#a-target');
    // Target: a user's UPN, looked up to the id the log keeps.
    await page.type('#a-target', 'dave@pushkey.test');
    await clickText(page, 'Apply');
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr td:nth-child(4)')].every((td) => (td as HTMLElement).innerText.includes('dave@pushkey.test')), { timeout: 5_000 });
    // Activities read in words; the identifier the log keeps stays on the cell and in the details.
    const actions = await page.$$eval('tbody tr td:nth-child(2)', (tds) => tds.map((td) => [td.textContent, td.getAttribute('data-action')]).sort());
    expect(actions).toEqual([
      ['Temporary Access Pass issued', 'tap.issued'],
      ['Temporary Access Pass used', 'tap.used'],
      ['User created', 'user.created'],
    ]);
    const targets = await page.$$eval('tbody tr td:nth-child(4)', (tds) => [...new Set(tds.map((td) => (td as HTMLElement).innerText.trim()))]);
    expect(targets).toEqual(['dave@pushkey.test']);
    await snap(page, 'audit-target');
    // Actor: what Alice did herself.
    await clickText(page, 'Reset');
    await page.type('#a-actor', 'alice@');
    await clickText(page, 'Apply');
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr td:nth-child(3)')].every((td) => td.firstChild?.textContent === 'alice@pushkey.test'), { timeout: 5_000 });
    await waitForText(page, 'Authenticator added');
    expect(new Set(await page.$$eval('tbody tr td:nth-child(3)', (tds) => tds.map((td) => td.firstChild?.textContent)))).toEqual(new Set([alice.upn]));
    await clickText(page, 'Reset');
    await page.type('#a-ip', OFFICE);
    await page.type('#a-action', 'policy.monitoring');
    await clickText(page, 'Apply');
    await page.waitForFunction(() => [...document.querySelectorAll('tbody tr td:nth-child(2)')].every((td) => td.textContent === 'Alert and retention settings updated') && document.querySelectorAll('tbody tr').length === 1, { timeout: 5_000 });
    expect(await page.$eval('tbody tr', (tr) => (tr as HTMLElement).innerText)).toContain('policy@pushkey.test');
    await page.click('tbody tr details summary');
    expect((await page.$eval('tbody tr details', (d) => (d as HTMLElement).innerText)).replace(/\s+/g, ' ')).toContain('Activity policy.monitoring.updated Before');
    await snap(page, 'audit-activity-words');
    await screenshot(page, 'logs-view-audit-activity');
    await page.type('#a-target', 'nobody@pushkey.test');
    await clickText(page, 'Apply');
    await waitForText(page, 'No user nobody@pushkey.test.');
    await snap(page, 'audit-filtered');
  });

  it('shows Alice the same fields in Recent activity', async () => {
    const { page } = await pageFrom(LISBON);
    await enterEmail(page, srv.origin, alice.upn, '/myaccount/#/recent-activity');
    await clickText(page, 'Use an app instead');
    const number = await shownNumber(page);
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), alice.device.respond(await alice.device.nextPush(), 'approve', number)]);
    await page.waitForSelector(`tr[data-id="${flows.wrongNumber}"]`);
    const row = await rowText(page, flows.wrongNumber!);
    for (const w of [APP, 'Unsuccessful sign-in', "The number typed in the authenticator didn't match", 'Passwordless (app)', 'Sydney, Australia', ATTACKER, 'Firefox 133', 'Windows']) expect(row).toContain(w);
    const mine = await page.$$eval('tbody tr[data-id]', (trs) => trs.length);
    expect(mine).toBe((await entries(`?upn=${encodeURIComponent(alice.upn)}`)).length);
    // The passwordless sign-in just made: the authenticator without its app lock is one factor.
    const success = await page.$eval('tbody tr[data-id]', (tr) => (tr as HTMLElement).innerText);
    expect(success).toContain('Passwordless (app)');
    expect(success).toContain('Single-factor');
    await page.click(`tr[data-id="${flows.wrongNumber}"] button`);
    const pane = await (await page.waitForSelector(`#steps-${flows.wrongNumber}`))!.evaluate((e) => (e as HTMLElement).innerText);
    for (const w of ['Correlation id', flows.wrongNumber!, 'Failure reason', 'wrong number', 'request sent', 'took']) expect(pane).toContain(w);
    await snap(page, 'myaccount-recent-activity');
  });

  it('pages through a long log: the newest 200, then "Show more"', async () => {
    // 200 more attempts, abandoned after the user name (a scanner, say).
    const scanner = client(ATTACKER);
    for (let i = 0; i < 10; i++) await Promise.all(Array.from({ length: 20 }, () => scanner.post('/api/signin/start', { username: 'dave@pushkey.test' })));
    const page = await portal('admin', 'signins');
    await waitForText(page, 'Showing the newest 200.');
    const all = await entries('?limit=1000');
    const total = all.length;
    expect(total).toBeGreaterThan(220);
    expect(await page.$$eval('tbody tr[data-id]', (trs) => trs.length)).toBe(200);
    // The chart counts every finished attempt, including those older than the 200 rows shown.
    const finished = all.filter((e) => e.result !== 'in_progress');
    expect(finished.at(-1)!.at).toBeLessThan(all[199]!.at);
    const heading = `(${finished.length} finished attempts matching the filter`;
    await page.waitForFunction((t) => document.getElementById('chart-title')?.textContent?.includes(t), { timeout: 10_000 }, heading);
    await snap(page, 'long-log-chart');
    await clickText(page, 'Show more');
    await page.waitForFunction((n) => document.querySelectorAll('tbody tr[data-id]').length === n, { timeout: 5_000 }, total);
    expect(await page.evaluate(() => document.body.innerText)).not.toContain('Show more');
  });

  it('lists only the methods that succeeded: an SMS code after an unanswered push reads password and SMS, the push as tried', async () => {
    const number = '+15551239902';
    await srv.repo.replacePhone({ userId: await userId(api, alice.upn), number, createdAt: clock.now(), verifiedAt: clock.now(), lastUsedAt: null });
    const browser = client(LISBON);
    const start = await browser.post('/api/signin/start', { username: alice.upn });
    expect((await browser.post('/api/signin/password', { flowId: start.body.flowId, password: alice.password })).body.status).toBe('mfa_required');
    await alice.device.nextPush(); // nobody answers it: the person asks for a text instead
    const sent = await browser.post('/api/signin/sms/send', { flowId: start.body.flowId });
    const text = (await api.get(`/api/admin/outbox?channel=sms&to=${encodeURIComponent(number)}`)).body.messages[0].text as string;
    expect((await browser.post('/api/signin/sms', { flowId: start.body.flowId, codeId: sent.body.codeId, code: /^(\d{6})/.exec(text)![1] })).body.status).toBe('signed_in');
    const id = start.body.flowId as string;

    const page = await portal('admin', 'signins');
    await page.waitForSelector(`tr[data-id="${id}"]`);
    const methodsCell = await page.$eval(`tr[data-id="${id}"] td:nth-child(5)`, (td) => (td as HTMLElement).innerText);
    expect(methodsCell.split('\n')).toEqual(['Password + SMS code', 'Multifactor', 'Also tried: Push notification']);
    await page.click(`tr[data-id="${id}"] button`);
    const pane = await (await page.waitForSelector(`#steps-${id}`))!.evaluate((e) => (e as HTMLElement).innerText);
    expect(pane).toContain('Methods used\nPassword + Text message (SMS)\n');
    const attempts = await page.$$eval(`#steps-${id} .attempts li`, (lis) => lis.map((li) => (li as HTMLElement).innerText));
    expect(attempts).toEqual(['Password: Succeeded', 'Authenticator app (notification): No answer', 'Text message (SMS): Succeeded']);
    const steps = await page.$$eval(`#steps-${id} .timeline li`, (lis) => lis.map((li) => (li as HTMLElement).innerText.replace(/\s+/g, ' ')));
    expect(steps).toHaveLength(4);
    expect(steps[0]).toMatch(/^Password Succeeded password verified /);
    expect(steps[1]).toMatch(/^Authenticator app \(notification\) No answer request sent /);
    expect(steps[2]).toMatch(/^Text message \(SMS\) Continued code sent to \+•+02 /);
    expect(steps[3]).toMatch(/^Text message \(SMS\) Succeeded code accepted /);
    await page.evaluate((x) => document.getElementById(`steps-${x}`)!.scrollIntoView({ block: 'center' }), id);
    await snap(page, 'signins-sms-after-push');
    await screenshot(page, 'logs-view-sms-after-push'); // the row and its pane, as the window shows them
    await srv.repo.deleteUserPhone(await userId(api, alice.upn));
  });

  it('shows an attempt left unfinished as abandoned once its flow expires, not in progress', async () => {
    // The 200 scanner attempts above stopped after the user name; the server clock passes their flows' lifetime (15 minutes).
    const scanner = (await entries('?limit=1000&ip=' + ATTACKER)).find((e) => e.result === 'in_progress' && e.upn === 'dave@pushkey.test')!;
    expect(scanner).toBeTruthy();
    skew += scanner.expiresAt - clock.now();
    const page = await portal('admin', 'signins');
    await page.waitForSelector(`tr[data-id="${scanner.id}"]`);
    const row = await rowText(page, scanner.id);
    for (const w of ['Abandoned', 'The sign-in was left unfinished until it expired']) expect(row).toContain(w);
    expect(row).not.toContain('In progress');
    await page.select('#f-result', 'in_progress');
    await clickText(page, 'Apply');
    await waitForText(page, 'No sign-ins.');
    await page.select('#f-result', 'failure');
    await clickText(page, 'Apply');
    await page.waitForSelector(`tr[data-id="${scanner.id}"]`);
    await page.click(`tr[data-id="${scanner.id}"] button`);
    const pane = await (await page.waitForSelector(`#steps-${scanner.id}`))!.evaluate((e) => (e as HTMLElement).innerText);
    for (const w of ['Abandoned · abandoned', 'Failure reason', 'The sign-in was left unfinished until it expired', 'No step was reached.']) expect(pane).toContain(w);
    await page.evaluate((x) => document.getElementById(`steps-${x}`)!.scrollIntoView({ block: 'center' }), scanner.id);
    await snap(page, 'signins-abandoned');
    await screenshot(page, 'logs-view-abandoned');
    expect((await entries('?result=in_progress')).length).toBe(0);
  });

  it('runs under the default CSP without refusals or script errors, every control named', () => {
    for (const p of pages) expect(problemsOf(p)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
