// The Repository contract for passkeys, WebAuthn challenges, phones, SMS codes and the lab
// outbox, run on SQLite and PostgreSQL beside repository.contract.ts: every
// single-use value is consumed by exactly one of many concurrent callers, limits hold at
// the exact millisecond, and records round-trip.
import { beforeEach, describe, expect, it } from 'vitest';
import type { OutboxMessage, Passkey, Phone, SmsCode, User, WebAuthnChallenge } from '../domain/types.ts';
import { makeUser, useRepositoryWithUser, type RepositoryHarness } from './repository.contract.ts';
import type { Repository } from './repository.ts';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
let seq = 0;
const id = (tag: string) => `${tag}${(++seq).toString(36)}`.padEnd(22, '_').slice(0, 22);

const makePasskey = (userId: string, over: Partial<Passkey> = {}): Passkey => ({
  id: id('p'),
  userId,
  credentialId: id('cred') + 'AbC-_',
  publicKey: 'pQECAyYgASFYI' + 'x'.repeat(60),
  counter: 0,
  transports: ['internal', 'hybrid'],
  name: 'Zoë’s “laptop” 🔑',
  aaguid: '00000000-0000-0000-0000-000000000000',
  backedUp: true,
  createdAt: T0,
  lastUsedAt: null,
  ...over,
});
const makeWebAuthnChallenge = (userId: string | null, over: Partial<WebAuthnChallenge> = {}): WebAuthnChallenge => ({
  id: id('w'),
  userId,
  flowId: null,
  purpose: 'register',
  challenge: id('chal'),
  createdAt: T0,
  expiresAt: T0 + 300_000,
  usedAt: null,
  ...over,
});
const makeSmsCode = (userId: string, over: Partial<SmsCode> = {}): SmsCode => ({
  id: id('s'),
  userId,
  phone: '+15551230000',
  purpose: 'signin',
  flowId: null,
  codeHash: id('h'),
  createdAt: T0,
  expiresAt: T0 + 300_000,
  attempts: 0,
  usedAt: null,
  ...over,
});

async function winners(n: number, fn: () => Promise<unknown>): Promise<number> {
  return (await Promise.all(Array.from({ length: n }, fn))).filter(Boolean).length;
}

export function describeMethodsContract(name: string, makeHarness: () => RepositoryHarness): void {
  describe(`Repository contract, sign-in methods: ${name}`, () => {
    const ctx = useRepositoryWithUser(makeHarness);
    let repo: Repository;
    let user: User;
    beforeEach(() => {
      ({ repo, user } = ctx);
    });

    describe('passkeys', () => {
      it('round-trips every field, finds by credential id, lists the user’s in order', async () => {
        const a = makePasskey(user.id);
        const b = makePasskey(user.id, { createdAt: T0 + 1, backedUp: false, transports: [] });
        await repo.createPasskey(a);
        await repo.createPasskey(b);
        expect(await repo.getPasskeyByCredentialId(a.credentialId)).toEqual(a);
        expect(await repo.listUserPasskeys(user.id)).toEqual([a, b]);
        expect(await repo.getPasskeyByCredentialId('unknown')).toBeNull();
      });

      it('refuses a second passkey with the same credential id', async () => {
        const a = makePasskey(user.id);
        await repo.createPasskey(a);
        await expect(repo.createPasskey({ ...a, id: id('p') })).rejects.toThrow();
      });

      it('moves the counter forward only, once per value under concurrency', async () => {
        const a = makePasskey(user.id, { counter: 5 });
        await repo.createPasskey(a);
        expect(await repo.advancePasskeyCounter(a.id, 5)).toBe(false);
        expect(await repo.advancePasskeyCounter(a.id, 4)).toBe(false);
        expect(await winners(10, () => repo.advancePasskeyCounter(a.id, 6))).toBe(1);
        expect((await repo.getPasskeyByCredentialId(a.credentialId))!.counter).toBe(6);
      });

      it('renames, records use, and deletes once', async () => {
        const a = makePasskey(user.id);
        await repo.createPasskey(a);
        await repo.updatePasskey(a.id, { name: 'Work key', lastUsedAt: T0 + 5 });
        expect(await repo.getPasskeyByCredentialId(a.credentialId)).toEqual({ ...a, name: 'Work key', lastUsedAt: T0 + 5 });
        expect(await winners(5, () => repo.deletePasskey(a.id))).toBe(1);
        expect(await repo.getPasskeyByCredentialId(a.credentialId)).toBeNull();
      });
    });

    describe('WebAuthn challenges', () => {
      it('are consumed by exactly one of many concurrent callers, and returned whole', async () => {
        const c = makeWebAuthnChallenge(user.id, { flowId: id('f'), purpose: 'authenticate' });
        await repo.createWebAuthnChallenge(c);
        const got = await Promise.all(Array.from({ length: 20 }, () => repo.consumeWebAuthnChallenge(c.id, T0 + 1)));
        expect(got.filter(Boolean)).toEqual([{ ...c, usedAt: T0 + 1 }]);
      });

      it('are consumed 1 ms before they expire, and not at their expiry; a discoverable one has no user', async () => {
        const c = makeWebAuthnChallenge(null);
        await repo.createWebAuthnChallenge(c);
        expect(await repo.consumeWebAuthnChallenge(c.id, c.expiresAt)).toBeNull();
        expect(await repo.consumeWebAuthnChallenge(c.id, c.expiresAt - 1)).toMatchObject({ userId: null });
        expect(await repo.consumeWebAuthnChallenge('unknown', T0)).toBeNull();
      });
    });

    describe('phones', () => {
      it('keep one number per user: replacing drops the earlier one; verify, use, delete', async () => {
        const first: Phone = { userId: user.id, number: '+15551230000', createdAt: T0, verifiedAt: null, lastUsedAt: null };
        await repo.replacePhone(first);
        await repo.replacePhone({ ...first, number: '+447700900123', createdAt: T0 + 1 });
        expect(await repo.getUserPhone(user.id)).toEqual({ ...first, number: '+447700900123', createdAt: T0 + 1 });
        await repo.updatePhone(user.id, { verifiedAt: T0 + 2, lastUsedAt: T0 + 3 });
        expect(await repo.getUserPhone(user.id)).toMatchObject({ verifiedAt: T0 + 2, lastUsedAt: T0 + 3 });
        expect(await repo.deleteUserPhone(user.id)).toBe(true);
        expect(await repo.deleteUserPhone(user.id)).toBe(false);
        expect(await repo.getUserPhone(user.id)).toBeNull();
      });
    });

    describe('SMS codes', () => {
      it('round-trip, and count attempts up to the cap under concurrency', async () => {
        const c = makeSmsCode(user.id, { flowId: id('f') });
        await repo.createSmsCode(c);
        expect(await repo.getSmsCode(c.id)).toEqual(c);
        const got = await Promise.all(Array.from({ length: 12 }, () => repo.attemptSmsCode(c.id, 5, T0 + 1)));
        expect(got.filter(Boolean).map((x) => x!.attempts).sort()).toEqual([1, 2, 3, 4, 5]);
        expect((await repo.getSmsCode(c.id))!.attempts).toBe(5);
      });

      it('are consumed by exactly one of many concurrent callers, 1 ms before expiry and not at it', async () => {
        const c = makeSmsCode(user.id);
        await repo.createSmsCode(c);
        expect(await repo.consumeSmsCode(c.id, c.expiresAt)).toBe(false);
        expect(await repo.attemptSmsCode(c.id, 5, c.expiresAt)).toBeNull();
        expect(await winners(20, () => repo.consumeSmsCode(c.id, c.expiresAt - 1))).toBe(1);
        expect(await repo.attemptSmsCode(c.id, 5, T0 + 1)).toBeNull();
      });

      it('count sends per user and per number after `since`, exclusive', async () => {
        const other = makeUser();
        await repo.createUser(other);
        await repo.createSmsCode(makeSmsCode(user.id, { createdAt: T0 }));
        await repo.createSmsCode(makeSmsCode(user.id, { createdAt: T0 + 10, phone: '+15559990000' }));
        await repo.createSmsCode(makeSmsCode(other.id, { createdAt: T0 + 20 }));
        expect(await repo.countSmsCodes({ userId: user.id, since: T0 - 1 })).toBe(2);
        expect(await repo.countSmsCodes({ userId: user.id, since: T0 })).toBe(1);
        expect(await repo.countSmsCodes({ phone: '+15551230000', since: T0 - 1 })).toBe(2);
        expect(await repo.countSmsCodes({ phone: '+15551230000', since: T0 + 20 })).toBe(0);
      });
    });

    describe('SMS send limits', () => {
      const limits = { since: T0 - 1, maxPerUser: 3, maxPerNumber: 4 };
      it('store at most the limit per user even when 12 sends race', async () => {
        const got = await Promise.all(Array.from({ length: 12 }, () => repo.createSmsCodeWithin(makeSmsCode(user.id), limits)));
        expect(got.filter((r) => r === null)).toHaveLength(3);
        expect(got.filter((r) => r === 'user')).toHaveLength(9);
        expect(await repo.countSmsCodes({ userId: user.id, since: T0 - 1 })).toBe(3);
      });

      it('let the queries issued while their transactions are open wait for them, each answered once', async () => {
        // The hot queries run past the query builder; on SQLite's one connection they wait
        // for another caller's open transaction (through the driver) instead of joining it.
        const sends = Array.from({ length: 6 }, () => repo.createSmsCodeWithin(makeSmsCode(user.id), limits));
        // One write after the other (on PostgreSQL concurrent writes on several connections may
        // land in any order), all while the sends' transactions are open.
        const reads = (async () => {
          const seen = [];
          for (let k = 0; k < 6; k++) {
            await repo.updateUser(user.id, { pushFailures: k });
            seen.push(await repo.getUser(user.id));
          }
          return seen;
        })();
        const [got, users] = await Promise.all([Promise.all(sends), reads]);
        expect(got.filter((r) => r === null)).toHaveLength(3);
        expect(users.map((u) => u?.pushFailures)).toEqual([0, 1, 2, 3, 4, 5]);
        expect((await repo.getUser(user.id))?.pushFailures).toBe(5);
      });

      it('store at most the limit per number across users, and count only after `since`', async () => {
        const others = [makeUser(), makeUser(), makeUser()];
        for (const u of others) await repo.createUser(u);
        await repo.createSmsCode(makeSmsCode(user.id, { createdAt: T0 - 1 })); // at `since`: not counted
        const got = await Promise.all(others.flatMap((u) => [0, 1].map(() => repo.createSmsCodeWithin(makeSmsCode(u.id), limits))));
        expect(got.filter((r) => r === null)).toHaveLength(4);
        expect(got.filter((r) => r === 'number')).toHaveLength(2);
      });
    });

    describe('outbox', () => {
      it('lists messages newest first, by channel and recipient', async () => {
        const m1: OutboxMessage = { id: id('o'), at: T0, channel: 'sms', to: '+15551230000', userId: user.id, text: 'Your code is 123456 — ✓' };
        const m2: OutboxMessage = { ...m1, id: id('o'), at: T0 + 1, text: 'second' };
        const m3: OutboxMessage = { id: id('o'), at: T0 + 2, channel: 'email', to: user.upn, userId: null, text: 'A passkey was added' };
        for (const m of [m1, m2, m3]) await repo.appendOutbox(m);
        expect(await repo.listOutbox({ limit: 10 })).toEqual([m3, m2, m1]);
        expect(await repo.listOutbox({ channel: 'sms', to: '+15551230000', limit: 1 })).toEqual([m2]);
        expect(await repo.listOutbox({ channel: 'email', limit: 10 })).toEqual([m3]);
      });
    });

    it('purges expired ceremonies, codes past the cutoff and old outbox messages, and keeps the live ones', async () => {
      const live = makeWebAuthnChallenge(user.id);
      const dead = makeWebAuthnChallenge(user.id, { expiresAt: T0 - 1 });
      const oldCode = makeSmsCode(user.id, { createdAt: T0 - 2_000_000, expiresAt: T0 - 1_000_001 });
      const recentCode = makeSmsCode(user.id, { expiresAt: T0 - 1 });
      for (const c of [live, dead]) await repo.createWebAuthnChallenge(c);
      for (const c of [oldCode, recentCode]) await repo.createSmsCode(c);
      await repo.appendOutbox({ id: id('o'), at: T0 - 1_000_001, channel: 'sms', to: '+15551230000', userId: null, text: 'old' });
      await repo.appendOutbox({ id: id('o'), at: T0, channel: 'sms', to: '+15551230000', userId: null, text: 'new' });
      const counts = await repo.purge(T0 - 1_000_000, T0);
      expect(counts.transient).toBe(3);
      expect(await repo.consumeWebAuthnChallenge(live.id, T0)).not.toBeNull();
      expect(await repo.getSmsCode(oldCode.id)).toBeNull();
      expect(await repo.getSmsCode(recentCode.id)).not.toBeNull();
      expect((await repo.listOutbox({ limit: 10 })).map((m) => m.text)).toEqual(['new']);
    });

    it('keeps every record across a reopen', async () => {
      const p = makePasskey(user.id);
      const s = makeSmsCode(user.id);
      await repo.createPasskey(p);
      await repo.createSmsCode(s);
      repo = ctx.repo = await ctx.harness.reopen(repo);
      expect(await repo.getPasskeyByCredentialId(p.credentialId)).toEqual(p);
      expect(await repo.getSmsCode(s.id)).toEqual(s);
    });
  });
}
