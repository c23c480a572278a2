// The Repository contract as a reusable suite: every storage (SQLite, PostgreSQL) runs the
// same tests. Single-use values are consumed by exactly one of many concurrent callers,
// limits hold at the exact millisecond, JSON fields come back as they went in, and
// reopening the same database (migrations run again) loses nothing.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Activation, Challenge, Device, Flow, Session, SignInEntry, SignInFilter, Tap, User } from '../domain/types.ts';
import type { Repository } from './repository.ts';

export interface RepositoryHarness {
  /** A fresh, empty, migrated repository. */
  open(): Promise<Repository>;
  /** Closes `repo` and opens the same database again: migrations run a second time. */
  reopen(repo: Repository): Promise<Repository>;
  /** Removes whatever the harness created (files, schemas). */
  cleanup?(): Promise<void>;
}

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
let seq = 0;
/** A 22-character id, unique within the run. */
const id = (tag: string) => `${tag}${(++seq).toString(36)}`.padEnd(22, '_').slice(0, 22);

export const makeUser = (over: Partial<User> = {}): User => ({
  id: id('u'),
  upn: `user${seq}@example.test`,
  displayName: 'Zoë Ünïcode 名前',
  passwordHash: 'scrypt$16384$8$1$salt$hash',
  groups: ['Pilot', 'Group with spaces', 'Ünïcode'],
  roles: ['user', 'helpdesk'],
  disabled: false,
  createdAt: T0,
  passwordFailures: 0,
  pushFailures: 0,
  lockedUntil: 0,
  pushPausedUntil: 0,
  passwordResetAt: 0,
  risk: null,
  ...over,
});

const makeDevice = (userId: string, over: Partial<Device> = {}): Device => ({
  id: id('d'),
  userId,
  publicKey: 'B'.repeat(87),
  name: 'Profile “B” — laptop',
  clientVersion: '1.2.3',
  capabilities: ['number_match', 'passwordless', 'report'],
  passwordless: true,
  createdAt: T0,
  lastUsedAt: null,
  revokedAt: null,
  lastCommandAt: 0,
  ...over,
});

const makeChallenge = (userId: string, over: Partial<Challenge> = {}): Challenge => ({
  id: id('c'),
  userId,
  deviceId: null,
  kind: 'passwordless',
  nonce: 'N'.repeat(22),
  number: '42',
  app: 'App',
  ip: '192.0.2.1',
  location: 'Somewhere',
  browser: 'Chrome 156 on Linux',
  createdAt: T0,
  expiresAt: T0 + 90_000,
  status: 'pending',
  answeredAt: null,
  answeredBy: null,
  flowId: null,
  userVerified: false,
  ...over,
});

const makeActivation = (userId: string, over: Partial<Activation> = {}): Activation => ({
  id: id('a'),
  codeHash: `hash-${id('h')}`,
  userId,
  createdAt: T0,
  expiresAt: T0 + 600_000,
  usedAt: null,
  deviceId: null,
  ...over,
});

const makeTap = (userId: string, over: Partial<Tap> = {}): Tap => ({
  id: id('t'),
  userId,
  hash: 'scrypt$tap',
  createdAt: T0,
  startsAt: T0,
  expiresAt: T0 + 3_600_000,
  oneTime: true,
  usedAt: null,
  createdBy: 'helpdesk@example.test',
  ...over,
});

const makeFlow = (userId: string | null, over: Partial<Flow> = {}): Flow => ({
  id: id('f'),
  secretHash: 'secret-hash',
  userId,
  upn: 'someone@example.test',
  state: 'identified',
  createdAt: T0,
  expiresAt: T0 + 900_000,
  challengeId: null,
  methods: [],
  completedAt: null,
  ip: '192.0.2.1',
  browser: 'Firefox',
  app: 'App',
  requiredAcr: null,
  ...over,
});

const makeSignIn = (userId: string | null, over: Partial<SignInEntry> = {}): SignInEntry => ({
  id: id('f'),
  at: T0,
  userId,
  upn: 'someone@example.test',
  app: 'App',
  ip: '192.0.2.1',
  location: 'Somewhere',
  browser: 'Firefox',
  os: 'Linux',
  result: 'in_progress',
  expiresAt: T0 + 900_000,
  failureCode: null,
  reason: null,
  requirement: 'none',
  methods: [],
  steps: [{ method: 'password', detail: 'password verified', result: 'success', at: T0, durationMs: 0 }],
  ...over,
});

const makeSession = (userId: string, over: Partial<Session> = {}): Session => ({
  idHash: id('s'),
  userId,
  createdAt: T0,
  lastSeenAt: T0,
  methods: ['password', 'authenticator'],
  ip: '192.0.2.1',
  browser: 'Firefox',
  ...over,
});

/** Runs `n` copies of `fn` at once; returns how many answered truthy. */
async function winners(n: number, fn: () => Promise<unknown>): Promise<number> {
  return (await Promise.all(Array.from({ length: n }, fn))).filter(Boolean).length;
}

/** Registers hooks that open a fresh repository with one user before each test; read them from the returned object. */
export function useRepositoryWithUser(makeHarness: () => RepositoryHarness): { harness: RepositoryHarness; repo: Repository; user: User } {
  const state = { harness: makeHarness() } as { harness: RepositoryHarness; repo: Repository; user: User };
  beforeEach(async () => {
    state.repo = await state.harness.open();
    state.user = makeUser();
    await state.repo.createUser(state.user);
  });
  afterEach(async () => {
    await state.repo.close();
  });
  afterAll(async () => {
    await state.harness.cleanup?.();
  });
  return state;
}

export function describeRepositoryContract(name: string, makeHarness: () => RepositoryHarness): void {
  describe(`Repository contract: ${name}`, () => {
    const ctx = useRepositoryWithUser(makeHarness);
    let repo: Repository;
    let user: User;
    beforeEach(() => {
      ({ repo, user } = ctx);
    });

    describe('settings', () => {
      it('answers null for an unknown key, then the last value set', async () => {
        expect(await repo.getSetting('nope')).toBeNull();
        await repo.setSetting('k', 'one');
        await repo.setSetting('k', 'two — ✓ {"json":true}');
        expect(await repo.getSetting('k')).toBe('two — ✓ {"json":true}');
      });

      it('answers what a unit of work wrote once it commits, inside it its own write, and the old value when it fails', async () => {
        await repo.setSetting('k', 'before');
        expect(await repo.getSetting('k')).toBe('before');
        await expect(
          repo.atomically(async (tx) => {
            await tx.setSetting('k', 'rolled back');
            expect(await tx.getSetting('k')).toBe('rolled back');
            throw new Error('undo');
          }),
        ).rejects.toThrow('undo');
        expect(await repo.getSetting('k')).toBe('before');
        // A read waiting for the unit of work to end sees what it committed.
        const committed = repo.atomically(async (tx) => {
          expect(await tx.getSetting('k')).toBe('before');
          await tx.setSetting('k', 'after');
          expect(await tx.getSetting('k')).toBe('after');
        });
        const meanwhile = repo.getSetting('k');
        await committed;
        expect(['before', 'after']).toContain(await meanwhile);
        expect(await repo.getSetting('k')).toBe('after');
        expect(await repo.initSetting('k', 'ignored')).toBe('after');
        expect(await repo.initSetting('fresh', 'first')).toBe('first');
        expect(await repo.getSetting('fresh')).toBe('first');
      });

      it('replaces a value only while it is still the one expected (compare-and-set)', async () => {
        await repo.setSetting('cas', 'one');
        expect(await repo.replaceSetting('cas', 'one', 'two')).toBe(true);
        expect(await repo.replaceSetting('cas', 'one', 'three')).toBe(false);
        expect(await repo.getSetting('cas')).toBe('two');
        expect(await repo.replaceSetting('nope', 'one', 'two')).toBe(false);
        expect(await repo.getSetting('nope')).toBeNull();
        // Two writers from the same value: exactly one wins.
        const raced = await Promise.all([repo.replaceSetting('cas', 'two', 'a'), repo.replaceSetting('cas', 'two', 'b')]);
        expect(raced.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('users', () => {
      it('round-trips every field, lists (groups, roles) and booleans included', async () => {
        expect(await repo.getUser(user.id)).toEqual(user);
        expect(await repo.getUserByUpn(user.upn)).toEqual(user);
        const empty = makeUser({ groups: [], roles: ['user'], disabled: true, lockedUntil: T0 + 1 });
        await repo.createUser(empty);
        expect(await repo.getUser(empty.id)).toEqual(empty);
      });

      it('answers null for an unknown user', async () => {
        expect(await repo.getUser('x'.repeat(22))).toBeNull();
        expect(await repo.getUserByUpn('nobody@example.test')).toBeNull();
      });

      it('counts 30 parallel failures one by one: the 5th locks, the rest are not counted while locked', async () => {
        const lockUntil = T0 + 60_000;
        const results = await Promise.all(Array.from({ length: 30 }, () => repo.countFailure(user.id, 'password', 5, T0, lockUntil)));
        expect(results.filter((r) => r.newly)).toHaveLength(1);
        expect(results.filter((r) => !r.locked)).toHaveLength(4);
        expect(await repo.getUser(user.id)).toMatchObject({ passwordFailures: 0, pushFailures: 0, lockedUntil: lockUntil });
        // At the lock's end, counting starts again from zero.
        expect(await repo.countFailure(user.id, 'push', 5, lockUntil, lockUntil + 60_000)).toEqual({ locked: false, newly: false });
        expect(await repo.getUser(user.id)).toMatchObject({ pushFailures: 1 });
      });

      it('counts and locks a name with no account as a user row, keyed by the name, parallel failures one by one', async () => {
        const lockUntil = T0 + 60_000;
        expect(await repo.nameLockedUntil('nobody@x.test')).toBe(0);
        const results = await Promise.all(Array.from({ length: 30 }, () => repo.countNameFailure('nobody@x.test', 5, T0, lockUntil)));
        expect(results.filter((r) => r.newly)).toHaveLength(1);
        expect(results.filter((r) => !r.locked)).toHaveLength(4);
        expect(await repo.nameLockedUntil('nobody@x.test')).toBe(lockUntil);
        expect(await repo.nameLockedUntil('other@x.test')).toBe(0);
        // At the lock's end, counting starts again from zero.
        expect(await repo.countNameFailure('nobody@x.test', 5, lockUntil, lockUntil + 60_000)).toEqual({ locked: false, newly: false });
        expect(await repo.countNameFailure('solo@x.test', 1, T0, lockUntil)).toEqual({ locked: true, newly: true });
      });

      it('updates only the fields given', async () => {
        await repo.updateUser(user.id, { groups: ['Staff'], pushFailures: 3, disabled: true });
        expect(await repo.getUser(user.id)).toEqual({ ...user, groups: ['Staff'], pushFailures: 3, disabled: true });
      });

      it('refuses a second user with the same UPN', async () => {
        await expect(repo.createUser(makeUser({ upn: user.upn }))).rejects.toThrow();
      });

      it('searches by UPN or name, treating % and _ as plain characters', async () => {
        const found = await repo.listUsers({ search: 'Ünïcode', limit: 10, offset: 0 });
        expect(found.map((u) => u.id)).toContain(user.id);
        expect(await repo.listUsers({ search: '%', limit: 10, offset: 0 })).toEqual([]);
        expect(await repo.listUsers({ search: '_', limit: 10, offset: 0 })).toEqual([]);
      });
    });

    describe('sessions', () => {
      it('round-trips, slides, and deletes one or all of a user', async () => {
        const a = makeSession(user.id);
        const b = makeSession(user.id, { methods: ['tap'] });
        await repo.createSession(a);
        await repo.createSession(b);
        expect(await repo.getSession(a.idHash)).toEqual(a);
        await repo.touchSession(a.idHash, T0 + 5);
        expect((await repo.getSession(a.idHash))!.lastSeenAt).toBe(T0 + 5);
        await repo.deleteSession(a.idHash);
        expect(await repo.getSession(a.idHash)).toBeNull();
        await repo.createSession(makeSession(user.id));
        expect(await repo.deleteUserSessions(user.id)).toBe(2);
        expect(await repo.getSession(b.idHash)).toBeNull();
      });

      it('never slides a session back, and moves one forward whole', async () => {
        const a = makeSession(user.id, { createdAt: T0, lastSeenAt: T0 + 10 });
        await repo.createSession(a);
        await repo.touchSession(a.idHash, T0 + 5);
        expect((await repo.getSession(a.idHash))!.lastSeenAt).toBe(T0 + 10);
        await repo.shiftSession(a.idHash, 3_600_000);
        expect(await repo.getSession(a.idHash)).toEqual({ ...a, createdAt: T0 + 3_600_000, lastSeenAt: T0 + 10 + 3_600_000 });
        await repo.touchSession(a.idHash, T0 + 20);
        expect((await repo.getSession(a.idHash))!.lastSeenAt).toBe(T0 + 10 + 3_600_000);
        await repo.deleteSession(a.idHash);
      });

      it('counts the live sessions of a user besides one, and ends all but that one', async () => {
        const mine = makeSession(user.id, { createdAt: T0, lastSeenAt: T0 + 10 });
        const other = makeSession(user.id, { createdAt: T0, lastSeenAt: T0 + 10 });
        const idle = makeSession(user.id, { createdAt: T0, lastSeenAt: T0 });
        const old = makeSession(user.id, { createdAt: T0 - 5, lastSeenAt: T0 + 10 });
        for (const x of [mine, other, idle, old]) await repo.createSession(x);
        expect(await repo.countUserSessions(user.id, mine.idHash, T0 + 1, T0)).toBe(1);
        expect(await repo.countUserSessions(user.id, mine.idHash, T0, T0 - 5)).toBe(3);
        expect(await repo.deleteUserSessions(user.id, mine.idHash)).toBe(3);
        expect(await repo.getSession(mine.idHash)).not.toBeNull();
        expect(await repo.getSession(other.idHash)).toBeNull();
        expect(await repo.countUserSessions(user.id, mine.idHash, 0, 0)).toBe(0);
      });
    });

    describe('flows', () => {
      it('round-trips, including a flow for an unknown user', async () => {
        const f = makeFlow(user.id, { methods: ['password'], requiredAcr: 'phr' });
        const anon = makeFlow(null);
        await repo.createFlow(f);
        await repo.createFlow(anon);
        expect(await repo.getFlow(f.id)).toEqual(f);
        expect(await repo.getFlow(anon.id)).toEqual(anon);
        await repo.updateFlow(f.id, { challengeId: 'c'.repeat(22), state: 'awaiting_push', methods: ['password', 'x'] });
        expect(await repo.getFlow(f.id)).toEqual({ ...f, challengeId: 'c'.repeat(22), state: 'awaiting_push', methods: ['password', 'x'] });
      });

      it('completes a flow for exactly one of many concurrent callers', async () => {
        const f = makeFlow(user.id);
        await repo.createFlow(f);
        expect(await winners(20, () => repo.completeFlow(f.id, T0 + 1))).toBe(1);
        expect(await repo.completeFlow(f.id, T0 + 2)).toBe(false);
        expect((await repo.getFlow(f.id))!.completedAt).toBe(T0 + 1);
      });
    });

    describe('activations', () => {
      it('consumes a code for exactly one of many concurrent callers', async () => {
        const a = makeActivation(user.id);
        await repo.createActivation(a);
        expect(await winners(20, () => repo.consumeActivation(a.codeHash, T0 + 1))).toBe(1);
        expect(await repo.consumeActivation(a.codeHash, T0 + 2)).toBeNull();
        expect((await repo.getActivation(a.id))!.usedAt).toBe(T0 + 1);
      });

      it('consumes a code 1 ms before it expires, and not at its expiry', async () => {
        const early = makeActivation(user.id);
        const late = makeActivation(user.id);
        await repo.createActivation(early);
        await repo.createActivation(late);
        expect(await repo.consumeActivation(early.codeHash, early.expiresAt - 1)).toMatchObject({ id: early.id, userId: user.id });
        expect(await repo.consumeActivation(late.codeHash, late.expiresAt)).toBeNull();
        expect(await repo.consumeActivation('unknown', T0)).toBeNull();
      });

      it('records the device the code registered', async () => {
        const a = makeActivation(user.id);
        await repo.createActivation(a);
        await repo.setActivationDevice(a.id, 'd'.repeat(22));
        expect((await repo.getActivation(a.id))!.deviceId).toBe('d'.repeat(22));
      });
    });

    describe('devices', () => {
      it('round-trips every field and lists the user’s devices', async () => {
        const d1 = makeDevice(user.id);
        const d2 = makeDevice(user.id, { capabilities: [], passwordless: false, lastUsedAt: T0 + 1, revokedAt: T0 + 2, createdAt: T0 + 1 });
        await repo.createDevice(d1);
        await repo.createDevice(d2);
        expect(await repo.getDevice(d1.id)).toEqual(d1);
        expect(await repo.listUserDevices(user.id)).toEqual([d1, d2]);
        await repo.updateDevice(d1.id, { passwordless: false, capabilities: ['number_match'], clientVersion: '2.0.0' });
        expect(await repo.getDevice(d1.id)).toEqual({ ...d1, passwordless: false, capabilities: ['number_match'], clientVersion: '2.0.0' });
      });

      it('renames a device and records its last use, changing nothing else', async () => {
        const d = makeDevice(user.id, { name: 'Chromium on Linux' });
        const other = makeDevice(user.id, { name: 'Chromium on Linux 2' });
        await repo.createDevice(d);
        await repo.createDevice(other);
        await repo.updateDevice(d.id, { name: 'Zoë’s laptop – profile B' });
        await repo.updateDevice(d.id, { lastUsedAt: T0 + 7 });
        expect(await repo.getDevice(d.id)).toEqual({ ...d, name: 'Zoë’s laptop – profile B', lastUsedAt: T0 + 7 });
        expect(await repo.getDevice(other.id)).toEqual(other);
      });

      it('advances the command timestamp only forward, once per value under concurrency', async () => {
        const d = makeDevice(user.id);
        await repo.createDevice(d);
        expect(await winners(20, () => repo.advanceCommandTimestamp(d.id, T0))).toBe(1);
        expect(await repo.advanceCommandTimestamp(d.id, T0)).toBe(false);
        expect(await repo.advanceCommandTimestamp(d.id, T0 - 1)).toBe(false);
        expect(await repo.advanceCommandTimestamp(d.id, T0 + 1)).toBe(true);
        expect((await repo.getDevice(d.id))!.lastCommandAt).toBe(T0 + 1);
      });
    });

    describe('challenges', () => {
      it('round-trips every field', async () => {
        const c = makeChallenge(user.id, { deviceId: 'd'.repeat(22), flowId: 'f'.repeat(22), kind: 'mfa', number: '01234567' });
        await repo.createChallenge(c);
        expect(await repo.getChallenge(c.id)).toEqual(c);
      });

      it('consumes a challenge for exactly one of many concurrent callers', async () => {
        const c = makeChallenge(user.id);
        await repo.createChallenge(c);
        const n = await winners(50, () => repo.consumeChallenge(c.id, { status: 'approved', answeredAt: T0 + 1, answeredBy: 'dev' }, T0 + 1));
        expect(n).toBe(1);
        expect(await repo.consumeChallenge(c.id, { status: 'denied', answeredAt: T0 + 2, answeredBy: 'dev' }, T0 + 2)).toBe(false);
        expect(await repo.getChallenge(c.id)).toMatchObject({ status: 'approved', answeredAt: T0 + 1, answeredBy: 'dev' });
      });

      it('consumes a challenge 1 ms before it expires, and not at its expiry', async () => {
        const a = makeChallenge(user.id);
        const b = makeChallenge(user.id);
        await repo.createChallenge(a);
        await repo.createChallenge(b);
        expect(await repo.consumeChallenge(a.id, { status: 'approved', answeredAt: a.expiresAt - 1, answeredBy: null }, a.expiresAt - 1)).toBe(true);
        expect(await repo.consumeChallenge(b.id, { status: 'approved', answeredAt: b.expiresAt, answeredBy: null }, b.expiresAt)).toBe(false);
        expect((await repo.getChallenge(b.id))!.status).toBe('pending');
      });

      it('lists the pending, unexpired requests a device may answer', async () => {
        const d = makeDevice(user.id);
        const other = makeUser();
        await repo.createUser(other);
        await repo.createDevice(d);
        const anyDevice = makeChallenge(user.id, { createdAt: T0 });
        const forThis = makeChallenge(user.id, { deviceId: d.id, createdAt: T0 + 1 });
        const forAnother = makeChallenge(user.id, { deviceId: 'z'.repeat(22) });
        const expired = makeChallenge(user.id, { expiresAt: T0 + 10 });
        const answered = makeChallenge(user.id, { status: 'approved' });
        const otherUser = makeChallenge(other.id);
        for (const c of [anyDevice, forThis, forAnother, expired, answered, otherUser]) await repo.createChallenge(c);
        const pending = await repo.listPendingForDevice(d, T0 + 10);
        expect(pending.map((c) => c.id)).toEqual([anyDevice.id, forThis.id]);
      });

      it("cancels only the user's pending, unexpired requests, and returns them", async () => {
        const other = makeUser();
        await repo.createUser(other);
        const p1 = makeChallenge(user.id);
        const p2 = makeChallenge(user.id, { deviceId: 'd'.repeat(22) });
        const expired = makeChallenge(user.id, { expiresAt: T0 + 10 });
        const answered = makeChallenge(user.id, { status: 'denied' });
        const otherUser = makeChallenge(other.id);
        for (const c of [p1, p2, expired, answered, otherUser]) await repo.createChallenge(c);
        const cancelled = await repo.cancelPendingForUser(user.id, T0 + 10);
        expect(cancelled.map((c) => c.id).sort()).toEqual([p1.id, p2.id].sort());
        expect((await repo.getChallenge(p1.id))!.status).toBe('cancelled');
        expect((await repo.getChallenge(expired.id))!.status).toBe('pending');
        expect((await repo.getChallenge(answered.id))!.status).toBe('denied');
        expect((await repo.getChallenge(otherUser.id))!.status).toBe('pending');
      });
    });

    describe('Temporary Access Passes', () => {
      it('keeps one pass per user: replacing drops the earlier one', async () => {
        const first = makeTap(user.id);
        const second = makeTap(user.id, { oneTime: false });
        await repo.replaceTap(first);
        await repo.replaceTap(second);
        expect(await repo.getUserTap(user.id)).toEqual(second);
        expect(await repo.consumeTap(first.id, T0 + 1)).toBe(false);
      });

      it('consumes a pass for exactly one of many concurrent callers', async () => {
        const t = makeTap(user.id);
        await repo.replaceTap(t);
        expect(await winners(20, () => repo.consumeTap(t.id, T0 + 1))).toBe(1);
        expect((await repo.getUserTap(user.id))!.usedAt).toBe(T0 + 1);
      });

      it('consumes a pass 1 ms before it expires, and not at its expiry', async () => {
        const t = makeTap(user.id);
        await repo.replaceTap(t);
        expect(await repo.consumeTap(t.id, t.expiresAt)).toBe(false);
        expect(await repo.consumeTap(t.id, t.expiresAt - 1)).toBe(true);
      });

      it('deletes the pass of a user', async () => {
        await repo.replaceTap(makeTap(user.id));
        await repo.deleteUserTap(user.id);
        expect(await repo.getUserTap(user.id)).toBeNull();
      });
    });

    describe('sign-ins', () => {
      const ABANDONED = { failureCode: 'abandoned', reason: 'Left unfinished' };

      it('round-trips every field, the flow expiry included', async () => {
        const e = makeSignIn(user.id, { methods: ['password'], requirement: 'single', result: 'success' });
        await repo.upsertSignIn(e);
        expect(await repo.getSignIn(e.id)).toEqual(e);
        expect(await repo.listSignIns({ limit: 10 })).toEqual([e]);
      });

      it('rewrites an entry whole: its steps and result, and its place in the log when that changes too (a user named late)', async () => {
        const anonymous = makeSignIn(null, { upn: 'typed@example.test' });
        await repo.upsertSignIn(anonymous);
        const stepped: SignInEntry = { ...anonymous, steps: [...anonymous.steps, { method: 'sms', detail: 'code sent', result: 'pending', at: T0 + 1, durationMs: 1 }] };
        await repo.upsertSignIn(stepped);
        expect(await repo.getSignIn(anonymous.id)).toEqual(stepped);
        const named: SignInEntry = { ...stepped, at: T0 + 2, userId: user.id, upn: user.upn, app: 'Other app', ip: '192.0.2.9', result: 'success', methods: ['password'], requirement: 'single' };
        await repo.upsertSignIn(named);
        expect(await repo.getSignIn(anonymous.id)).toEqual(named);
        // Found by its new place only.
        expect(await repo.listSignIns({ limit: 10, userId: user.id, app: 'Other app', ip: '192.0.2.9', upn: user.upn.slice(0, 3) })).toEqual([named]);
        expect(await repo.listSignIns({ limit: 10, app: 'App' })).toEqual([]);
        expect(await repo.listSignIns({ limit: 10, upn: 'typed' })).toEqual([]);
      });

      it('ends the attempts still in progress at their flow expiry, not 1 ms before, once, and no finished one', async () => {
        const open = makeSignIn(user.id);
        const later = makeSignIn(user.id, { expiresAt: T0 + 1_000_000 });
        const done = makeSignIn(user.id, { result: 'success', methods: ['password'], requirement: 'single' });
        const failed = makeSignIn(user.id, { result: 'failure', failureCode: 'denied', reason: 'Denied' });
        for (const e of [open, later, done, failed]) await repo.upsertSignIn(e);
        expect(await repo.endExpiredSignIns(open.expiresAt - 1, ABANDONED)).toBe(0);
        expect(await repo.endExpiredSignIns(open.expiresAt, ABANDONED)).toBe(1);
        expect(await repo.getSignIn(open.id)).toEqual({ ...open, result: 'failure', ...ABANDONED });
        expect(await repo.endExpiredSignIns(open.expiresAt, ABANDONED)).toBe(0);
        expect(await repo.getSignIn(later.id)).toEqual(later);
        expect(await repo.getSignIn(done.id)).toEqual(done);
        expect(await repo.getSignIn(failed.id)).toEqual(failed);
        expect((await repo.listSignIns({ result: 'in_progress', limit: 10 })).map((e) => e.id)).toEqual([later.id]);
      });

      it("tells whether the user signed in successfully before, from this IP, from this location: the user's own successes only, the attempt asking left out", async () => {
        const other = makeUser();
        await repo.createUser(other);
        const success: Partial<SignInEntry> = { result: 'success', methods: ['password'], requirement: 'single' };
        const asking = makeSignIn(user.id, { ...success, ip: '198.51.100.9', location: 'Nowhere', at: T0 + 10 });
        await repo.upsertSignIn(asking);
        // Only the attempt asking: nothing before it.
        expect(await repo.signInHistory(user.id, asking.ip, asking.location, asking.id)).toEqual({ any: false, ip: false, location: false });
        // Another user's success and this user's failure from there do not count.
        await repo.upsertSignIn(makeSignIn(other.id, { ...success, ip: asking.ip, location: asking.location }));
        await repo.upsertSignIn(makeSignIn(user.id, { result: 'failure', failureCode: 'denied', reason: 'Denied', ip: asking.ip, location: asking.location }));
        await repo.upsertSignIn(makeSignIn(user.id, { ip: asking.ip, location: asking.location }));
        expect(await repo.signInHistory(user.id, asking.ip, asking.location, asking.id)).toEqual({ any: false, ip: false, location: false });
        // A success from elsewhere, then from the same location over another IP, then from the IP.
        await repo.upsertSignIn(makeSignIn(user.id, { ...success, ip: '192.0.2.7', location: 'Elsewhere', at: T0 + 1 }));
        expect(await repo.signInHistory(user.id, asking.ip, asking.location, asking.id)).toEqual({ any: true, ip: false, location: false });
        await repo.upsertSignIn(makeSignIn(user.id, { ...success, ip: '192.0.2.8', location: asking.location, at: T0 + 2 }));
        expect(await repo.signInHistory(user.id, asking.ip, asking.location, asking.id)).toEqual({ any: true, ip: false, location: true });
        await repo.upsertSignIn(makeSignIn(user.id, { ...success, ip: asking.ip, location: 'Elsewhere', at: T0 + 3 }));
        expect(await repo.signInHistory(user.id, asking.ip, asking.location, asking.id)).toEqual({ any: true, ip: true, location: true });
      });

      it('filters by the start of the UPN in any case, by a method any step used, and by the other terms together, newest first', async () => {
        const step = (method: string, result: 'success' | 'failure' | 'pending' = 'success') => ({ method, detail: 'x', result, at: T0, durationMs: 0 });
        const app = id('app');
        const mk = (n: number, over: Partial<SignInEntry>) => makeSignIn(user.id, { app, at: T0 + n, ...over });
        const push = mk(1, { upn: 'Prefix.One@Example.test', methods: ['password', 'authenticator'], steps: [step('password'), step('authenticator')], result: 'success' });
        const denied = mk(2, { upn: 'prefix.two@example.test', steps: [step('password'), step('authenticator', 'failure')], result: 'failure', failureCode: 'denied' });
        const sms = mk(3, { upn: 'other@prefix.test', methods: ['sms'], steps: [step('passwordless', 'pending'), step('sms')], result: 'success' });
        for (const e of [push, denied, sms]) await repo.upsertSignIn(e);
        const ids = async (f: Partial<SignInFilter>) => (await repo.listSignIns({ app, limit: 10, ...f })).map((e) => e.id);
        // A prefix, not a substring: "prefix" is not the start of other@prefix.test.
        expect(await ids({ upn: 'PREFIX.' })).toEqual([denied.id, push.id]);
        expect(await ids({ upn: 'prefix.one@example.test' })).toEqual([push.id]);
        expect(await ids({ upn: 'refix' })).toEqual([]);
        // Wildcards are characters like any other.
        expect(await ids({ upn: 'prefix%' })).toEqual([]);
        expect(await ids({ upn: 'prefix_' })).toEqual([]);
        // A step counts, succeeded or not: the unanswered push of the SMS sign-in, the denied push.
        expect(await ids({ method: 'passwordless' })).toEqual([sms.id]);
        expect(await ids({ method: 'authenticator' })).toEqual([denied.id, push.id]);
        expect(await ids({ method: 'authenticator', result: 'success' })).toEqual([push.id]);
        expect(await ids({ method: 'tap' })).toEqual([]);
        expect(await ids({ method: 'password', from: T0 + 2, to: T0 + 3 })).toEqual([denied.id]);
        expect(await ids({ userId: user.id, upn: 'other', method: 'sms', result: 'success', ip: push.ip })).toEqual([sms.id]);
        // Rewritten with a new step, an entry is found by its new method.
        await repo.upsertSignIn({ ...denied, steps: [...denied.steps, step('tap')] });
        expect(await ids({ method: 'tap' })).toEqual([denied.id]);
      });

      it('charts finished attempts under the method each ended with, newest first, at most the limit', async () => {
        const step = (method: string, result: 'success' | 'failure' | 'pending' = 'success') => ({ method, detail: 'x', result, at: T0, durationMs: 0 });
        const app = id('app');
        const push = makeSignIn(user.id, { app, at: T0 + 1, methods: ['password', 'authenticator'], steps: [step('password'), step('authenticator')], result: 'success' });
        const denied = makeSignIn(user.id, { app, at: T0 + 2, steps: [step('password'), step('authenticator', 'failure')], result: 'failure', failureCode: 'denied' });
        const open = makeSignIn(user.id, { app, at: T0 + 3 });
        const none = makeSignIn(user.id, { app, at: T0 + 4, steps: [], result: 'failure', failureCode: 'invalid_credentials' });
        for (const e of [push, denied, open, none]) await repo.upsertSignIn(e);
        const minute = Math.floor(T0 / 60_000) * 60_000;
        const later = makeSignIn(user.id, { app, at: minute + 60_000, steps: [step('sms')], methods: ['sms'], result: 'success' });
        await repo.upsertSignIn(later);
        // Counted per minute, result and the method each ended with; the one in progress is not.
        expect(await repo.chartSignIns({ app }, 10)).toEqual({
          points: [
            [minute + 60_000, 'success', 'sms', 1],
            [minute, 'failure', '(none)', 1],
            [minute, 'failure', 'authenticator', 1],
            [minute, 'success', 'authenticator', 1],
          ],
          capped: false,
        });
        await repo.upsertSignIn({ ...denied, id: id('f'), at: T0 + 5 });
        expect((await repo.chartSignIns({ app }, 10)).points[2]).toEqual([minute, 'failure', 'authenticator', 2]);
        // The newest 3 of 5 (T0 + 5 and T0 + 4 in the first minute): capped.
        expect(await repo.chartSignIns({ app }, 3)).toEqual({ points: [[minute + 60_000, 'success', 'sms', 1], [minute, 'failure', '(none)', 1], [minute, 'failure', 'authenticator', 1]], capped: true });
        expect((await repo.chartSignIns({ app, method: 'password', result: 'success' }, 10)).points).toEqual([[minute, 'success', 'authenticator', 1]]);
      });

      it('ends only the one attempt named, when one is', async () => {
        const a = makeSignIn(user.id);
        const b = makeSignIn(user.id);
        await repo.upsertSignIn(a);
        await repo.upsertSignIn(b);
        expect(await repo.endExpiredSignIns(a.expiresAt, ABANDONED, a.id)).toBe(1);
        expect((await repo.getSignIn(a.id))!.failureCode).toBe('abandoned');
        expect((await repo.getSignIn(b.id))!.result).toBe('in_progress');
      });
    });

    describe('audit', () => {
      it('round-trips before and after as JSON, newest first, filtered by target', async () => {
        const before = { nested: { list: [1, 'two', null, { three: true }] }, text: 'Zoë — ✓' };
        const e1 = { id: id('e'), at: T0, actorId: user.id, actorUpn: user.upn, action: 'thing.changed', targetType: 'user', targetId: user.id, before, after: null, ip: '192.0.2.1', correlationId: null };
        const e2 = { ...e1, id: id('e'), at: T0 + 1, before: null, after: ['x'], actorId: null, actorUpn: 'system', targetId: 'other', correlationId: id('c') };
        await repo.appendAudit(e1);
        await repo.appendAudit(e2);
        expect(await repo.listAudit({ limit: 10 })).toEqual([e2, e1]);
        expect(await repo.listAudit({ targetId: user.id, limit: 10 })).toEqual([e1]);
      });
    });

    // Cases where the two hand-written repositories used to answer differently.
    describe('the same answer on every engine', () => {
      it('finds a user by UPN whatever the case of its ASCII letters, and refuses a second one that differs only in case', async () => {
        const mixed = makeUser({ upn: 'Mixed.Case@Example.TEST' });
        await repo.createUser(mixed);
        expect(await repo.getUserByUpn('mixed.case@example.test')).toEqual(mixed);
        expect(await repo.getUserByUpn('MIXED.CASE@EXAMPLE.TEST')).toEqual(mixed);
        await expect(repo.createUser(makeUser({ upn: 'mixed.case@example.test' }))).rejects.toThrow();
        expect((await repo.listUsers({ search: 'MIXED.case', limit: 10, offset: 0 })).map((u) => u.id)).toEqual([mixed.id]);
      });

      it('lists users by name in byte order, then by id, so that pages neither repeat nor skip', async () => {
        const names = ['bob', 'Bob', 'alice', 'Zed', 'Bob'];
        const made = names.map((displayName) => makeUser({ displayName, upn: `${id('n')}@order.test` }));
        for (const u of made) await repo.createUser(u);
        const page = (offset: number) => repo.listUsers({ search: '@order.test', limit: 2, offset });
        const listed = [...(await page(0)), ...(await page(2)), ...(await page(4))].map((u) => u.id);
        const expected = [...made].sort((a, b) => (a.displayName < b.displayName ? -1 : a.displayName > b.displayName ? 1 : a.id < b.id ? -1 : 1)).map((u) => u.id);
        expect(listed).toEqual(expected);
      });

      it('lists rows of the same millisecond in the order they were written: devices and requests oldest first, logs newest first', async () => {
        // Ids in reverse order of writing, so that an order by id would show.
        const d2 = makeDevice(user.id, { id: 'z'.repeat(22) });
        const d1 = makeDevice(user.id, { id: 'a'.repeat(22) });
        await repo.createDevice(d2);
        await repo.createDevice(d1);
        expect((await repo.listUserDevices(user.id)).map((d) => d.id)).toEqual([d2.id, d1.id]);
        const c2 = makeChallenge(user.id, { id: 'y'.repeat(22) });
        const c1 = makeChallenge(user.id, { id: 'b'.repeat(22) });
        await repo.createChallenge(c2);
        await repo.createChallenge(c1);
        expect((await repo.listPendingForDevice(d1, T0 + 1)).map((c) => c.id)).toEqual([c2.id, c1.id]);
        const e = { at: T0, actorId: null, actorUpn: 'system', action: 'thing.changed', targetType: 'user', targetId: user.id, before: null, after: null, ip: '', correlationId: null };
        await repo.appendAudit({ ...e, id: 'x'.repeat(22) });
        await repo.appendAudit({ ...e, id: 'c'.repeat(22) });
        expect((await repo.listAudit({ limit: 10 })).map((a) => a.id)).toEqual(['c'.repeat(22), 'x'.repeat(22)]);
        const s2 = makeSignIn(user.id, { id: 'w'.repeat(22) });
        const s1 = makeSignIn(user.id, { id: 'd'.repeat(22) });
        await repo.upsertSignIn(s2);
        await repo.upsertSignIn(s1);
        // Rewriting an entry keeps its place.
        await repo.upsertSignIn({ ...s2, result: 'success' });
        expect((await repo.listSignIns({ limit: 10 })).map((x) => x.id)).toEqual([s1.id, s2.id]);
      });

      it('lists passkeys of the same millisecond in the order they were added', async () => {
        const p = { userId: user.id, publicKey: 'pk', counter: 0, transports: [], name: 'Key', aaguid: '', backedUp: false, createdAt: T0, lastUsedAt: null };
        await repo.createPasskey({ ...p, id: 'v'.repeat(22), credentialId: 'cred-v' });
        await repo.createPasskey({ ...p, id: 'e'.repeat(22), credentialId: 'cred-e' });
        expect((await repo.listUserPasskeys(user.id)).map((k) => k.id)).toEqual(['v'.repeat(22), 'e'.repeat(22)]);
      });

      it('filters the audit log by actor and action prefix whatever their case', async () => {
        const e = { id: id('e'), at: T0, actorId: user.id, actorUpn: 'Helpdesk@Example.test', action: 'device.renamed', targetType: 'device', targetId: 'd', before: null, after: null, ip: '', correlationId: null };
        await repo.appendAudit(e);
        expect(await repo.listAudit({ actor: 'helpdesk@', limit: 10 })).toEqual([e]);
        expect(await repo.listAudit({ action: 'DEVICE.', limit: 10 })).toEqual([e]);
        expect(await repo.listAudit({ action: 'evice.', limit: 10 })).toEqual([]);
      });

      it('replaces a used pass whole: the new one is unused and can be consumed, the old id is gone', async () => {
        const first = makeTap(user.id, { createdBy: 'first@example.test' });
        await repo.replaceTap(first);
        expect(await repo.consumeTap(first.id, T0 + 1)).toBe(true);
        const second = makeTap(user.id, { startsAt: T0 + 5, oneTime: false, createdBy: 'second@example.test' });
        await repo.replaceTap(second);
        expect(await repo.getUserTap(user.id)).toEqual(second);
        expect(await repo.consumeTap(first.id, T0 + 2)).toBe(false);
        expect(await repo.consumeTap(second.id, T0 + 6)).toBe(true);
      });

      it('keeps exactly one pass when many are issued at once, and it is one of them', async () => {
        const taps = Array.from({ length: 10 }, () => makeTap(user.id));
        await Promise.all(taps.map((t) => repo.replaceTap(t)));
        const kept = await repo.getUserTap(user.id);
        expect(taps).toContainEqual(kept);
      });
    });

    describe('units of work', () => {
      it('commits every write of a unit together, and reads its own writes before that', async () => {
        const d = makeDevice(user.id);
        const c = makeChallenge(user.id);
        const seen = await repo.atomically(async (tx) => {
          await tx.createDevice(d);
          await tx.createChallenge(c);
          await tx.appendAudit({ id: id('e'), at: T0, actorId: user.id, actorUpn: user.upn, action: 'device.registered', targetType: 'device', targetId: d.id, before: null, after: null, ip: '', correlationId: null });
          return { device: await tx.getDevice(d.id), pending: await tx.listPendingForDevice(d, T0) };
        });
        expect(seen).toEqual({ device: d, pending: [c] });
        expect(await repo.getDevice(d.id)).toEqual(d);
        expect(await repo.getChallenge(c.id)).toEqual(c);
        expect(await repo.listAudit({ limit: 10, targetId: d.id })).toHaveLength(1);
      });

      it('writes nothing when the unit throws half-way, however deep in nested units', async () => {
        const d = makeDevice(user.id);
        const c = makeChallenge(user.id);
        const failure = new Error('disk on fire');
        await expect(
          repo.atomically(async (tx) => {
            await tx.createDevice(d);
            await tx.atomically(async (inner) => {
              await inner.createChallenge(c);
              await inner.updateUser(user.id, { displayName: 'Changed' });
            });
            await tx.replaceTap(makeTap(user.id));
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await repo.getDevice(d.id)).toBeNull();
        expect(await repo.getChallenge(c.id)).toBeNull();
        expect(await repo.getUserTap(user.id)).toBeNull();
        expect(await repo.getUser(user.id)).toEqual(user);
        // The repository is still usable afterwards.
        await repo.createDevice(d);
        expect(await repo.getDevice(d.id)).toEqual(d);
      });

      it('lets exactly the limit through when many units count and then insert under one key', async () => {
        const limit = 3;
        const admitted = await winners(30, () =>
          repo.atomically(
            async (tx) => {
              if ((await tx.challengeStats(user.id, 0, T0)).created >= limit) return false;
              await tx.createChallenge(makeChallenge(user.id));
              return true;
            },
            { exclusive: [`test.throttle:${user.id}`] },
          ),
        );
        expect(admitted).toBe(limit);
        expect((await repo.challengeStats(user.id, 0, T0)).created).toBe(limit);
      });
    });

    describe('reopening', () => {
      it('runs the migrations again without harm and keeps every record', async () => {
        const d = makeDevice(user.id);
        const c = makeChallenge(user.id);
        await repo.createDevice(d);
        await repo.createChallenge(c);
        await repo.setSetting('k', 'v');
        repo = ctx.repo = await ctx.harness.reopen(repo);
        repo = ctx.repo = await ctx.harness.reopen(repo);
        expect(await repo.getUser(user.id)).toEqual(user);
        expect(await repo.getDevice(d.id)).toEqual(d);
        expect(await repo.getChallenge(c.id)).toEqual(c);
        expect(await repo.getSetting('k')).toBe('v');
        // Still writable, and single use still holds.
        expect(await repo.consumeChallenge(c.id, { status: 'approved', answeredAt: T0 + 1, answeredBy: null }, T0 + 1)).toBe(true);
        expect(await repo.consumeChallenge(c.id, { status: 'approved', answeredAt: T0 + 1, answeredBy: null }, T0 + 1)).toBe(false);
      });
    });
  });
}
