// The Authenticator policy as a signing-in user meets it: push MFA after a password,
// passwordless only where the mode allows it, nothing when disabled or not targeted.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_AUTHENTICATOR_POLICY, type AuthenticatorPolicy } from '../../server/domain/policies/policy.ts';
import { enrollUser, flowStatus, startPasswordless, startPasswordThenPush, startSignIn, upgradeToPasswordless, type EnrolledUser, signInMethodsOf } from '../support/flows.ts';
import { ManualClock, startServer, type TestServer } from '../support/server.ts';

describe('authenticator policy at sign-in', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let alice: EnrolledUser; // group Pilot, passwordless
  let carol: EnrolledUser; // group Staff, push only

  const target = (t: Partial<AuthenticatorPolicy['target']>) => ({ target: { ...DEFAULT_AUTHENTICATOR_POLICY.target, ...t } });

  /** Password sign-in: 'signed_in' straight away, or 'mfa_required'. */
  async function afterPassword(u: EnrolledUser) {
    const s = await startSignIn(srv, u.upn);
    const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: u.password });
    expect(pw.status).toBe(200);
    return { ...s, status: pw.body.status as string, challenge: pw.body.challenge };
  }

  async function passwordlessRefused(u: EnrolledUser) {
    const s = await startSignIn(srv, u.upn);
    expect(await signInMethodsOf(srv, u.upn)).not.toContain('passwordless');
    const res = await s.browser.post('/api/signin/passwordless', { flowId: s.flowId });
    expect(res.status).toBe(403);
    expect(res.body.error).toBe('method_not_allowed');
    expect(u.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
  }

  beforeAll(async () => {
    srv = await startServer({ clock });
    alice = await enrollUser(srv, 'alice');
    carol = await enrollUser(srv, 'carol');
    await upgradeToPasswordless(alice);
  });
  afterAll(async () => {
    alice?.device.close();
    carol?.device.close();
    await srv?.close();
  });
  beforeEach(async () => srv.setPolicy(DEFAULT_AUTHENTICATOR_POLICY));

  describe('mode Any', () => {
    it('asks for a number-match push after a correct password, and signs in with both methods', async () => {
      const flow = await startPasswordThenPush(srv, carol.upn, carol.password);
      const push = await carol.device.nextPush();
      expect(push.kind).toBe('mfa');
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
      expect((await carol.device.respond(push, 'approve', flow.number)).body.outcome).toBe('approved');
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
      expect((await flow.browser.get('/api/me')).body.session.methods).toEqual(['password', 'authenticator']);
    });

    it('does not push after a wrong password', async () => {
      const s = await startSignIn(srv, carol.upn);
      const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: 'not-the-password' });
      expect(pw).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
      expect(carol.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
    });

    it('sends another request on resend, and the first one can no longer be approved', async () => {
      const flow = await startPasswordThenPush(srv, carol.upn, carol.password);
      const first = await carol.device.nextPush();
      const again = await flow.browser.post('/api/signin/resend', { flowId: flow.flowId });
      expect(again.body.status).toBe('mfa_required');
      const second = await carol.device.nextPush();
      expect(second.challengeId).toBe(again.body.challenge.challengeId);
      // The device is told to close the replaced prompt.
      expect(await carol.device.next((f) => f.type === 'cancel' && f.challengeId === first.challengeId, 1000)).toBeTruthy();
      expect((await carol.device.respond(first, 'approve', flow.number)).body.error).toBe('challenge_consumed');
      expect((await carol.device.respond(second, 'approve', again.body.challenge.number)).body.outcome).toBe('approved');
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
    });

    it('offers "Use an app instead" only to a user whose device is upgraded', async () => {
      expect(await signInMethodsOf(srv, alice.upn)).toContain('passwordless');
      await passwordlessRefused(carol);
    });

    it('answers the user-name step alike for an unknown user, one without an authenticator and one with passwordless', async () => {
      expect(await signInMethodsOf(srv, alice.upn)).toContain('passwordless');
      const offered = (await startSignIn(srv, alice.upn)).methods;
      expect((await startSignIn(srv, 'nobody@pushkey.test')).methods).toEqual(offered);
      expect((await startSignIn(srv, srv.users.dave!.upn)).methods).toEqual(offered);
    });
  });

  describe('mode Push', () => {
    it('offers no passwordless: not in the methods list, and /api/signin/passwordless is refused', async () => {
      await srv.setPolicy({ mode: 'push' });
      await passwordlessRefused(alice);
    });

    it('still asks for push MFA after the password', async () => {
      await srv.setPolicy({ mode: 'push' });
      const flow = await startPasswordThenPush(srv, alice.upn, alice.password);
      expect((await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number)).body.outcome).toBe('approved');
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
    });

    it('refuses the answer to a passwordless push sent before the mode changed', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await srv.setPolicy({ mode: 'push' });
      const res = await alice.device.respond(push, 'approve', flow.number);
      expect(res).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
    });

    it('honours a deny of a passwordless push sent before the mode changed', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await srv.setPolicy({ mode: 'push' });
      expect((await alice.device.respond(push, 'deny')).body.outcome).toBe('denied');
      expect(await flowStatus(flow)).toEqual({ status: 'denied' });
    });

    it('refuses the passwordless upgrade', async () => {
      await srv.setPolicy({ mode: 'push' });
      const res = await carol.device.command('passwordless_setup', { password: carol.password, clientVersion: '1.0.0' });
      expect(res).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
    });
  });

  describe('mode Passwordless', () => {
    it('signs in with the password alone (no push MFA) and still offers passwordless', async () => {
      await srv.setPolicy({ mode: 'passwordless' });
      const r = await afterPassword(carol);
      expect(r.status).toBe('signed_in');
      expect(carol.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
      const flow = await startPasswordless(srv, alice.upn);
      expect((await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number)).body.outcome).toBe('approved');
    });
  });

  describe('disabled, or not targeted', () => {
    it('gives no push MFA and no passwordless when the policy is disabled', async () => {
      await srv.setPolicy({ enabled: false });
      for (const u of [alice, carol]) expect((await afterPassword(u)).status).toBe('signed_in');
      await passwordlessRefused(alice);
      expect(alice.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
    });

    it('leaves an excluded group out, even when all users are targeted', async () => {
      await srv.setPolicy(target({ allUsers: true, excludeGroups: ['Pilot'] }));
      expect((await afterPassword(alice)).status).toBe('signed_in');
      await passwordlessRefused(alice);
      expect((await afterPassword(carol)).status).toBe('mfa_required');
      await carol.device.respond(await carol.device.nextPush(), 'deny');
    });

    it('lets an exclusion win over an inclusion of the same user', async () => {
      await srv.setPolicy(target({ allUsers: false, includeGroups: ['Pilot', 'Staff'], excludeGroups: ['Staff'] }));
      expect((await afterPassword(carol)).status).toBe('signed_in');
      expect((await afterPassword(alice)).status).toBe('mfa_required');
      await alice.device.respond(await alice.device.nextPush(), 'deny');
    });

    it('targets only the included groups when not all users are targeted', async () => {
      await srv.setPolicy(target({ allUsers: false, includeGroups: ['Staff'] }));
      expect((await afterPassword(alice)).status).toBe('signed_in');
      await passwordlessRefused(alice);
      expect((await afterPassword(carol)).status).toBe('mfa_required');
      await carol.device.respond(await carol.device.nextPush(), 'deny');
    });
  });
});
