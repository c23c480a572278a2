// Who is calling: the session from the cookie, and role checks that the server enforces
// whatever the page shows.
import type { Request } from 'express';
import { PushkeyError } from '../../../protocol/errors.ts';
import { requireSession } from '../../domain/sessions.ts';
import type { Role, Session, User } from '../../domain/types.ts';
import { actorOf, type Actor } from '../../domain/audit.ts';
import { readCookie, SESSION_COOKIE } from './cookies.ts';
import type { HttpDeps } from './http-deps.ts';
import { clientIp } from './client-info.ts';

export interface Caller {
  user: User;
  session: Session;
  sessionSecret: string;
  actor: Actor;
}

export async function caller(d: HttpDeps, req: Request): Promise<Caller> {
  const secret = readCookie(req, SESSION_COOKIE);
  const { session, user } = await requireSession(d, secret);
  return { user, session, sessionSecret: secret!, actor: actorOf(user, clientIp(req)) };
}

/** global_admin holds every role. */
export function hasRole(user: User, role: Role): boolean {
  return user.roles.includes(role) || user.roles.includes('global_admin');
}

export async function callerWithRole(d: HttpDeps, req: Request, ...roles: Role[]): Promise<Caller> {
  const c = await caller(d, req);
  if (!roles.some((r) => hasRole(c.user, r))) {
    throw new PushkeyError('forbidden', `This needs the ${roles.join(' or ')} role.`);
  }
  return c;
}

/**
 * A password reset, a Temporary Access Pass or a removed authenticator hands over the
 * account: over an administrator, that would let the helpdesk become one. Only a global
 * admin acts on users who hold an admin role (Entra: privileged authentication admin).
 */
export function mayManage(c: Caller, target: Pick<User, 'roles'>): boolean {
  const privileged = target.roles.includes('global_admin') || target.roles.includes('policy_admin');
  return !privileged || c.user.roles.includes('global_admin');
}

export function assertMayManage(c: Caller, target: Pick<User, 'roles'>): void {
  if (!mayManage(c, target)) throw new PushkeyError('forbidden', 'Only a global admin can manage the sign-in methods of an administrator.');
}
