// Sessions: HttpOnly cookies with a fresh id at every sign-in, idle and absolute timeouts
// on the injected clock, sign out and sign out everywhere.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { seedDemoTenant } from '../../server/seed.ts';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import { noLimiters } from '../../server/transport/http/rate-limit.ts';
import { buildDeps } from '../../server/wiring.ts';
import { demoPassword } from '../support/server.ts';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { userId } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

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

  it('marks both cookies Secure when the public origin is https, and binds the flow cookie to the sign-in API', async () => {
    const repo = openSqlite({ filename: ':memory:' });
    const deps = await buildDeps({ repo, origin: 'https://login.example', clock: new ManualClock() });
    const app = createApp(deps, { limiters: noLimiters() });
    const server = createServer();
    app.attach(server);
    await seedDemoTenant(deps, demoPassword);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const start = await fetch(`${base}/api/signin/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'alice@pushkey.test' }) });
      const flowCookie = start.headers.getSetCookie()[0]!;
      expect(flowCookie).toMatch(/^pk_flow=[A-Za-z0-9_-]{43}; Max-Age=900; Path=\/api\/signin; Expires=[^;]+; HttpOnly; Secure; SameSite=Strict$/);
      const { flowId } = (await start.json()) as { flowId: string };
      const pw = await fetch(`${base}/api/signin/password`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: flowCookie.split(';')[0]! },
        body: JSON.stringify({ flowId, password: demoPassword('alice') }),
      });
      expect(pw.headers.getSetCookie().find((c) => c.startsWith('pk_session='))).toMatch(/; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
    } finally {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await repo.close();
    }
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
});
