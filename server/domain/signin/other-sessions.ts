// After a change to the user's sign-in methods (one added or removed, passwordless turned on
// or off), My Account offers to end the user's other sessions: whoever changed them may not
// be the only one signed in (OWASP ASVS 5.0 V7.4.3; NIST SP 800-63B-4 §4.2 on changes to
// authenticators). The offer stands until the user answers it in one of their sessions.
import type { Deps } from '../deps.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import type { Session, User } from '../types.ts';

const key = (userId: string) => `user.sessions_offer.${userId}`;

/** A sign-in method of the user changed: from now on My Account offers to end the other sessions. */
export async function factorChanged(d: Deps, userId: string): Promise<void> {
  await d.repo.setSetting(key(userId), String(d.clock.now()));
}

/** When the unanswered change was made (null: none since the user last answered). */
async function changedAt(d: Deps, userId: string): Promise<number | null> {
  const value = await d.repo.getSetting(key(userId));
  return value ? Number(value) : null;
}

/** The user's sessions besides this one that would still be let in (idle and absolute timeouts as resumeSession). */
function liveOthers(d: Deps, session: Session, user: User): Promise<number> {
  const now = d.clock.now();
  return d.repo.countUserSessions(user.id, session.idHash, now - d.limits.sessionIdleMs + 1, now - d.limits.sessionAbsoluteMs + 1);
}

/** What My Account shows: how many other sessions there are, and whether to offer to end them. */
export async function otherSessions(d: Deps, session: Session, user: User): Promise<{ others: number; offer: boolean; changedAt: number | null }> {
  const [others, at] = await Promise.all([liveOthers(d, session, user), changedAt(d, user.id)]);
  return { others, offer: at !== null && others > 0, changedAt: at };
}

/** "Sign out other sessions": every session of the user but this one ends now, audited. */
export async function endOtherSessions(d: Deps, actor: Actor, session: Session, user: User): Promise<number> {
  const ended = await d.repo.deleteUserSessions(user.id, session.idHash);
  await d.repo.setSetting(key(user.id), '');
  await audit(d, actor, 'user.other_sessions_ended', { type: 'user', id: user.id }, null, { sessionsEnded: ended });
  return ended;
}

/** "Keep them": the offer is answered; the sessions stay. */
export async function keepOtherSessions(d: Deps, user: User): Promise<void> {
  await d.repo.setSetting(key(user.id), '');
}
