// The policy what-if says what a real sign-in then does. Each case changes a policy or what a
// user holds (group targeting, the mode, a pass issued and expired on the injected clock, SMS
// for sign-in, an app too old, the app lock, an app asking for two factors), reads the what-if
// through the admin API, and walks the same user through the real sign-in API: the user-name
// step's ways in, the password step's answer, and each way in tried on its own. A what-if that
// drifts from sign-in fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WhatIf } from '../../protocol/http/what-if.ts';
import { DEFAULT_PASSKEY_POLICY, DEFAULT_SMS_POLICY, setPasskeyPolicy, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';
import { DEFAULT_AUTHENTICATOR_POLICY, DEFAULT_TAP_POLICY, setTapPolicy } from '../../server/domain/policies/policy.ts';
import { enrollUser, upgradeToPasswordless, userId, type EnrolledUser } from '../support/flows.ts';
import { authorizationRequest, follow, interactionOf, registerTestApp, type TestApp } from '../support/oidc.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

const MFA = 'urn:pushkey:acr:mfa';

describe('policy what-if', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let admin: HttpClient;
  let alice: EnrolledUser;
  let carol: EnrolledUser;

  const whatIf = async (name: string, acr?: string): Promise<WhatIf> => {
    // Signed in afresh: the clock moves in hours here, past a session's idle timeout.
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const r = await admin.get(`/api/admin/users/${await userId(admin, srv.users[name]!.upn)}/what-if${acr ? `?acr=${encodeURIComponent(acr)}` : ''}`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as WhatIf;
  };
  const verdict = (w: WhatIf, list: 'signIn' | 'secondFactors', method: string) => w[list].find((m) => m.method === method)!;

  /** A fresh browser at the user-name step (for an app's interaction when given). */
  const start = async (name: string, interaction?: { browser: HttpClient; uid: string }) => {
    const browser = interaction?.browser ?? new HttpClient(srv.origin);
    const r = await browser.post('/api/signin/start', { username: srv.users[name]!.upn, ...(interaction ? { interaction: interaction.uid } : {}) });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { browser, flowId: r.body.flowId as string, methods: r.body.methods as string[] };
  };
  /** What one step answers: its status, or its error code. */
  const outcome = (r: { status: number; body: { status?: string; error?: string } }) => (r.status === 200 ? r.body.status ?? 'ok' : r.body.error);

  /**
   * Walks `name` through the real sign-in and checks each answer against the what-if: the page's
   * ways in, what the password step answers, "Use an app instead", "Text me a code", and the pass
   * when one is given (a multi-use one, so that trying it spends nothing).
   */
  async function expectSignInAsSaid(name: string, opts: { pass?: string; acr?: string; interaction?: () => Promise<{ browser: HttpClient; uid: string }> } = {}): Promise<WhatIf> {
    const w = await whatIf(name, opts.acr);
    const at = async () => start(name, opts.interaction && (await opts.interaction()));

    const page = await at();
    expect(page.methods, 'the user-name step').toEqual(w.page);

    const pw = await page.browser.post('/api/signin/password', { flowId: page.flowId, password: srv.users[name]!.password });
    const said = w.blocked?.error ?? (w.afterPassword.next === 'mfa_required' ? (w.afterPassword.refused?.error ?? 'mfa_required') : w.afterPassword.next);
    expect(outcome(pw), `the password step: ${JSON.stringify(pw.body)}`).toBe(said);
    if (pw.status === 200 && pw.body.status !== 'signed_in') {
      expect(pw.body.methods ?? pw.body.secondFactors).toEqual(w.afterPassword.secondFactors);
      expect(pw.body.tapUsable ?? false).toBe(w.afterPassword.tapUsable);
    }

    // A way in that is one factor alone, asked for by an app that wants two, is refused first, before
    // anything of the account is looked at (step_up_required); passwordless is two where the app lock is required.
    const expected = (m: 'passwordless' | 'sms', ok: string) => {
      const v = verdict(w, 'signIn', m);
      const oneFactor = opts.acr !== undefined && !(m === 'passwordless' && w.prompt.appLock && opts.acr === MFA);
      return oneFactor ? 'step_up_required' : !v.available ? 'method_not_allowed' : (v.refused?.error ?? ok);
    };
    const passwordless = expected('passwordless', 'pending');
    if (passwordless) {
      const app = await at();
      expect(outcome(await app.browser.post('/api/signin/passwordless', { flowId: app.flowId })), '“Use an app instead”').toBe(passwordless);
    }
    const sms = expected('sms', 'ok');
    if (sms) {
      const text = await at();
      expect(outcome(await text.browser.post('/api/signin/sms/send', { flowId: text.flowId })), '“Text me a code”').toBe(sms);
    }

    if (opts.pass) {
      const tap = await at();
      const used = await tap.browser.post('/api/signin/tap', { flowId: tap.flowId, pass: opts.pass });
      expect(outcome(used), 'the Temporary Access Pass').toBe(w.waysIn.includes('tap') ? 'signed_in' : 'tap_invalid');
    }
    return w;
  }

  /** A browser signed in with a one-time Temporary Access Pass the helpdesk issued (spent by that sign-in). */
  const passSession = async (name: string): Promise<HttpClient> => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const issued = await helpdesk.post(`/api/admin/users/${await userId(admin, srv.users[name]!.upn)}/tap`, { oneTime: true });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const s = await start(name);
    expect(outcome(await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass: issued.body.pass }))).toBe('signed_in');
    return s.browser;
  };

  const setTarget = (target: { allUsers: boolean; includeGroups?: string[]; excludeGroups?: string[] }) =>
    srv.setPolicy({ target: { includeGroups: [], excludeGroups: [], ...target } });

  beforeAll(async () => {
    srv = await startServer({ clock });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    alice = await enrollUser(srv, 'alice', { connect: false, deviceName: 'Alice’s Chrome' });
    carol = await enrollUser(srv, 'carol', { connect: false });
  });
  afterAll(async () => {
    alice?.device.close();
    carol?.device.close();
    await srv?.close();
  });

  it('a user with no method: the password alone signs in, and every other method says what is missing', async () => {
    const w = await expectSignInAsSaid('bob');
    expect(w.waysIn).toEqual(['password']);
    expect(w.afterPassword).toEqual({ next: 'signed_in', secondFactors: [], tapUsable: false, refused: null });
    expect(verdict(w, 'signIn', 'passwordless')).toMatchObject({ available: false, policy: 'authenticator', rule: 'no_device' });
    expect(verdict(w, 'signIn', 'passkey')).toMatchObject({ available: false, policy: 'passkey', rule: 'no_passkey' });
    expect(verdict(w, 'signIn', 'tap')).toMatchObject({ available: false, policy: 'tap', rule: 'tap_none' });
    expect(verdict(w, 'signIn', 'sms')).toMatchObject({ available: false, policy: 'sms', rule: 'no_phone' });
    expect(verdict(w, 'signIn', 'password')).toMatchObject({ available: true, policy: null, rule: 'always' });
  });

  it('group targeting: a member of the included group gets the push; a user outside it, or excluded, gets none', async () => {
    await setTarget({ allUsers: false, includeGroups: ['Pilot'] });
    const a = await expectSignInAsSaid('alice');
    expect(a.afterPassword).toMatchObject({ next: 'mfa_required', secondFactors: ['authenticator'] });
    expect(verdict(a, 'secondFactors', 'authenticator')).toMatchObject({ available: true, rule: 'included_group', group: 'Pilot' });
    expect(verdict(a, 'signIn', 'passwordless')).toMatchObject({ available: false, rule: 'not_passwordless' });

    const c = await expectSignInAsSaid('carol');
    expect(c.afterPassword.next).toBe('signed_in');
    expect(verdict(c, 'secondFactors', 'authenticator')).toMatchObject({ available: false, rule: 'not_included', why: expect.stringContaining('“Pilot”') });

    await setTarget({ allUsers: true, excludeGroups: ['Staff'] });
    const excluded = await expectSignInAsSaid('carol');
    expect(verdict(excluded, 'secondFactors', 'authenticator')).toMatchObject({ available: false, rule: 'excluded_group', group: 'Staff' });
    expect((await expectSignInAsSaid('alice')).afterPassword.next).toBe('mfa_required');
    await setTarget({ allUsers: true });
  });

  it('the mode: passwordless once set up, hidden in Push mode; no push after the password in Passwordless mode', async () => {
    await upgradeToPasswordless(alice);
    const any = await expectSignInAsSaid('alice');
    expect(any.waysIn).toEqual(['passwordless', 'password']);
    expect(verdict(any, 'signIn', 'passwordless')).toMatchObject({ available: true, rule: 'all_users', refused: null, why: expect.stringContaining('“Alice’s Chrome”') });

    await srv.setPolicy({ mode: 'push' });
    const push = await expectSignInAsSaid('alice');
    expect(push.waysIn).toEqual(['password']);
    expect(verdict(push, 'signIn', 'passwordless')).toMatchObject({ available: false, rule: 'mode_push' });

    await srv.setPolicy({ mode: 'passwordless' });
    const pl = await expectSignInAsSaid('alice');
    expect(pl.afterPassword.next).toBe('signed_in');
    expect(verdict(pl, 'secondFactors', 'authenticator')).toMatchObject({ available: false, rule: 'mode_passwordless' });
    await srv.setPolicy({ mode: 'any' });
  });

  it('an authenticator older than the policy allows: offered, and refused with the update the sign-in asks for', async () => {
    await srv.setPolicy({ minClientVersion: '99.0.0' });
    const w = await expectSignInAsSaid('alice');
    expect(verdict(w, 'signIn', 'passwordless').refused).toMatchObject({ error: 'client_update_required', message: expect.stringContaining('99.0.0') });
    // The push after the password goes out at once, so the password step answers the same refusal.
    expect(w.afterPassword).toMatchObject({ next: 'mfa_required', refused: { error: 'client_update_required' } });
    expect(w.prompt.devices).toEqual([expect.objectContaining({ name: 'Alice’s Chrome', upToDate: false })]);
    await srv.setPolicy({ minClientVersion: DEFAULT_AUTHENTICATOR_POLICY.minClientVersion });
  });

  it('a Temporary Access Pass comes first while valid, and says when it expired (the injected clock)', async () => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const issued = await helpdesk.post(`/api/admin/users/${await userId(admin, srv.users.dave!.upn)}/tap`, { lifetimeMinutes: 60, oneTime: false });
    expect(issued.status, JSON.stringify(issued.body)).toBe(201);
    const valid = await expectSignInAsSaid('dave', { pass: issued.body.pass });
    expect(valid.waysIn).toEqual(['tap', 'password']);
    expect(verdict(valid, 'signIn', 'tap')).toMatchObject({ available: true, policy: 'tap', rule: 'tap_active' });

    clock.advance(60 * 60_000);
    const expired = await expectSignInAsSaid('dave', { pass: issued.body.pass });
    expect(expired.waysIn).toEqual(['password']);
    expect(verdict(expired, 'signIn', 'tap')).toMatchObject({ available: false, rule: 'tap_expired' });

    await setTapPolicy(srv.repo, { ...DEFAULT_TAP_POLICY, enabled: false });
    expect(verdict(await expectSignInAsSaid('dave'), 'signIn', 'tap')).toMatchObject({ available: false, rule: 'policy_off', why: 'The Temporary Access Pass policy is turned off.' });
    await setTapPolicy(srv.repo, DEFAULT_TAP_POLICY);
  });

  it('SMS: a second factor once the phone is verified; a way in alone only when the policy says so and nothing stronger exists', async () => {
    // Alice's password needs her push now: she signs in with a one-time pass from the helpdesk instead.
    const aliceMe = await passSession('alice');
    for (const [name, number] of [['bob', '+15551230002'], ['alice', '+15551230001']] as const) {
      const me = name === 'alice' ? aliceMe : await signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);
      const add = await me.post('/api/me/phone', { number });
      expect(add.status, JSON.stringify(add.body)).toBe(200);
      const text = (await admin.get(`/api/admin/outbox?channel=sms&to=${encodeURIComponent(number)}`)).body.messages[0].text as string;
      expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: text.slice(0, 6) })).status).toBe(200);
    }
    const off = await expectSignInAsSaid('bob');
    expect(off.afterPassword).toMatchObject({ next: 'second_factor', secondFactors: ['sms'] });
    expect(verdict(off, 'signIn', 'sms')).toMatchObject({ available: false, rule: 'sms_signin_off' });

    await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: true });
    const on = await expectSignInAsSaid('bob');
    expect(on.waysIn).toEqual(['sms', 'password']);
    const stronger = await expectSignInAsSaid('alice');
    expect(verdict(stronger, 'signIn', 'sms')).toMatchObject({ available: false, rule: 'stronger_method' });
    expect(stronger.afterPassword).toMatchObject({ next: 'mfa_required', secondFactors: ['authenticator', 'sms'] });

    // The user's default reorders what follows the password: SMS first, so the page asks for the code.
    expect((await aliceMe.put('/api/me/default-method', { method: 'sms' })).status).toBe(200);
    const chosen = await expectSignInAsSaid('alice');
    expect(chosen.afterPassword).toMatchObject({ next: 'second_factor', secondFactors: ['sms', 'authenticator'] });
    expect(chosen.defaultMethod).toMatchObject({ method: 'sms', applies: true });
    expect((await aliceMe.put('/api/me/default-method', { method: 'authenticator' })).status).toBe(200);
    await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);

    // Pushes paused (as after "No, it's not me"): the code stands in for the push after the password, and the reason is said.
    const aliceId = (await srv.repo.getUserByUpn(srv.users.alice!.upn))!.id;
    await srv.repo.updateUser(aliceId, { pushPausedUntil: clock.now() + 60 * 60_000 });
    const paused = await expectSignInAsSaid('alice');
    expect(paused.afterPassword).toMatchObject({ next: 'second_factor', secondFactors: ['sms'], refused: { error: 'push_paused' } });
    await srv.repo.updateUser(aliceId, { pushPausedUntil: 0 });
    clock.advance(15 * 60_000); // the per-user send limit starts afresh
  });

  it('the prompt: number length, app name, location and the app lock as the push then carries them', async () => {
    await srv.setPolicy({ numberLength: 6, showApplication: false, showLocation: false, requireAppLock: true });
    const w = await expectSignInAsSaid('alice');
    expect(w.prompt).toMatchObject({ numberLength: 6, application: false, location: false, appLock: true });

    await alice.device.connect();
    const s = await start('alice');
    const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: alice.password });
    expect(pw.body.status).toBe('mfa_required');
    expect(pw.body.challenge.number).toHaveLength(w.prompt.numberLength);
    let push = await alice.device.nextPush();
    while (push.challengeId !== pw.body.challenge.challengeId) push = await alice.device.nextPush();
    expect(push).toMatchObject({ app: '', context: { ip: '', location: '' }, appLock: 'required' });
    alice.device.close();
    await srv.setPolicy({ numberLength: 2, showApplication: true, showLocation: true, requireAppLock: false });
  });

  it('an app that asks for two factors: no way in that is one factor alone, as the sign-in for that app offers', async () => {
    const t: TestApp = await registerTestApp(srv);
    const interaction = async () => {
      const browser = new HttpClient(srv.origin);
      const a = await authorizationRequest(t, { acr_values: MFA });
      return { browser, uid: interactionOf((await follow(browser, a.url.toString())).url) };
    };
    const w = await expectSignInAsSaid('alice', { acr: MFA, interaction });
    expect(w.waysIn).toEqual(['password']);
    expect(verdict(w, 'signIn', 'passwordless')).toMatchObject({ available: false, rule: 'acr', why: expect.stringContaining('two factors') });
    const dave = await expectSignInAsSaid('dave', { acr: MFA, interaction });
    expect(dave.afterPassword.next).toBe('step_up_required');

    // With the app lock required, passwordless is two factors: offered to the same app.
    await srv.setPolicy({ requireAppLock: true });
    const locked = await expectSignInAsSaid('alice', { acr: MFA, interaction });
    expect(locked.waysIn).toEqual(['passwordless', 'password']);
    expect(verdict(locked, 'signIn', 'passwordless')).toMatchObject({ available: true, why: expect.stringContaining('app lock (PIN): two factors') });
    await srv.setPolicy({ requireAppLock: false });
  });

  it('a disabled account: blocked, and every step answers so', async () => {
    const id = await userId(admin, srv.users.carol!.upn);
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).status).toBe(200);
    const w = await expectSignInAsSaid('carol');
    expect(w.blocked).toMatchObject({ error: 'user_disabled' });
    expect(verdict(w, 'signIn', 'passwordless')).toMatchObject({ available: false, rule: 'user_disabled' });
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: false })).status).toBe(200);
  });

  it('is for staff: the helpdesk and policy admins read it, a user does not, an unknown id is not found', async () => {
    const id = await userId(admin, srv.users.bob!.upn);
    for (const name of ['helpdesk', 'policy']) {
      const staff = await signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);
      expect((await staff.get(`/api/admin/users/${id}/what-if`)).status).toBe(200);
    }
    const user = await signIn(srv.origin, srv.users.dave!.upn, srv.users.dave!.password);
    expect((await user.get(`/api/admin/users/${id}/what-if`)).status).toBe(403);
    expect((await admin.get('/api/admin/users/AAAAAAAAAAAAAAAAAAAAAA/what-if')).status).toBe(404);
    expect((await admin.get(`/api/admin/users/${id}/what-if?acr=gold`)).body.error).toBe('bad_request');
  });

  it('a passkey policy limited to a group: the user outside it is told which group the policy targets', async () => {
    await setPasskeyPolicy(srv.repo, { ...DEFAULT_PASSKEY_POLICY, target: { allUsers: false, includeGroups: ['Admins'], excludeGroups: [] } });
    const w = await expectSignInAsSaid('bob');
    expect(verdict(w, 'signIn', 'passkey')).toMatchObject({ available: false, policy: 'passkey', rule: 'not_included', why: 'The Passkey (FIDO2) policy targets only “Admins”, and the user is in none of them.' });
    await setPasskeyPolicy(srv.repo, DEFAULT_PASSKEY_POLICY);
  });
});
