// Who is acting, and what their roles let them do to whom. Transport resolves the caller
// from the session cookie; the domain functions check these rights themselves.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Actor } from '../monitoring/audit.ts';
import type { Role, Session, User } from '../types.ts';

export interface Caller {
  user: User;
  session: Session;
  actor: Actor;
}

/** global_admin holds every role. */
export function hasRole(user: Pick<User, 'roles'>, role: Role): boolean {
  return user.roles.includes(role) || user.roles.includes('global_admin');
}

export function assertHasRole(user: Pick<User, 'roles'>, roles: readonly Role[]): void {
  if (!roles.some((r) => hasRole(user, r))) throw new PushkeyError('forbidden', `This needs the ${roles.join(' or ')} role.`);
}

/**
 * A password reset, a Temporary Access Pass or a removed authenticator hands over the
 * account: over an administrator, that would let the helpdesk become one. Only a global
 * admin acts on users who hold an admin role (Entra: privileged authentication admin).
 */
export function mayManage(c: Pick<Caller, 'user'>, target: Pick<User, 'roles'>): boolean {
  const privileged = target.roles.includes('global_admin') || target.roles.includes('policy_admin');
  return !privileged || c.user.roles.includes('global_admin');
}

export function assertMayManage(c: Pick<Caller, 'user'>, target: Pick<User, 'roles'>): void {
  if (!mayManage(c, target)) throw new PushkeyError('forbidden', 'Only a global admin can manage the sign-in methods of an administrator.');
}
