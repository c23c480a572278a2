// What admins and the helpdesk do to users. Each action that hands over an account (a
// password, a pass, a removed method) checks here that the caller may manage that user.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { IssueTap, UserMethods, UserSignInMethods } from '../../../protocol/http/admin.ts';
import type { OutboxMessage } from '../../../protocol/http/logs.ts';
import type { PublicUser, UserPatch } from '../../../protocol/http/users.ts';
import { audit } from '../monitoring/audit.ts';
import { assertMayManage, hasRole, mayManage, type Caller } from './caller.ts';
import type { Deps } from '../deps.ts';
import { deviceView, revokeDevice } from '../authenticator/devices.ts';
import { getDefaultMethod } from '../signin/method-order.ts';
import { deletePasskey, passkeyView } from '../methods/passkeys.ts';
import { endAllSessions } from '../signin/sessions.ts';
import { phoneView, removePhone } from '../methods/sms.ts';
import { deleteTap, issueTap, tapView } from '../methods/tap.ts';
import { publicUser, requireUser, setPassword } from '../users/users.ts';

export async function searchUsers(d: Deps, q: { search: string; limit: number; offset: number }): Promise<PublicUser[]> {
  return (await d.repo.listUsers(q)).map(publicUser);
}

/** A global admin's change of a user; nobody disables themselves or drops their own global admin role. */
export async function updateUser(d: Deps, c: Caller, userId: string, patch: UserPatch): Promise<PublicUser> {
  const user = await requireUser(d, userId);
  // Everyone is a user: the role cannot be taken away.
  const roles = patch.roles && !patch.roles.includes('user') ? ['user' as const, ...patch.roles] : patch.roles;
  if (user.id === c.user.id && (patch.disabled || (roles && !roles.includes('global_admin')))) {
    throw new PushkeyError('conflict', 'You cannot disable yourself or remove your own global admin role.');
  }
  const { unlock, clearRisk, ...fields } = patch;
  await d.repo.updateUser(user.id, {
    ...fields,
    ...(roles ? { roles } : {}),
    ...(unlock ? { lockedUntil: 0, passwordFailures: 0, pushFailures: 0 } : {}),
    ...(clearRisk ? { risk: null, pushPausedUntil: 0 } : {}),
  });
  if (patch.disabled) await endAllSessions(d, user.id);
  const after = await requireUser(d, user.id);
  await audit(d, c.actor, 'user.updated', { type: 'user', id: user.id }, publicUser(user), publicUser(after));
  return publicUser(after);
}

/** Refuses, before anything is read or changed, an action on a user the caller may not manage. */
export async function assertMayManageUser(d: Deps, c: Caller, userId: string): Promise<void> {
  assertMayManage(c, await requireUser(d, userId));
}

export async function resetPassword(d: Deps, c: Caller, userId: string, password: string): Promise<void> {
  const user = await requireUser(d, userId);
  assertMayManage(c, user);
  await setPassword(d, c.actor, user, password);
}

/** Every authenticator of the user (revoked ones too: the helpdesk sees the history) and the pass. */
export async function userMethods(d: Deps, userId: string): Promise<UserMethods> {
  const user = await requireUser(d, userId);
  const tap = await d.repo.getUserTap(user.id);
  return { devices: (await d.repo.listUserDevices(user.id)).map(deviceView), tap: tap ? tapView(tap, d.clock.now()) : null };
}

export async function issueTapFor(d: Deps, c: Caller, userId: string, input: IssueTap): ReturnType<typeof issueTap> {
  const user = await requireUser(d, userId);
  assertMayManage(c, user);
  return issueTap(d, c.actor, user, input);
}

export async function deleteTapOf(d: Deps, c: Caller, userId: string): Promise<void> {
  const user = await requireUser(d, userId);
  assertMayManage(c, user);
  await deleteTap(d, c.actor, user);
}

/** Revokes a lost device. An unknown id is not_found (revokeDevice says so). */
export async function revokeDeviceOf(d: Deps, c: Caller, deviceId: string): Promise<void> {
  const device = await d.repo.getDevice(deviceId);
  const owner = device && (await d.repo.getUser(device.userId));
  if (owner) assertMayManage(c, owner);
  await revokeDevice(d, c.actor, deviceId);
}

export async function userSignInMethods(d: Deps, userId: string): Promise<UserSignInMethods> {
  const user = await requireUser(d, userId);
  const phone = await d.repo.getUserPhone(user.id);
  return { passkeys: (await d.repo.listUserPasskeys(user.id)).map(passkeyView), phone: phone ? phoneView(phone) : null, defaultMethod: await getDefaultMethod(d, user.id) };
}

export async function deletePasskeyOf(d: Deps, c: Caller, userId: string, passkeyId: string): Promise<void> {
  const user = await requireUser(d, userId);
  assertMayManage(c, user);
  await deletePasskey(d, c.actor, user, passkeyId);
}

export async function removePhoneOf(d: Deps, c: Caller, userId: string): Promise<void> {
  const user = await requireUser(d, userId);
  assertMayManage(c, user);
  await removePhone(d, c.actor, user);
}

/**
 * The lab outbox: what the lab SMS provider "sent" and the email notices. Global admins read
 * all of it; the helpdesk only messages to users it may manage: a texted code read by the
 * helpdesk would otherwise sign it in as an administrator.
 */
export async function readOutbox(d: Deps, c: Caller, q: { channel?: OutboxMessage['channel']; to?: string }): Promise<OutboxMessage[]> {
  if (q.to && q.channel === 'sms' && !/^\+[1-9]\d{7,14}$/.test(q.to)) throw new PushkeyError('bad_request', `"${q.to}" is not a phone number in international form`);
  const messages = await d.repo.listOutbox({ ...q, limit: 200 });
  if (hasRole(c.user, 'global_admin')) return messages;
  const readable = new Set<string>();
  for (const id of new Set(messages.flatMap((m) => (m.userId ? [m.userId] : [])))) {
    const user = await d.repo.getUser(id);
    if (user && mayManage(c, user)) readable.add(id);
  }
  return messages.filter((m) => m.userId !== null && readable.has(m.userId));
}
