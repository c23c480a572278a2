// Users: creation, the public view, password checks with a persisted lockout.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { NewUser, PublicUser } from '../../../protocol/http/users.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import { newId, type Deps } from '../deps.ts';
import { DUMMY_HASH } from '../methods/passwords.ts';
import type { User } from '../types.ts';
import { raiseAlert } from '../monitoring/monitoring.ts';

export { NewPassword, NewUser, Upn } from '../../../protocol/http/users.ts';

export type { PublicUser } from '../../../protocol/http/users.ts';

/** Where the onboarding window starts: the account's creation, or the helpdesk's last password reset. */
export const onboardingFrom = (u: Pick<User, 'createdAt' | 'passwordResetAt'>): number => Math.max(u.createdAt, u.passwordResetAt);

export const publicUser = (u: User): PublicUser => ({
  id: u.id,
  upn: u.upn,
  displayName: u.displayName,
  groups: u.groups,
  roles: u.roles,
  disabled: u.disabled,
  createdAt: u.createdAt,
  lockedUntil: u.lockedUntil,
  pushPausedUntil: u.pushPausedUntil,
  onboardingFrom: onboardingFrom(u),
  risk: u.risk,
});

export async function createUser(d: Deps, actor: Actor, input: NewUser): Promise<User> {
  if (await d.repo.getUserByUpn(input.upn)) throw new PushkeyError('conflict', `A user named "${input.upn}" already exists`);
  const user: User = {
    id: newId(d),
    upn: input.upn,
    displayName: input.displayName,
    passwordHash: await d.passwords.hash(input.password),
    groups: input.groups,
    roles: input.roles.includes('user') ? input.roles : ['user', ...input.roles],
    disabled: false,
    createdAt: d.clock.now(),
    passwordFailures: 0,
    pushFailures: 0,
    lockedUntil: 0,
    pushPausedUntil: 0,
    passwordResetAt: 0,
    risk: null,
  };
  await d.repo.createUser(user);
  await audit(d, actor, 'user.created', { type: 'user', id: user.id }, null, publicUser(user));
  return user;
}

/** A new password set by someone else (the helpdesk, the lab command): it ends the user's sessions. */
export async function setPassword(d: Deps, actor: Actor, user: Pick<User, 'id'>, password: string): Promise<void> {
  // A reset opens the onboarding window again: the user may bind a first method with the new password.
  await d.repo.updateUser(user.id, { passwordHash: await d.passwords.hash(password), passwordFailures: 0, lockedUntil: 0, passwordResetAt: d.clock.now() });
  await d.repo.deleteUserSessions(user.id);
  await audit(d, actor, 'user.password_reset', { type: 'user', id: user.id });
}

export async function requireUser(d: Deps, id: string): Promise<User> {
  const user = await d.repo.getUser(id);
  if (!user) throw new PushkeyError('not_found', 'No such user');
  return user;
}

/**
 * Refuses a locked-out user. Said before any secret is checked, so that a locked account takes
 * no more guesses; the guesser learns only what their own failures caused.
 */
export function assertNotLocked(d: Deps, user: User): void {
  if (user.lockedUntil > d.clock.now()) {
    throw new PushkeyError('locked_out', 'Too many failed attempts. Try again later.', { lockedUntil: user.lockedUntil });
  }
}

/**
 * Refuses a disabled or locked-out user. Call it once the person has proved a secret (password,
 * pass, code, passkey, device): before that a disabled account answers like any other, as the
 * user-name step already does, so that its state is not told to whoever types the name.
 */
export function assertCanSignIn(d: Deps, user: User): void {
  if (user.disabled) throw new PushkeyError('user_disabled', 'This account is disabled. Contact your helpdesk.');
  assertNotLocked(d, user);
}

const lockedOut = () => new PushkeyError('locked_out', 'Too many failed attempts. Try again later.');
const wrongPassword = () => new PushkeyError('invalid_credentials', 'Your account or password is incorrect.');

/**
 * Who a sign-in's guesses count against: the account, or, for a user name that names none,
 * the name itself (normalized as the user-name step parses it). Both lock after the same
 * number of failures for the same time, and answer the same while locked, so the lockout
 * does not tell which names exist (OWASP ASVS 5.0 V6.3.8).
 */
export type Guesser = { user: User } | { name: string };
export const guesserOf = (user: User | null, name: string): Guesser => (user ? { user } : { name });

/** assertNotLocked for either: the account's lock, or the name's. */
export async function assertGuesserNotLocked(d: Deps, who: Guesser): Promise<void> {
  if ('user' in who) return assertNotLocked(d, who.user);
  const lockedUntil = await d.repo.nameLockedUntil(who.name);
  if (lockedUntil > d.clock.now()) throw new PushkeyError('locked_out', 'Too many failed attempts. Try again later.', { lockedUntil });
}

/**
 * Checks a password at sign-in. Consecutive failures are counted in the database (so a
 * restart does not reset them) and lock for `lockoutMs` at the limit. A name that names no
 * account is checked against a dummy hash, counted and locked the same way: the same work,
 * the same answers (NIST SP 800-63B-4 §3.2.2, OWASP ASVS 5.0 V6.3.8).
 */
export async function checkSignInPassword(d: Deps, who: Guesser, password: string): Promise<User> {
  if (!('user' in who)) {
    await guardedGuess(d, who, () => d.passwords.verify(password, DUMMY_HASH));
    throw wrongPassword();
  }
  const { user } = who;
  if (!(await guardedGuess(d, who, () => d.passwords.verify(password, user.passwordHash)))) throw wrongPassword();
  // Disabled (now that the password is proved), or locked by other guesses while this one hashed.
  const fresh = (await d.repo.getUser(user.id)) ?? user;
  assertCanSignIn(d, fresh);
  return fresh;
}

/** checkSignInPassword for an account that exists (a device's owner confirming a change). */
export const checkPassword = (d: Deps, user: User, password: string): Promise<User> => checkSignInPassword(d, { user }, password);

/**
 * Runs one guess at a password or pass within the lockout budget. The guess is counted
 * before the slow hash, in one atomic write: guesses sent in parallel each take a slot, the
 * one that takes the last slot locks, and later ones are refused without hashing. So no
 * more than `passwordFailureLimit` guesses are ever checked per lockout period, however
 * many arrive at once. A right guess gives its slot back, and the lock too when its own
 * slot set it. For a name with no account no guess is right: `check` runs (the dummy hash,
 * the same work) and the failure counts.
 */
export async function guardedGuess(d: Deps, who: Guesser, check: () => Promise<boolean>): Promise<boolean> {
  await assertGuesserNotLocked(d, who);
  const now = d.clock.now();
  const cap = d.limits.passwordFailureLimit;
  const slot = 'user' in who ? await countFailure(d, who.user.id, 'password', cap) : await d.repo.countNameFailure(who.name, cap, now, now + d.limits.lockoutMs);
  if (slot.locked && !slot.newly) throw lockedOut();
  const right = await check();
  if (right && 'user' in who) {
    await d.repo.updateUser(who.user.id, slot.newly ? { passwordFailures: 0, lockedUntil: 0 } : { passwordFailures: 0 });
    return true;
  }
  if (slot.newly) {
    if ('user' in who) await lockoutAlert(d, who.user);
    throw lockedOut();
  }
  return false;
}

/** Counts one failure in one atomic write; at `cap` the user is locked for `lockoutMs`. */
function countFailure(d: Deps, userId: string, counter: 'password' | 'push', cap: number): Promise<{ locked: boolean; newly: boolean }> {
  const now = d.clock.now();
  return d.repo.countFailure(userId, counter, cap, now, now + d.limits.lockoutMs);
}

const lockoutAlert = (d: Deps, user: Pick<User, 'id' | 'upn'>) =>
  raiseAlert(d, 'lockout', user, `Locked out after ${d.limits.passwordFailureLimit} wrong passwords, passes or codes in a row`);

/** A wrong code (checked elsewhere): counted, and at the limit the account locks for `lockoutMs`. Returns true when it is locked. */
export async function recordPasswordFailure(d: Deps, user: User): Promise<boolean> {
  const r = await countFailure(d, user.id, 'password', d.limits.passwordFailureLimit);
  if (r.newly) await lockoutAlert(d, user);
  return r.locked;
}

/** A wrong number: counted, and at the policy's cap the user is locked out. Returns true when this failure locked it. */
export async function recordPushFailure(d: Deps, userId: string, cap: number): Promise<boolean> {
  return (await countFailure(d, userId, 'push', cap)).newly;
}

export async function resetPushFailures(d: Deps, user: Pick<User, 'id' | 'pushFailures'>): Promise<void> {
  if (user.pushFailures !== 0) await d.repo.updateUser(user.id, { pushFailures: 0 });
}
