// Users: creation, the public view, password checks with a persisted lockout.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { NewUser, PublicUser } from '../../../protocol/http/users.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import { newId, type Deps } from '../deps.ts';
import { DUMMY_HASH, hashPassword, verifyPassword } from '../methods/passwords.ts';
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
    passwordHash: await hashPassword(input.password),
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
  await d.repo.updateUser(user.id, { passwordHash: await hashPassword(password), passwordFailures: 0, lockedUntil: 0, passwordResetAt: d.clock.now() });
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

/**
 * Checks a password. Consecutive failures are counted on the user row (so a restart does
 * not reset them) and lock the account for `lockoutMs` at the limit.
 * An unknown user costs the same scrypt work, so timing does not tell that it is unknown.
 */
export async function checkPassword(d: Deps, user: User | null, password: string): Promise<User> {
  if (!user) {
    await verifyPassword(password, DUMMY_HASH);
    throw new PushkeyError('invalid_credentials', 'Your account or password is incorrect.');
  }
  if (!(await guardedGuess(d, user, () => verifyPassword(password, user.passwordHash)))) {
    throw new PushkeyError('invalid_credentials', 'Your account or password is incorrect.');
  }
  // Disabled (now that the password is proved), or locked by other guesses while this one hashed.
  const fresh = (await d.repo.getUser(user.id)) ?? user;
  assertCanSignIn(d, fresh);
  return fresh;
}

/**
 * Runs one guess at a password or pass within the account's lockout budget. The guess is
 * counted before the slow hash, in one atomic write: guesses sent in parallel each take a
 * slot, the one that takes the last slot locks the account, and later ones are refused
 * without hashing. So no more than `passwordFailureLimit` guesses are ever checked per
 * lockout period, however many arrive at once. A right guess gives its slot back, and the
 * lock too when its own slot set it.
 */
export async function guardedGuess(d: Deps, user: User, check: () => Promise<boolean>): Promise<boolean> {
  assertNotLocked(d, user);
  const slot = await countFailure(d, user.id, 'password', d.limits.passwordFailureLimit);
  if (slot.locked && !slot.newly) throw lockedOut();
  if (await check()) {
    await d.repo.updateUser(user.id, slot.newly ? { passwordFailures: 0, lockedUntil: 0 } : { passwordFailures: 0 });
    return true;
  }
  if (slot.newly) {
    await lockoutAlert(d, user);
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
