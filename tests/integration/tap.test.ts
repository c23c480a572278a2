// Temporary Access Pass: issued by the helpdesk, shown once, stored hashed, one-time by
// default, bounded lifetime, one active per user.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TAP_POLICY } from '../../server/domain/policies/policy.ts';
import { enrollUser, signInMethodsOf, startSignIn, userId } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

describe('Temporary Access Pass', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let helpdesk: HttpClient;
  const ids: Record<string, string> = {};

  /** The helpdesk signs in again after the clock jumps past its session's idle timeout. */
  const staff = async () => (helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password));
  const issue = async (name: string, body: Record<string, unknown> = {}) => {
    await staff();
    const res = await helpdesk.post(`/api/admin/users/${ids[name]}/tap`, body);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { pass: string; tap: { id: string; expiresAt: number; startsAt: number; oneTime: boolean; state: string } };
  };
  const useTap = async (name: string, pass: string) => {
    const s = await startSignIn(srv, srv.users[name]!.upn);
    const res = await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass });
    return { ...res, browser: s.browser, methods: s.methods };
  };

  beforeAll(async () => {
    srv = await startServer({ clock });
    helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    for (const n of ['alice', 'bob', 'carol', 'dave', 'policy']) ids[n] = await userId(helpdesk, srv.users[n]!.upn);
  });
  afterAll(async () => srv?.close());

  it('is issued by the helpdesk once in clear text, with the default lifetime, and stored only hashed', async () => {
    const { pass, tap } = await issue('alice');
    expect(pass).toHaveLength(DEFAULT_TAP_POLICY.length);
    expect(tap).toMatchObject({ oneTime: true, state: 'active', startsAt: clock.now(), expiresAt: clock.now() + DEFAULT_TAP_POLICY.defaultLifetimeMinutes * 60_000 });
    const stored = await srv.repo.getUserTap(ids.alice!);
    expect(JSON.stringify(stored)).not.toContain(pass);
    const methods = await helpdesk.get(`/api/admin/users/${ids.alice}/methods`);
    expect(JSON.stringify(methods.body)).not.toContain(pass);
  });

  it('signs the user in once; the second use is refused with tap_invalid', async () => {
    const { pass } = await issue('bob');
    expect(await signInMethodsOf(srv, srv.users.bob!.upn)).toContain('tap');
    const first = await useTap('bob', pass);
    expect(first.body).toEqual({ status: 'signed_in' });
    expect((await first.browser.get('/api/me')).body.session.methods).toEqual(['tap']);

    expect(await signInMethodsOf(srv, srv.users.bob!.upn)).not.toContain('tap');
    const second = await useTap('bob', pass);
    expect(second).toMatchObject({ status: 401, body: { error: 'tap_invalid' } });
  });

  it('refuses a wrong pass with tap_invalid', async () => {
    await issue('carol');
    expect((await useTap('carol', 'WRONGPAS')).body.error).toBe('tap_invalid');
  });

  it('works 1 ms before it expires', async () => {
    const { pass, tap } = await issue('dave', { lifetimeMinutes: 10 });
    clock.set(tap.expiresAt - 1);
    expect((await useTap('dave', pass)).body.status).toBe('signed_in');
  });

  it('is refused at exactly its expiry, and past it', async () => {
    const { pass, tap } = await issue('dave', { lifetimeMinutes: 10 });
    clock.set(tap.expiresAt);
    expect((await useTap('dave', pass)).body.error).toBe('tap_invalid');
    clock.advance(1);
    expect((await useTap('dave', pass)).body.error).toBe('tap_invalid');
  });

  it('is refused before it starts', async () => {
    const startsAt = clock.now() + 60 * 60_000;
    const { pass } = await issue('dave', { startsAt });
    expect((await useTap('dave', pass)).body.error).toBe('tap_invalid');
    clock.set(startsAt);
    expect((await useTap('dave', pass)).body.status).toBe('signed_in');
  });

  it('keeps one active pass per user: a new one replaces the old', async () => {
    const old = await issue('carol');
    const fresh = await issue('carol');
    expect((await useTap('carol', old.pass)).body.error).toBe('tap_invalid');
    expect((await useTap('carol', fresh.pass)).body.status).toBe('signed_in');
  });

  it('can be multi-use when issued so, until it expires', async () => {
    const { pass, tap } = await issue('alice', { oneTime: false, lifetimeMinutes: 10 });
    expect((await useTap('alice', pass)).body.status).toBe('signed_in');
    expect((await useTap('alice', pass)).body.status).toBe('signed_in');
    clock.set(tap.expiresAt);
    expect((await useTap('alice', pass)).body.error).toBe('tap_invalid');
  });

  it('refuses a lifetime outside the policy bounds', async () => {
    await staff();
    for (const lifetimeMinutes of [DEFAULT_TAP_POLICY.minLifetimeMinutes - 1, DEFAULT_TAP_POLICY.maxLifetimeMinutes + 1]) {
      const res = await helpdesk.post(`/api/admin/users/${ids.alice}/tap`, { lifetimeMinutes });
      expect(res).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
  });

  it('lets only one of many parallel sign-ins with a one-time pass win', async () => {
    const { pass } = await issue('bob');
    const answers = await Promise.all(Array.from({ length: 8 }, () => useTap('bob', pass)));
    expect(answers.filter((a) => a.body.status === 'signed_in')).toHaveLength(1);
    expect(answers.filter((a) => a.body.error === 'tap_invalid')).toHaveLength(7);
  });

  it('counts wrong passes toward the lockout, like wrong passwords', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    await admin.patch(`/api/admin/users/${ids.carol}`, { unlock: true }); // count from zero
    const { pass } = await issue('carol');
    for (let i = 1; i < 10; i++) expect((await useTap('carol', `WRONG${i}xx`)).body.error).toBe('tap_invalid');
    expect(await useTap('carol', 'WRONG10x')).toMatchObject({ status: 423, body: { error: 'locked_out' } });
    expect((await useTap('carol', pass)).body.error).toBe('locked_out');
  });

  it('is deleted by the helpdesk', async () => {
    const { pass } = await issue('alice');
    expect((await helpdesk.del(`/api/admin/users/${ids.alice}/tap`)).status).toBe(200);
    expect((await useTap('alice', pass)).body.error).toBe('tap_invalid');
  });

  it('is refused to a user without the helpdesk role (forbidden) and to nobody signed in (unauthenticated)', async () => {
    const alice = await signIn(srv.origin, srv.users.alice!.upn, srv.users.alice!.password);
    expect(await alice.post(`/api/admin/users/${ids.bob}/tap`, {})).toMatchObject({ status: 403, body: { error: 'forbidden' } });
    const policyAdmin = await signIn(srv.origin, srv.users.policy!.upn, srv.users.policy!.password);
    expect((await policyAdmin.post(`/api/admin/users/${ids.bob}/tap`, {})).body.error).toBe('forbidden');
    expect((await policyAdmin.del(`/api/admin/users/${ids.bob}/tap`)).body.error).toBe('forbidden');
    const anon = new HttpClient(srv.origin);
    expect(await anon.post(`/api/admin/users/${ids.bob}/tap`, {})).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  });

  it('is not issued while the TAP policy is disabled', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    await staff();
    const policy = (await admin.get('/api/admin/policies/tap')).body;
    expect((await admin.put('/api/admin/policies/tap', { ...policy, enabled: false })).status).toBe(200);
    try {
      expect((await helpdesk.post(`/api/admin/users/${ids.alice}/tap`, {})).body.error).toBe('method_not_allowed');
    } finally {
      await admin.put('/api/admin/policies/tap', policy);
    }
  });

  describe('among the ways in', () => {
    /** The user's ways in, as the domain orders them: a usable pass comes first. */
    const ways = (upn: string) => signInMethodsOf(srv, upn);
    /** What the user-name step answers, less the flow's own id. */
    const opening = async (upn: string) => {
      const res = await new HttpClient(srv.origin).post('/api/signin/start', { username: upn });
      expect(res.status).toBe(200);
      return { username: res.body.username as string, methods: res.body.methods as string[], keys: Object.keys(res.body).sort() };
    };
    const dave = () => srv.users.dave!.upn;

    it('puts the pass first only while it is usable: started, not expired, not used up', async () => {
      expect((await ways(dave()))[0]).toBe('password');
      const startsAt = clock.now() + 60 * 60_000;
      const later = await issue('dave', { startsAt, lifetimeMinutes: 10 });
      expect(await ways(dave())).toEqual(['password']);
      clock.set(startsAt);
      expect(await ways(dave())).toEqual(['tap', 'password']);
      expect((await useTap('dave', later.pass)).body.status).toBe('signed_in');
      expect((await ways(dave()))[0]).toBe('password'); // used up

      const { tap } = await issue('dave', { lifetimeMinutes: 10 });
      expect((await ways(dave()))[0]).toBe('tap');
      clock.set(tap.expiresAt);
      expect((await ways(dave()))[0]).toBe('password'); // expired
    });

    it('leaves the pass out with the TAP policy disabled, even with a pass issued', async () => {
      const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      await issue('dave');
      const policy = (await admin.get('/api/admin/policies/tap')).body;
      expect((await admin.put('/api/admin/policies/tap', { ...policy, enabled: false })).status).toBe(200);
      try {
        expect(await ways(dave())).toEqual(['password']);
        expect((await opening(dave())).methods).not.toContain('tap');
      } finally {
        await admin.put('/api/admin/policies/tap', policy);
      }
      expect((await ways(dave()))[0]).toBe('tap');
    });

    it('tells an anonymous caller nothing: the user-name step answers alike with a pass, without one, disabled, or for an unknown name', async () => {
      const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      const without = await opening(dave());
      await issue('dave');
      expect(await ways(dave())).toContain('tap');
      const withPass = await opening(dave());
      const unknown = await opening('nobody@pushkey.test');
      expect(unknown).toEqual({ ...withPass, username: 'nobody@pushkey.test' });
      expect(without).toEqual(withPass);
      expect((await admin.patch(`/api/admin/users/${ids.dave}`, { disabled: true })).status).toBe(200);
      try {
        expect(await opening(dave())).toEqual(withPass);
      } finally {
        await admin.patch(`/api/admin/users/${ids.dave}`, { disabled: false });
      }
    });

    it('after the password, and only then, says whether the user holds a usable pass (the way back when the app is lost)', async () => {
      const carol = await enrollUser(srv, 'carol');
      const afterPassword = async () => {
        const s = await startSignIn(srv, carol.upn);
        return (await s.browser.post('/api/signin/password', { flowId: s.flowId, password: carol.password })).body;
      };
      try {
        await staff();
        await helpdesk.del(`/api/admin/users/${ids.carol}/tap`);
        expect(await afterPassword()).toMatchObject({ status: 'mfa_required', tapUsable: false });
        const { tap } = await issue('carol', { lifetimeMinutes: 10 });
        expect(await afterPassword()).toMatchObject({ status: 'mfa_required', tapUsable: true });
        clock.set(tap.expiresAt);
        expect(await afterPassword()).toMatchObject({ status: 'mfa_required', tapUsable: false });
        // A wrong password learns nothing of the pass.
        await issue('carol', { lifetimeMinutes: 10 });
        const s = await startSignIn(srv, carol.upn);
        const wrong = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: 'not-the-password' });
        expect(wrong.status).toBe(401);
        expect(JSON.stringify(wrong.body)).not.toMatch(/tap/i);
      } finally {
        carol.device.close();
      }
    });
  });
});
