// Registration protection and change notices. Who may add a sign-in method: by default a
// password alone may add the first method, and only within the onboarding window (days after
// the account was created or the helpdesk reset its password): a password phished later must
// not bind the attacker's authenticator, the pattern used against Entra's old default. Strict:
// adding any method needs a multifactor session or a Temporary Access Pass. Every added or removed
// method lands in the audit log and sends the user a notice through the email outbox.
import type { AuditAction } from '../../../protocol/audit-actions.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { factorChanged } from '../signin/other-sessions.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import { newId, utcMinute, type Deps } from '../deps.ts';
import { getRegistrationPolicy } from './method-policy.ts';
import { requirementOf } from '../monitoring/signin-log.ts';
import type { Session, User } from '../types.ts';
import { onboardingFrom } from '../users/users.ts';

/** When each of the user's registered methods was added (authenticators not revoked, passkeys, a verified phone). */
async function registeredAt(d: Deps, userId: string): Promise<number[]> {
  const [devices, passkeys, phone] = await Promise.all([d.repo.listUserDevices(userId), d.repo.listUserPasskeys(userId), d.repo.getUserPhone(userId)]);
  return [
    ...devices.filter((x) => x.revokedAt === null).map((x) => x.createdAt),
    ...passkeys.map((x) => x.createdAt),
    ...(phone?.verifiedAt ? [phone.verifiedAt] : []),
  ];
}

/**
 * Whether the session proves more than a password: two factors, or one that a phished password
 * cannot stand in for (a Temporary Access Pass from the helpdesk, or a key the user holds:
 * the authenticator passwordless, a passkey).
 */
export const isStrongSession = (s: Pick<Session, 'methods'>): boolean =>
  requirementOf(s.methods) === 'multifactor' || s.methods.some((m) => m === 'tap' || m === 'passwordless' || m === 'passkey');

/**
 * Why this session may not add (or remove) a method, or null when it may. Removing needs the
 * same as adding: otherwise a password alone could delete the user's methods and then add
 * its own as "the first".
 */
export async function registrationRefusal(d: Deps, session: Session, user: User, change: 'add' | 'remove' = 'add'): Promise<string | null> {
  if (isStrongSession(session)) return null;
  const policy = await getRegistrationPolicy(d.repo);
  if (policy.strict) {
    return `${change === 'add' ? 'Adding' : 'Removing'} a sign-in method needs a multifactor sign-in or a Temporary Access Pass. Sign out, then sign in with your Authenticator app, a passkey, or a pass from your helpdesk.`;
  }
  // A password alone may change the methods it added itself: the session began before the user had any.
  const earlier = (await registeredAt(d, user.id)).filter((at) => at < session.createdAt);
  if (earlier.length === 0) {
    const closesAt = onboardingFrom(user) + policy.onboardingDays * 86_400_000;
    if (d.clock.now() < closesAt) return null;
    return `Your account is past its onboarding period, so a password alone cannot ${change === 'add' ? 'add' : 'remove'} a sign-in method. Ask your helpdesk for a Temporary Access Pass, then sign in with it.`;
  }
  return change === 'add'
    ? 'You already have a sign-in method: sign in with it (not only your password) to add another one.'
    : 'Sign in with one of your sign-in methods (not only your password) to remove one, or ask your helpdesk for a Temporary Access Pass.';
}

/** Refuses with step_up_required, the first line of every handler that adds or removes a method. */
export async function assertMayRegister(d: Deps, session: Session, user: User, change: 'add' | 'remove' = 'add'): Promise<void> {
  const why = await registrationRefusal(d, session, user, change);
  if (why) throw new PushkeyError('step_up_required', why);
}

/**
 * Audits a method change and tells the user through the email outbox (never a secret in
 * either). A change of what signs the user in (not a rename: `factor: false`) also has My
 * Account offer to end the user's other sessions.
 */
export async function methodChanged(
  d: Deps,
  actor: Actor,
  user: Pick<User, 'id' | 'upn'>,
  change: { action: AuditAction; target: { type: string; id: string }; before?: unknown; after?: unknown; notice: string; factor?: boolean },
): Promise<void> {
  await audit(d, actor, change.action, change.target, change.before ?? null, change.after ?? null);
  await notifyUser(d, actor, user, change.notice);
  if (change.factor !== false) await factorChanged(d, user.id);
}

/** Tells the user of a change to their sign-in methods, through the email outbox. */
export async function notifyUser(d: Deps, actor: Actor, user: Pick<User, 'id' | 'upn'>, notice: string): Promise<void> {
  const by = actor.id === user.id ? '' : ` by ${actor.upn}`;
  const when = utcMinute(d.clock.now());
  await d.repo.appendOutbox({
    id: newId(d),
    at: d.clock.now(),
    channel: 'email',
    to: user.upn,
    userId: user.id,
    text: `${notice}${by} on ${when}${actor.ip ? ` from ${actor.ip}` : ''}. If this wasn't you, contact your helpdesk right away.`,
  });
}
