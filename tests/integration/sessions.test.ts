// Sessions: HttpOnly cookies with a fresh id at every sign-in, idle and absolute timeouts
// on the injected clock, sign out and sign out everywhere.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { userId } from '../support/flows.ts';
import { HttpClient, ManualClock, serveAs, signIn, startServer, type TestServer } from '../support/server.ts';

const IDLE = DEFAULT_LIMITS.sessionIdleMs;
const ABSOLUTE = DEFAULT_LIMITS.sessionAbsoluteMs;

describe('sessions', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  const login = (name: string) => signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);
  const me = (c: HttpClient) => c.get('/api/me');

  beforeAll(async () => {
    srv = await startServer({ clock });
  });
  afterAll(async () => srv?.close());

  it('sets an HttpOnly, SameSite=Lax session cookie with a 256-bit id, and never returns it in a body', async () => {
    const c = new HttpClient(srv.origin);
    const start = await c.post('/api/signin/start', { username: srv.users.alice!.upn });
    const res = await fetch(`${srv.origin}/api/signin/password`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: `pk_flow=${c.cookie('pk_flow')}` },
      body: JSON.stringify({ flowId: start.body.flowId, password: srv.users.alice!.password }),
    });
    const cookie = res.headers.getSetCookie().find((l) => l.startsWith('pk_session='))!;
    expect(cookie).toMatch(/^pk_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const value = cookie.split(';')[0]!.split('=')[1]!;
    expect(await res.text()).not.toContain(value);
  });

  it('issues a new session id at every sign-in', async () => {
    const a = await login('bob');
    const b = await login('bob');
    expect(a.cookie('pk_session')).not.toBe(b.cookie('pk_session'));
    expect((await me(a)).status).toBe(200);
    expect((await me(b)).status).toBe(200);
  });

  it('slides the idle timeout on use, and ends the session after the idle time without use', async () => {
    const c = await login('carol');
    clock.advance(IDLE - 1);
    expect((await me(c)).status).toBe(200);
    clock.advance(IDLE - 1);
    expect((await me(c)).status).toBe(200);
    clock.advance(IDLE);
    expect(await me(c)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
    // Gone for good: going back in time does not revive it.
    clock.advance(-IDLE);
    expect((await me(c)).status).toBe(401);
    clock.advance(IDLE);
  });

  it('ends a session at its absolute timeout even when it is used all the time', async () => {
    const c = await login('dave');
    const started = clock.now();
    const step = IDLE - 60_000;
    while (clock.now() + step < started + ABSOLUTE) {
      clock.advance(step);
      expect((await me(c)).status).toBe(200);
    }
    clock.set(started + ABSOLUTE - 1);
    expect((await me(c)).status).toBe(200);
    clock.set(started + ABSOLUTE);
    expect(await me(c)).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  });

  it('ends an unfinished sign-in flow at exactly its lifetime', async () => {
    const c = new HttpClient(srv.origin);
    const early = await c.post('/api/signin/start', { username: srv.users.bob!.upn });
    const started = clock.now();
    clock.set(started + DEFAULT_LIMITS.flowLifetimeMs - 1);
    expect((await c.get(`/api/signin/status?flowId=${early.body.flowId}`)).body).toEqual({ status: 'pending' });
    const late = new HttpClient(srv.origin);
    const flow = await late.post('/api/signin/start', { username: srv.users.bob!.upn });
    clock.advance(DEFAULT_LIMITS.flowLifetimeMs);
    const res = await late.post('/api/signin/password', { flowId: flow.body.flowId, password: srv.users.bob!.password });
    expect(res).toMatchObject({ status: 400, body: { error: 'flow_invalid' } });
  });

  it('signs out: the cookie is cleared and its value no longer works', async () => {
    const c = await login('alice');
    const value = c.cookie('pk_session')!;
    const out = await c.post('/api/signin/signout');
    expect(out.body).toEqual({ status: 'signed_out' });
    expect(c.hasCookie('pk_session')).toBe(false);
    const replay = await fetch(`${srv.origin}/api/me`, { headers: { cookie: `pk_session=${value}` } });
    expect(replay.status).toBe(401);
  });

  it('signs out everywhere: every session of the user ends, other users keep theirs', async () => {
    const a = await login('alice');
    const b = await login('alice');
    const bob = await login('bob');
    const out = await a.post('/api/signin/signout-everywhere');
    expect(out.body).toMatchObject({ status: 'signed_out' });
    expect(out.body.sessionsEnded).toBeGreaterThanOrEqual(2);
    expect((await me(a)).status).toBe(401);
    expect((await me(b)).status).toBe(401);
    expect((await me(bob)).status).toBe(200);
  });

  it('refuses sign out everywhere without a session', async () => {
    expect(await new HttpClient(srv.origin).post('/api/signin/signout-everywhere')).toMatchObject({ status: 401, body: { error: 'unauthenticated' } });
  });

  it("ends a user's sessions when an admin disables the account, and refuses the next sign-in", async () => {
    const carol = await login('carol');
    const admin = await login('admin');
    const res = await admin.patch(`/api/admin/users/${await userId(admin, srv.users.carol!.upn)}`, { disabled: true });
    expect(res.body.disabled).toBe(true);
    expect((await me(carol)).status).toBe(401);
    await expect(login('carol')).rejects.toThrow(/user_disabled/);
  });

  it("tells a disabled account's state only to someone who proves a secret; before that it answers like an unknown name", async () => {
    const admin = await login('admin');
    const id = await userId(admin, srv.users.bob!.upn);
    const { pass } = (await admin.post(`/api/admin/users/${id}/tap`, { oneTime: true })).body as { pass: string };
    expect((await admin.patch(`/api/admin/users/${id}`, { disabled: true })).body.disabled).toBe(true);
    /** What a browser that typed `upn` is answered at `path`. */
    const answer = async (upn: string, path: string, body: Record<string, string> = {}) => {
      const c = new HttpClient(srv.origin);
      const start = await c.post('/api/signin/start', { username: upn });
      const res = await c.post(`/api/signin/${path}`, { flowId: start.body.flowId, ...body });
      return { methods: start.body.methods, status: res.status, error: res.body.error, message: res.body.message };
    };
    const bob = srv.users.bob!.upn;
    const nobody = 'nobody@pushkey.test';
    for (const [path, body] of [
      ['password', { password: 'a-wrong-guess' }],
      ['passwordless', {}],
      ['sms/send', {}],
      ['tap', { pass: 'WRONG-PASS-1234' }],
    ] as const) {
      const disabled = await answer(bob, path, body);
      expect(disabled, path).toEqual(await answer(nobody, path, body));
      expect(disabled.error, path).not.toBe('user_disabled');
    }
    // The right secret learns why it cannot sign in, and a one-time pass is not spent on it.
    expect(await answer(bob, 'password', { password: srv.users.bob!.password })).toMatchObject({ status: 403, error: 'user_disabled' });
    expect(await answer(bob, 'tap', { pass })).toMatchObject({ status: 403, error: 'user_disabled' });
    await admin.patch(`/api/admin/users/${id}`, { disabled: false });
    expect(await answer(bob, 'tap', { pass })).toMatchObject({ status: 200 });
  });

  it("ends a user's sessions when the helpdesk resets the password", async () => {
    const dave = await login('dave');
    const helpdesk = await login('helpdesk');
    const id = await userId(helpdesk, srv.users.dave!.upn);
    expect((await helpdesk.post(`/api/admin/users/${id}/password`, { password: 'a-new-Passw0rd' })).status).toBe(200);
    expect((await me(dave)).status).toBe(401);
    await expect(login('dave')).rejects.toThrow(/invalid_credentials/);
    expect((await signIn(srv.origin, srv.users.dave!.upn, 'a-new-Passw0rd')).hasCookie('pk_session')).toBe(true);
  });

  it('ends the session a browser still holds when it signs in again', async () => {
    const browser = await login('helpdesk');
    const first = browser.cookie('pk_session')!;
    const copy = new HttpClient(srv.origin);
    copy.headers.cookie = `pk_session=${first}`;
    expect((await me(copy)).status).toBe(200);
    // The same browser signs in again, presenting its old cookie: it gets a new session and the old one ends.
    const start = await browser.post('/api/signin/start', { username: srv.users.helpdesk!.upn });
    expect((await browser.post('/api/signin/password', { flowId: start.body.flowId, password: srv.users.helpdesk!.password })).body.status).toBe('signed_in');
    expect(browser.cookie('pk_session')).not.toBe(first);
    expect((await me(browser)).status).toBe(200);
    expect((await me(copy)).status).toBe(401);
  });
});

describe('cookies over an https origin', () => {
  let srv: TestServer;
  let origin: string;
  let close: () => Promise<void>;
  beforeAll(async () => {
    srv = await startServer();
    // The app as it runs behind a TLS proxy: its public origin is https.
    ({ url: origin, close } = await serveAs(srv, 'https://login.example.test'));
  });
  afterAll(async () => {
    await close?.();
    await srv?.close();
  });

  const post = (path: string, body: unknown, cookie = '') =>
    fetch(origin + path, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://login.example.test', cookie }, body: JSON.stringify(body) });

  it('are __Host- prefixed, Secure, HttpOnly, Path=/ and host-only, and only the prefixed name is read', async () => {
    const alice = srv.users.alice!;
    const start = await post('/api/signin/start', { username: alice.upn });
    const [flow] = start.headers.getSetCookie();
    expect(flow).toMatch(/^__Host-pk_flow=[^;]+; Max-Age=\d+; Path=\/; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
    const { flowId } = (await start.json()) as { flowId: string };
    const signedIn = await post('/api/signin/password', { flowId, password: alice.password }, flow!.split(';')[0]);
    const session = signedIn.headers.getSetCookie().find((c) => c.startsWith('__Host-pk_session='))!;
    expect(session).toMatch(/^__Host-pk_session=[^;]+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    expect(session).not.toMatch(/Domain=/i);
    const value = session.split(';')[0]!.slice('__Host-pk_session='.length);
    const meWith = (cookie: string) => fetch(`${origin}/api/me`, { headers: { cookie } }).then((r) => r.status);
    expect(await meWith(`__Host-pk_session=${value}`)).toBe(200);
    // A cookie without the prefix (one a subdomain or a plain-http page could set) is not read.
    expect(await meWith(`pk_session=${value}`)).toBe(401);
  });
});
