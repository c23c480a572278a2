// The admin portal in real Chromium: the Authenticator policy (enable, target, exclude, mode,
// configure, "Save"), the TAP policy, users (search, create, groups, block, reset password, the onboarding window),
// a user's methods ("Add Temporary Access Pass", revoke), the logs — and each role seeing only
// what the server lets it do.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, replaceText, type Profile } from '../support/browser.ts';
import { enrollUser, signInMethodsOf, type EnrolledUser } from '../support/flows.ts';
import { signIn, type TestServer } from '../support/server.ts';
import { clickText, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let bob: EnrolledUser;
/** Bob's second browser profile: named apart at enrollment, never used. */
let bobWork: EnrolledUser;
const pages: Page[] = [];

/** A fresh browser context signed in as `name`, on the admin portal. */
async function adminPage(name: string): Promise<Page> {
  const context = await a.browser.createBrowserContext();
  const page = await newSitePage(context);
  pages.push(page);
  const u = srv.users[name]!;
  await signInWithPassword(page, srv.origin, u.upn, u.password, '/admin/');
  await page.waitForSelector('main h1');
  return page;
}

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  bob = await enrollUser(srv, 'bob', { deviceName: 'Bob laptop' });
  bobWork = await enrollUser(srv, 'bob', { me: bob.me, deviceName: 'Bob laptop – work profile', connect: false });
  // The first one answers a test notification: its last use is shown, the other's is "Never".
  const test = await bob.me.post('/api/me/authenticator/test', { deviceId: bob.device.deviceId });
  await bob.device.respond(await bob.device.nextPush(), 'approve', test.body.number);
});

afterAll(async () => {
  bob?.device.close();
  await browsers?.closeAll();
  await srv?.close();
});

describe('site: admin portal', () => {
  it('lets a policy admin set the Authenticator policy: target, exclusions, mode, configure, "Save"', async () => {
    const page = await adminPage('policy');
    await waitForText(page, 'pushkey Lab');
    await shot(page, 'admin-home');
    await page.goto(`${srv.origin}/admin/#/authentication-methods/policies`);
    await waitForText(page, 'Policies');
    await waitForText(page, 'All users · mode any');
    await shot(page, 'admin-policies');
    await clickText(page, 'Authenticator', 'a');
    await waitForText(page, 'Authenticator settings');
    for (const word of ['Enable', 'Target', 'All users', 'Select groups', 'Exclude', 'Authentication mode', 'Any', 'Push', 'Passwordless', 'Show application name', 'Show geographic location', 'Save']) {
      await waitForText(page, word);
    }
    await shot(page, 'admin-authenticator-policy');

    await page.click('#auth-target-groups');
    await page.type('#auth-include-groups', 'Pilot');
    await page.keyboard.press('Enter');
    await page.type('#auth-exclude-groups', 'Contractors');
    await page.keyboard.press('Enter');
    await page.click('#mode-push');
    await page.select('#number-length', '6');
    await page.click('#show-location');
    await replaceText(page, '#min-version', '1.0.0');
    await shot(page, 'admin-authenticator-policy-edited');
    await clickText(page, 'Save');
    await waitForText(page, 'Authenticator policy saved.');

    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const saved = (await admin.get('/api/admin/policies/authenticator')).body;
    expect(saved).toMatchObject({
      enabled: true,
      target: { allUsers: false, includeGroups: ['Pilot'], excludeGroups: ['Contractors'] },
      mode: 'push',
      numberLength: 6,
      showLocation: false,
      minClientVersion: '1.0.0',
    });
    // Every change lands in the audit log.
    await page.goto(`${srv.origin}/admin/#/audit`);
    await waitForText(page, 'Authenticator policy updated');
    await waitForText(page, 'policy@pushkey.test');
    await shot(page, 'admin-audit');
    await srv.setPolicy({ target: { allUsers: true, includeGroups: [], excludeGroups: [] }, mode: 'any', numberLength: 2, showLocation: true, minClientVersion: '0.0.0' });
  });

  it('shows a server refusal as the message, e.g. an invalid minimum version', async () => {
    const page = await adminPage('policy');
    await page.goto(`${srv.origin}/admin/#/authentication-methods/policies/authenticator`);
    await page.waitForSelector('#min-version');
    await replaceText(page, '#min-version', 'latest');
    await clickText(page, 'Save');
    await waitForText(page, 'minClientVersion looks like 1.2.3');
    await shot(page, 'admin-policy-error');
  });

  it('edits the Temporary Access Pass policy', async () => {
    const page = await adminPage('policy');
    await page.goto(`${srv.origin}/admin/#/authentication-methods/policies/tap`);
    await page.waitForSelector('#tap-defaultLifetimeMinutes');
    await replaceText(page, '#tap-defaultLifetimeMinutes', '120');
    await shot(page, 'admin-tap-policy');
    await clickText(page, 'Save');
    await waitForText(page, 'Temporary Access Pass policy saved.');
  });

  it('lets the helpdesk view but not change the policy (the server refuses it anyway)', async () => {
    const page = await adminPage('helpdesk');
    await page.goto(`${srv.origin}/admin/#/authentication-methods/policies/authenticator`);
    await waitForText(page, 'You can view this policy.');
    expect(await page.evaluate(() => [...document.querySelectorAll('button')].some((b) => b.innerText.trim() === 'Save'))).toBe(false);
    const refused = await page.evaluate(async () => {
      const res = await fetch('/api/admin/policies/authenticator', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
      return res.status;
    });
    expect(refused).toBe(403);
  });

  it('opens the pass form only once the TAP policy has come, so that nothing typed before is overwritten by its defaults', async () => {
    const page = await adminPage('helpdesk');
    // The TAP policy's answer held back until the test lets it go.
    const held: { continue(): Promise<void> }[] = [];
    let holding = true;
    await page.setRequestInterception(true);
    page.on('request', (r) => void (holding && r.url().endsWith('/api/admin/policies/tap') ? held.push(r) : r.continue()));
    await page.goto(`${srv.origin}/admin/#/users`);
    await page.waitForSelector('#user-search');
    await page.type('#user-search', 'bob');
    await clickText(page, 'Search');
    // The search's answer, not the list of everyone before it, whose rows it moves.
    await page.waitForFunction(() => !document.body.innerText.includes('alice@pushkey.test'), { timeout: 5_000 });
    await clickText(page, 'Bob Brown', 'a');
    await clickText(page, 'Add Temporary Access Pass');
    await waitForText(page, 'Reading the Temporary Access Pass policy');
    await page.waitForFunction(() => document.querySelectorAll('dialog[open]').length === 1);
    expect(await page.$('#tap-lifetime')).toBeNull();
    expect(held.length).toBeGreaterThan(0);
    holding = false;
    for (const r of held) await r.continue();
    await page.waitForSelector('#tap-lifetime');
    const defaults = await page.evaluate(async () => (await (await fetch('/api/admin/policies/tap')).json()) as { defaultLifetimeMinutes: number; oneTimeByDefault: boolean });
    expect(await page.$eval('#tap-lifetime', (e) => (e as HTMLInputElement).value)).toBe(String(defaults.defaultLifetimeMinutes));
    expect(await page.$eval('#tap-one-time', (e) => (e as HTMLInputElement).checked)).toBe(defaults.oneTimeByDefault);
  });

  it('lets the helpdesk find a user, add a Temporary Access Pass (shown once) and revoke a lost device', async () => {
    const page = await adminPage('helpdesk');
    await page.goto(`${srv.origin}/admin/#/users`);
    await page.waitForSelector('#user-search');
    await page.type('#user-search', 'bob');
    await clickText(page, 'Search');
    await page.waitForFunction(() => !document.body.innerText.includes('alice@pushkey.test'), { timeout: 5_000 });
    await waitForText(page, 'bob@pushkey.test');
    await shot(page, 'admin-users-search');
    await clickText(page, 'Bob Brown', 'a');
    await waitForText(page, 'Authentication methods');
    await waitForText(page, 'Bob laptop');
    await waitForText(page, 'Bob laptop – work profile');
    // Two devices told apart by name, each with its own last use.
    const row = (id: string) => page.$eval(`tr[data-device="${id}"]`, (e) => (e as HTMLElement).innerText);
    expect(await row(bobWork.device.deviceId)).toContain('Never');
    expect(await row(bob.device.deviceId)).not.toContain('Never');
    expect(await row(bob.device.deviceId)).toMatch(/\d{4}|\d:\d\d/);
    await shot(page, 'admin-user');

    await clickText(page, 'Add Temporary Access Pass');
    await waitForText(page, 'Activation duration (minutes)');
    await shot(page, 'admin-tap-add');
    await page.click('dialog button[type=submit]');
    const pass = await (await page.waitForSelector('[data-testid=tap]'))!.evaluate((e) => e.textContent!.trim());
    expect(pass).toMatch(/^[A-Za-z0-9]{8,}$/);
    await shot(page, 'admin-tap-shown');
    await clickText(page, 'Done');
    expect(await page.evaluate(() => document.body.innerText)).not.toContain(pass);
    await waitForText(page, 'Temporary Access Pass');

    await clickText(page, 'Revoke Bob laptop');
    await waitForText(page, 'Revoke Authenticator app?');
    await page.click('dialog .btn-danger');
    await waitForText(page, 'was revoked');
    await waitForText(page, 'Revoked');
    expect((await bob.device.command('poll')).body.error).toBe('device_revoked');

    // The pass is now one of Bob's ways in.
    expect(await signInMethodsOf(srv, 'bob@pushkey.test')).toContain('tap');
  });

  it('lets a global admin create a user, set groups and roles, block sign-in and reset the password', async () => {
    const page = await adminPage('admin');
    await page.goto(`${srv.origin}/admin/#/users`);
    // Open the dialog once the list has loaded: the list's first render replaces the page under it.
    await waitForText(page, 'alice@pushkey.test');
    await clickText(page, '+ New user');
    await page.waitForSelector('#new-display-name');
    await page.type('#new-display-name', 'Erin Evans');
    await page.type('#new-upn', 'erin@pushkey.test');
    await page.type('#new-password', 'Erin-Passw0rd!');
    await page.type('#new-groups', 'Pilot, Staff');
    await shot(page, 'admin-new-user');
    await clickText(page, 'Create');
    await waitForText(page, 'erin@pushkey.test');
    await page.waitForSelector('#display-name');
    await page.click('#role-helpdesk');
    await page.click('#block-sign-in');
    await clickText(page, 'Save');
    await waitForText(page, 'Changes saved.');
    await waitForText(page, 'Sign-in blocked');
    await page.type('#reset-password', 'Erin-N3w-Passw0rd!');
    await clickText(page, 'Reset password');
    await waitForText(page, 'Password reset.');
    await shot(page, 'admin-user-edited');
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const erin = ((await admin.get('/api/admin/users?q=erin')).body.users as Array<Record<string, unknown>>)[0];
    expect(erin).toMatchObject({ groups: ['Pilot', 'Staff'], roles: ['user', 'helpdesk'], disabled: true });
  });

  it("shows a user's onboarding window on their page: open after creation, over once the policy closes it, and then a password alone adds no first method", async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const created = await admin.post('/api/admin/users', { upn: 'frank@pushkey.test', displayName: 'Frank Foster', password: 'Frank-Passw0rd!', groups: [], roles: ['user'] });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const page = await adminPage('admin');
    await page.goto(`${srv.origin}/admin/#/users`);
    await waitForText(page, 'frank@pushkey.test');
    await clickText(page, 'Frank Foster', 'a');
    await waitForText(page, 'Onboarding: until');
    const line = await page.$eval('[data-testid="onboarding"]', (p) => (p as HTMLElement).innerText);
    expect(line).toContain("a password alone may add this user's first sign-in method");
    await shot(page, 'admin-user-onboarding');
    // The policy admin closes the window for everyone (0 days): Frank's page says so.
    const policy = await signIn(srv.origin, srv.users.policy!.upn, srv.users.policy!.password);
    const before = (await policy.get('/api/admin/policies/registration')).body as Record<string, unknown>;
    expect((await policy.put('/api/admin/policies/registration', { ...before, onboardingDays: 0 })).status).toBe(200);
    try {
      await page.reload();
      await waitForText(page, 'Onboarding is over: a first sign-in method needs a Temporary Access Pass');
      // Frank's password alone no longer adds a first method.
      const frank = await signIn(srv.origin, 'frank@pushkey.test', 'Frank-Passw0rd!');
      expect((await frank.post('/api/me/authenticator/activation')).body).toMatchObject({ error: 'step_up_required' });
    } finally {
      expect((await policy.put('/api/admin/policies/registration', before)).status).toBe(200);
    }
  });

  it('marks a user who reported a request as at risk, and lets a global admin clear it', async () => {
    const carol = await enrollUser(srv, 'carol', { deviceName: 'Carol laptop' });
    const test = await carol.me.post('/api/me/authenticator/test', {});
    expect(test.status).toBe(200);
    await carol.device.respond(await carol.device.nextPush(), 'report');
    carol.device.close();
    const page = await adminPage('admin');
    await page.goto(`${srv.origin}/admin/#/users`);
    await waitForText(page, 'carol@pushkey.test');
    const row = await page.$eval('table', (t) => [...t.querySelectorAll('tr')].find((tr) => tr.innerText.includes('carol@pushkey.test'))!.innerText);
    expect(row).toContain('At risk');
    await clickText(page, 'Carol Chen', 'a');
    await waitForText(page, 'Reported as not me on Carol laptop');
    await shot(page, 'admin-user-at-risk');
    await clickText(page, 'Clear risk');
    await waitForText(page, 'The risk is cleared; pushes reach the user again.');
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const after = ((await admin.get('/api/admin/users?q=carol')).body.users as Array<Record<string, unknown>>)[0];
    expect(after).toMatchObject({ risk: null, pushPausedUntil: 0 });
  });

  it('shows sign-in logs and alerts', async () => {
    const page = await adminPage('admin');
    await page.goto(`${srv.origin}/admin/#/signins`);
    await waitForText(page, 'Successful sign-in');
    await waitForText(page, 'helpdesk@pushkey.test');
    await shot(page, 'admin-signins');
    // Filters apply together, and the export downloads the same selection.
    await page.type('#f-upn', 'helpdesk@');
    await page.select('#f-result', 'success');
    await clickText(page, 'Apply');
    await page.waitForFunction(() => !document.body.innerText.includes('admin@pushkey.test\t'), { timeout: 5_000 });
    const users = await page.$$eval('.table-wrap tbody tr td:nth-child(2)', (tds) => [...new Set(tds.map((td) => td.textContent))]);
    expect(users).toEqual(['helpdesk@pushkey.test']);
    const csv = await page.$eval('a[href*="format=csv"]', async (a) => {
      const res = await fetch((a as HTMLAnchorElement).href);
      return { type: res.headers.get('content-type'), text: await res.text() };
    });
    expect(csv.type).toMatch(/text\/csv/);
    expect(csv.text).toContain('helpdesk@pushkey.test');
    expect(csv.text).not.toContain('bob@pushkey.test');
    await clickText(page, 'Details');
    await waitForText(page, 'Correlation id');
    await shot(page, 'admin-signins-filtered');
    await page.goto(`${srv.origin}/admin/#/alerts`);
    await waitForText(page, 'Temporary Access Pass issued');
    await shot(page, 'admin-alerts');
  });

  it('tells a user without an admin role that the portal is not for them', async () => {
    const page = await adminPage('alice');
    await waitForText(page, "You don't have access");
    await shot(page, 'admin-no-access');
  });

  it('runs under the default CSP without refusals or script errors, every control named', () => {
    for (const p of pages) expect(problemsOf(p)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });
});
