// Sessions: a 256-bit id in an HttpOnly cookie, stored as its SHA-256, with idle and
// absolute timeouts (NIST SP 800-63B-4 §5.2). A new id at every sign-in.
import { PushkeyError } from '../../../protocol/errors.ts';
import { hashSecret, newSecret, type Deps } from '../deps.ts';
import type { Session, User } from '../types.ts';

export interface ClientInfo {
  ip: string;
  browser: string;
}

/** Returns the cookie value; only its hash is stored. */
export async function createSession(d: Deps, user: User, methods: string[], client: ClientInfo): Promise<string> {
  const secret = newSecret(d);
  const now = d.clock.now();
  await d.repo.createSession({ idHash: hashSecret(secret), userId: user.id, createdAt: now, lastSeenAt: now, methods, ip: client.ip, browser: client.browser });
  return secret;
}

/** The live session and its user for a cookie value, sliding the idle timeout; null when none. */
export async function resumeSession(d: Deps, secret: string | undefined): Promise<{ session: Session; user: User } | null> {
  if (!secret) return null;
  // The time before the read: a session read after the lab clock moved was moved with it (fastForward).
  const now = d.clock.now();
  const idHash = hashSecret(secret);
  const session = await d.repo.getSession(idHash);
  if (!session) return null;
  if (now - session.lastSeenAt >= d.limits.sessionIdleMs || now - session.createdAt >= d.limits.sessionAbsoluteMs) {
    await d.repo.deleteSession(idHash);
    return null;
  }
  const user = await d.repo.getUser(session.userId);
  if (!user || user.disabled) {
    await d.repo.deleteSession(idHash);
    return null;
  }
  await d.repo.touchSession(idHash, now);
  return { session: { ...session, lastSeenAt: now }, user };
}

export async function requireSession(d: Deps, secret: string | undefined): Promise<{ session: Session; user: User }> {
  const found = await resumeSession(d, secret);
  if (!found) throw new PushkeyError('unauthenticated', 'Sign in to continue.');
  return found;
}

export async function endSession(d: Deps, secret: string): Promise<void> {
  await d.repo.deleteSession(hashSecret(secret));
}

export async function endAllSessions(d: Deps, userId: string): Promise<number> {
  return d.repo.deleteUserSessions(userId);
}
