// Lockout: consecutive wrong numbers (policy.maxNumberFailures) and wrong passwords (10)
// lock the user for the lockout time; the count and the lock live in the database, so a
// restart on the same data directory does not release them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { PushkeyError } from '../../protocol/errors.ts';
import { guardedGuess } from '../../server/domain/users/users.ts';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { enrollUser, startPasswordless, startSignIn, upgradeToPasswordless, userId, wrongNumber, type EnrolledUser } from '../support/flows.ts';
import { ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

const LOCKOUT = DEFAULT_LIMITS.lockoutMs;

async function wrongNumberOnce(srv: TestServer, u: EnrolledUser) {
  const flow = await startPasswordless(srv, u.upn);
  const res = await u.device.respond(await u.device.nextPush(), 'approve', wrongNumber(flow.number));
  expect(res.body.error).toBe('number_mismatch');
}

async function passwordAttempt(srv: TestServer, upn: string, password: string) {
  const s = await startSignIn(srv, upn);
  return s.browser.post('/api/signin/password', { flowId: s.flowId, password });
}

describe('lockout', () => {
  const dirs: string[] = [];
  const servers: TestServer[] = [];
  /** Starts the app; with `previous`, restarts it on the same data directory and port (same origin for devices). */
  const open = async (clock: ManualClock, previous?: TestServer) => {
    const dir = previous?.dir ?? mkdtempSync(path.join(tmpdir(), 'pushkey-lockout-'));
    if (!previous) dirs.push(dir);
    const port = previous ? Number(new URL(previous.origin).port) : 0;
    // Let fetch's keep-alive pool notice that the old server closed its sockets.
    if (previous) await new Promise((r) => setTimeout(r, 50));
    const srv = await startServer({ clock, dataDir: dir, port, policy: { maxNumberFailures: 3 } });
    servers.push(srv);
    return srv;
  };
  afterEach(async () => {
    for (const s of servers.splice(0)) await s.close().catch(() => {});
  });
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('locks the user after maxNumberFailures wrong numbers in a row, and the lock survives a restart', async () => {
    const clock = new ManualClock();
    const srv = await open(clock);
    const alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    await wrongNumberOnce(srv, alice);
    await wrongNumberOnce(srv, alice);
    // Not yet locked after cap - 1.
    const third = await startPasswordless(srv, alice.upn);
    const lockedAt = clock.now();
    expect((await alice.device.respond(await alice.device.nextPush(), 'approve', wrongNumber(third.number))).body.error).toBe('number_mismatch');

    const s = await startSignIn(srv, alice.upn);
    expect(await s.browser.post('/api/signin/passwordless', { flowId: s.flowId })).toMatchObject({ status: 423, body: { error: 'locked_out' } });
    expect((await passwordAttempt(srv, alice.upn, alice.password)).body.error).toBe('locked_out');
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const alertsRes = await admin.get('/api/admin/alerts');
    expect(alertsRes.status, JSON.stringify(alertsRes.body)).toBe(200);
    const alerts = alertsRes.body.alerts;
    expect(alerts.find((a: { kind: string; userId: string }) => a.kind === 'lockout' && a.userId === (alice.device.account.accountId))).toBeTruthy();

    // Restart the app on the same data directory: still locked.
    alice.device.close();
    await srv.close();
    const again = await open(clock, srv);
    expect((await passwordAttempt(again, alice.upn, alice.password)).body.error).toBe('locked_out');
    clock.set(lockedAt + LOCKOUT - 1);
    expect((await passwordAttempt(again, alice.upn, alice.password)).body.error).toBe('locked_out');
    // Released after the lockout time.
    clock.set(lockedAt + LOCKOUT);
    expect((await passwordAttempt(again, alice.upn, alice.password)).body.status).toBe('mfa_required');
  });

  it('counts only consecutive wrong numbers: a right one resets the count, also across a restart', async () => {
    const clock = new ManualClock();
    const srv = await open(clock);
    const alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    await wrongNumberOnce(srv, alice);
    await wrongNumberOnce(srv, alice);
    const ok = await startPasswordless(srv, alice.upn);
    expect((await alice.device.respond(await alice.device.nextPush(), 'approve', ok.number)).body.outcome).toBe('approved');
    await wrongNumberOnce(srv, alice);
    // The count (1) is persisted: after a restart, two more make 3 → locked.
    alice.device.close();
    await srv.close();
    const again = await open(clock, srv);
    await alice.device.connect();
    await wrongNumberOnce(again, alice);
    expect((await passwordAttempt(again, alice.upn, alice.password)).body.status).toBe('mfa_required');
    await alice.device.respond(await alice.device.nextPush(), 'deny');
    await wrongNumberOnce(again, alice);
    const locked = await startSignIn(again, alice.upn);
    expect((await locked.browser.post('/api/signin/passwordless', { flowId: locked.flowId })).body.error).toBe('locked_out');
    alice.device.close();
  });

  it('locks after 10 wrong passwords, survives a restart, and releases exactly at the lockout time', async () => {
    const clock = new ManualClock();
    const srv = await open(clock);
    const bob = srv.users.bob!;
    for (let i = 1; i < DEFAULT_LIMITS.passwordFailureLimit; i++) {
      expect((await passwordAttempt(srv, bob.upn, `wrong-${i}`)).body.error).toBe('invalid_credentials');
    }
    const lockedAt = clock.now();
    expect(await passwordAttempt(srv, bob.upn, 'wrong-10')).toMatchObject({ status: 423, body: { error: 'locked_out' } });
    // The right password does not get through a lock.
    expect((await passwordAttempt(srv, bob.upn, bob.password)).body.error).toBe('locked_out');

    await srv.close();
    const again = await open(clock, srv);
    clock.set(lockedAt + LOCKOUT - 1);
    expect((await passwordAttempt(again, bob.upn, bob.password)).body.error).toBe('locked_out');
    clock.set(lockedAt + LOCKOUT);
    expect((await passwordAttempt(again, bob.upn, bob.password)).body.status).toBe('signed_in');
    // The count started again from zero: one wrong password does not re-lock.
    expect((await passwordAttempt(again, bob.upn, 'wrong-again')).body.error).toBe('invalid_credentials');
  });

  it('locks after 10 wrong passwords even when 30 arrive at once', async () => {
    const srv = await open(new ManualClock());
    const carol = srv.users.carol!;
    const flows = await Promise.all(Array.from({ length: 30 }, () => startSignIn(srv, carol.upn)));
    const answers = await Promise.all(flows.map((f, i) => f.browser.post('/api/signin/password', { flowId: f.flowId, password: `wrong-${i}` })));
    const codes = answers.map((a) => a.body.error as string);
    expect(codes.filter((c) => c === 'invalid_credentials')).toHaveLength(DEFAULT_LIMITS.passwordFailureLimit - 1);
    expect(codes.filter((c) => c === 'locked_out')).toHaveLength(30 - (DEFAULT_LIMITS.passwordFailureLimit - 1));
    expect((await passwordAttempt(srv, carol.upn, carol.password)).body.error).toBe('locked_out');
  });

  it('checks no more guesses than the limit when they arrive at once: each takes a slot before its hash', async () => {
    const srv = await open(new ManualClock());
    const user = (await srv.repo.getUserByUpn(srv.users.carol!.upn))!;
    const LIMIT = DEFAULT_LIMITS.passwordFailureLimit;
    // Every hash is held at a gate until all 40 guesses have either reached it or been refused.
    let checked = 0;
    let refused = 0;
    let open_!: (right: boolean) => void;
    const gate = new Promise<boolean>((r) => (open_ = r));
    const guesses = Array.from({ length: 40 }, () =>
      guardedGuess(srv.deps, { user }, () => {
        checked++;
        return gate;
      }).then(
        (right) => (right ? 'right' : 'wrong'),
        (err: PushkeyError) => {
          refused++;
          return err.code;
        },
      ),
    );
    await vi.waitFor(() => expect(checked + refused).toBe(40));
    expect(checked).toBe(LIMIT);
    open_(false);
    const answers = await Promise.all(guesses);
    expect(answers.filter((a) => a === 'wrong')).toHaveLength(LIMIT - 1);
    expect(answers.filter((a) => a === 'locked_out')).toHaveLength(40 - LIMIT + 1);
    expect(await srv.repo.listAlerts({ limit: 5, userId: user.id, kind: 'lockout' })).toHaveLength(1);
  });

  it('gives the slot back to a right password, even the one that took the last slot', async () => {
    const srv = await open(new ManualClock());
    const user = (await srv.repo.getUserByUpn(srv.users.carol!.upn))!;
    for (let i = 1; i < DEFAULT_LIMITS.passwordFailureLimit; i++) expect(await guardedGuess(srv.deps, { user }, async () => false)).toBe(false);
    expect(await guardedGuess(srv.deps, { user }, async () => true)).toBe(true);
    expect(await srv.repo.getUser(user.id)).toMatchObject({ passwordFailures: 0, lockedUntil: 0 });
    expect(await srv.repo.listAlerts({ limit: 5, userId: user.id, kind: 'lockout' })).toEqual([]);
  });

  it('counts wrong numbers answered at once, one by one', async () => {
    const srv = await open(new ManualClock());
    const bob = await enrollUser(srv, 'bob');
    await upgradeToPasswordless(bob);
    const flows = [];
    for (let i = 0; i < 3; i++) flows.push({ flow: await startPasswordless(srv, bob.upn), push: await bob.device.nextPush() });
    const answers = await Promise.all(flows.map(({ flow, push }) => bob.device.respond(push, 'approve', wrongNumber(flow.number))));
    expect(answers.map((a) => a.body.error)).toEqual(['number_mismatch', 'number_mismatch', 'number_mismatch']);
    const s = await startSignIn(srv, bob.upn);
    expect((await s.browser.post('/api/signin/passwordless', { flowId: s.flowId })).body.error).toBe('locked_out');
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const alerts = (await admin.get('/api/admin/alerts')).body.alerts as Array<{ kind: string; userId: string }>;
    expect(alerts.filter((a) => a.kind === 'lockout' && a.userId === bob.device.account.accountId)).toHaveLength(1);
    bob.device.close();
  });

  it('does not sign in with a request approved after the account was locked, or disabled', async () => {
    const srv = await open(new ManualClock());
    const alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    const flow = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    // Someone guesses the password while the request is pending: the account locks.
    for (let i = 0; i < DEFAULT_LIMITS.passwordFailureLimit; i++) await passwordAttempt(srv, alice.upn, `guess-${i}`);
    expect((await alice.device.respond(push, 'approve', flow.number)).body.outcome).toBe('approved');
    const status = await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`);
    expect(status).toMatchObject({ status: 423, body: { error: 'locked_out' } });
    expect(flow.browser.hasCookie('pk_session')).toBe(false);

    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const id = await userId(admin, alice.upn);
    await admin.patch(`/api/admin/users/${id}`, { unlock: true });
    const second = await startPasswordless(srv, alice.upn);
    const push2 = await alice.device.nextPush();
    await admin.patch(`/api/admin/users/${id}`, { disabled: true });
    await alice.device.respond(push2, 'approve', second.number);
    expect((await second.browser.get(`/api/signin/status?flowId=${second.flowId}`)).body.error).toBe('user_disabled');
    expect(second.browser.hasCookie('pk_session')).toBe(false);
    alice.device.close();
  });

  it('lets a global admin unlock a locked user', async () => {
    const clock = new ManualClock();
    const srv = await open(clock);
    const dave = srv.users.dave!;
    for (let i = 0; i < DEFAULT_LIMITS.passwordFailureLimit; i++) await passwordAttempt(srv, dave.upn, `wrong-${i}`);
    expect((await passwordAttempt(srv, dave.upn, dave.password)).body.error).toBe('locked_out');
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const res = await admin.patch(`/api/admin/users/${await userId(admin, dave.upn)}`, { unlock: true });
    expect(res.body.lockedUntil).toBe(0);
    expect((await passwordAttempt(srv, dave.upn, dave.password)).body.status).toBe('signed_in');
  });

  it('does not count wrong numbers typed on My Account test notifications', async () => {
    const srv = await open(new ManualClock());
    const u = await enrollUser(srv, 'carol');
    for (let i = 0; i < 5; i++) {
      const t = await u.me.post('/api/me/authenticator/test', {});
      const res = await u.device.respond(await u.device.nextPush(), 'approve', wrongNumber(t.body.number));
      expect(res.body.error).toBe('number_mismatch');
    }
    const user = await srv.repo.getUserByUpn(u.upn);
    expect(user).toMatchObject({ pushFailures: 0, lockedUntil: 0 });
  });
});
