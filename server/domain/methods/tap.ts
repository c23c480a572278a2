// Temporary Access Pass: issued by the helpdesk, shown once, stored hashed, bounded
// lifetime, one-time by default, one active per user.
import type { IssueTap } from '../../../protocol/http/admin.ts';
import type { TapView } from '../../../protocol/http/me.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import { raiseAlert } from '../monitoring/monitoring.ts';
import { notifyUser } from './registration.ts';
import { newId, utcMinute, type Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { DUMMY_HASH } from './passwords.ts';
import { getTapPolicy } from '../policies/policy.ts';
import type { Tap, User } from '../types.ts';
import { assertCanSignIn, guardedGuess, type Guesser } from '../users/users.ts';

// No 0/O, 1/l/I: the pass is read aloud by a helpdesk and typed by hand.
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** How far ahead a pass may start: a pass for next month's onboarding, not for a year from now. */
const MAX_START_AHEAD_MS = 30 * 24 * 3_600_000;

export { IssueTap } from '../../../protocol/http/admin.ts';

export type { TapView } from '../../../protocol/http/me.ts';

export function tapView(t: Tap, now: number): TapView {
  const state = t.usedAt !== null && t.oneTime ? 'used' : now >= t.expiresAt ? 'expired' : now < t.startsAt ? 'not_yet_valid' : 'active';
  return { id: t.id, createdAt: t.createdAt, startsAt: t.startsAt, expiresAt: t.expiresAt, oneTime: t.oneTime, usedAt: t.usedAt, state };
}

/** Issues a pass and returns it in clear text, once. Replaces any earlier pass of the user. */
export async function issueTap(d: Deps, actor: Actor, user: User, input: IssueTap): Promise<{ pass: string; tap: TapView }> {
  const policy = await getTapPolicy(d.repo);
  if (!policy.enabled) throw new PushkeyError('method_not_allowed', 'The Temporary Access Pass policy is disabled.');
  const lifetime = input.lifetimeMinutes ?? policy.defaultLifetimeMinutes;
  if (lifetime < policy.minLifetimeMinutes || lifetime > policy.maxLifetimeMinutes) {
    throw new PushkeyError('bad_request', `The lifetime must be between ${policy.minLifetimeMinutes} and ${policy.maxLifetimeMinutes} minutes, got ${lifetime}`);
  }
  const now = d.clock.now();
  if (input.startsAt !== undefined && input.startsAt > now + MAX_START_AHEAD_MS) {
    throw new PushkeyError('bad_request', 'A Temporary Access Pass can start at most 30 days from now.');
  }
  const startsAt = Math.max(now, input.startsAt ?? now);
  const pass = Array.from({ length: policy.length }, () => ALPHABET[d.random.int(0, ALPHABET.length)]).join('');
  const tap: Tap = {
    id: newId(d),
    userId: user.id,
    hash: await d.passwords.hash(pass),
    createdAt: now,
    startsAt,
    expiresAt: startsAt + lifetime * 60_000,
    oneTime: input.oneTime ?? policy.oneTimeByDefault,
    usedAt: null,
    createdBy: actor.upn,
  };
  const view = tapView(tap, now);
  // The pass, its audit entry, the alert and the notice: a pass nobody was told of never exists.
  await atomically(d, async (tx) => {
    await tx.repo.replaceTap(tap);
    await audit(tx, actor, 'tap.issued', { type: 'user', id: user.id }, null, view);
    await raiseAlert(tx, 'tap_issued', user, `Temporary Access Pass issued by ${actor.upn}, valid until ${new Date(tap.expiresAt).toISOString()}`);
    await notifyUser(tx, actor, user, `A Temporary Access Pass valid until ${utcMinute(tap.expiresAt)} was issued for your account`);
  });
  return { pass, tap: view };
}

/** Whether the user has a pass usable now (for the list of sign-in methods). */
export async function hasUsableTap(d: Deps, userId: string): Promise<boolean> {
  const policy = await getTapPolicy(d.repo);
  const tap = await d.repo.getUserTap(userId);
  return policy.enabled && tap !== null && tapView(tap, d.clock.now()).state === 'active';
}

/**
 * Signs in with a pass: checks it, then consumes a one-time pass in one conditional write.
 * With no usable pass (or no account) the guess still costs a hash and counts toward the
 * lockout, as a wrong pass does, so the answer does not tell who has a pass.
 */
export async function redeemTap(d: Deps, who: Guesser, pass: string, signIn: { flowId: string; ip: string }): Promise<User> {
  const invalid = new PushkeyError('tap_invalid', 'That Temporary Access Pass is not valid. Ask your helpdesk for a new one.');
  const policy = await getTapPolicy(d.repo);
  const tap = 'user' in who ? await d.repo.getUserTap(who.user.id) : null;
  const now = d.clock.now();
  if (!policy.enabled || !tap || tapView(tap, now).state !== 'active' || !('user' in who)) {
    await guardedGuess(d, who, () => d.passwords.verify(pass.trim(), DUMMY_HASH));
    throw invalid;
  }
  const { user } = who;
  if (!(await guardedGuess(d, who, () => d.passwords.verify(pass.trim(), tap.hash)))) throw invalid;
  // Disabled (now that the pass is proved), or locked by other guesses while this one hashed.
  assertCanSignIn(d, (await d.repo.getUser(user.id)) ?? user);
  if (tap.oneTime) {
    if (!(await d.repo.consumeTap(tap.id, now))) throw invalid;
  }
  await audit(d, { id: user.id, upn: user.upn, ip: signIn.ip }, 'tap.used', { type: 'user', id: user.id }, null, { tapId: tap.id, oneTime: tap.oneTime }, signIn.flowId);
  return user;
}

export async function deleteTap(d: Deps, actor: Actor, user: User): Promise<void> {
  await atomically(d, async (tx) => {
    const tap = await tx.repo.getUserTap(user.id);
    if (!tap) return;
    await tx.repo.deleteUserTap(user.id);
    await audit(tx, actor, 'tap.deleted', { type: 'user', id: user.id }, tapView(tap, d.clock.now()), null);
    await notifyUser(tx, actor, user, 'The Temporary Access Pass of your account was deleted');
  });
}
