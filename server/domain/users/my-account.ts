// My Account: what the signed-in user reads and changes of their own. Every change of a
// method checks registration protection here, whichever page asked for it.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Me, MyMethods, PasswordlessSetup } from '../../../protocol/http/me.ts';
import type { MySignInMethods } from '../../../protocol/http/methods.ts';
import type { Caller } from '../admin/caller.ts';
import { effectiveStatus } from '../authenticator/challenges.ts';
import type { Deps } from '../deps.ts';
import { deviceView, revokeDevice } from '../authenticator/devices.ts';
import { tenantName } from '../authenticator/enrollment.ts';
import { getDefaultMethod, usableMethods } from '../signin/method-order.ts';
import { deletePasskey, passkeyRights, passkeyView } from '../methods/passkeys.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import { assertMayRegister, registrationRefusal } from '../methods/registration.ts';
import { phoneView, removePhone, smsRights } from '../methods/sms.ts';
import { tapView } from '../methods/tap.ts';
import type { ChallengeStatus } from '../types.ts';
import { publicUser } from './users.ts';

export async function accountOverview(d: Deps, c: Caller): Promise<Me> {
  return { user: publicUser(c.user), tenant: await tenantName(d), session: { createdAt: c.session.createdAt, methods: c.session.methods } };
}

/** The user's active authenticators, what the policy lets them do, and their pass. */
export async function myAuthenticators(d: Deps, c: Caller): Promise<MyMethods> {
  const devices = await d.repo.listUserDevices(c.user.id);
  const policy = await getAuthenticatorPolicy(d.repo);
  const tap = await d.repo.getUserTap(c.user.id);
  return {
    devices: devices.filter((x) => x.revokedAt === null).map(deviceView),
    rights: authenticatorRights(policy, c.user, devices),
    tap: tap ? tapView(tap, d.clock.now()) : null,
  };
}

export async function myChallengeStatus(d: Deps, c: Caller, challengeId: string): Promise<{ challengeId: string; status: ChallengeStatus }> {
  const challenge = await d.repo.getChallenge(challengeId);
  if (!challenge || challenge.userId !== c.user.id) throw new PushkeyError('not_found', 'No such request.');
  return { challengeId: challenge.id, status: effectiveStatus(challenge, d.clock.now()) };
}

/** The newest waiting "Set up passwordless sign-in" request of the user's devices, with its number. */
export async function pendingPasswordlessSetup(d: Deps, c: Caller): Promise<PasswordlessSetup> {
  const now = d.clock.now();
  const devices = await d.repo.listUserDevices(c.user.id);
  const pending = (await Promise.all(devices.map((dev) => d.repo.listPendingForDevice(dev, now))))
    .flat()
    .filter((x) => x.kind === 'passwordless_setup')
    .sort((a, b) => b.createdAt - a.createdAt)[0];
  const device = pending && devices.find((x) => x.id === pending.deviceId);
  return { pending: pending ? { challengeId: pending.id, number: pending.number, expiresAt: pending.expiresAt, deviceName: device?.name ?? '' } : null };
}

/** Removes one of the user's own authenticators; an already revoked one needs no protection. */
export async function removeMyDevice(d: Deps, c: Caller, deviceId: string): Promise<void> {
  const device = await d.repo.getDevice(deviceId);
  if (!device || device.userId !== c.user.id) throw new PushkeyError('not_found', 'No such authenticator.');
  if (device.revokedAt === null) await assertMayRegister(d, c.session, c.user, 'remove');
  await revokeDevice(d, c.actor, deviceId);
}

export async function removeMyPasskey(d: Deps, c: Caller, passkeyId: string): Promise<void> {
  await assertMayRegister(d, c.session, c.user, 'remove');
  await deletePasskey(d, c.actor, c.user, passkeyId);
}

/** Removes the user's phone number; an unverified one was never a method, so taking it back needs nothing more. */
export async function removeMyPhone(d: Deps, c: Caller): Promise<void> {
  if ((await d.repo.getUserPhone(c.user.id))?.verifiedAt) await assertMayRegister(d, c.session, c.user, 'remove');
  await removePhone(d, c.actor, c.user);
}

export async function mySignInMethods(d: Deps, c: Caller): Promise<MySignInMethods> {
  const phone = await d.repo.getUserPhone(c.user.id);
  const [pk, sms, usable] = await Promise.all([passkeyRights(d, c.user), smsRights(d, c.user), usableMethods(d, c.user)]);
  return {
    passkeys: (await d.repo.listUserPasskeys(c.user.id)).map(passkeyView),
    phone: phone ? phoneView(phone) : null,
    rights: { passkey: pk.register, sms: sms.register },
    defaultMethod: (await getDefaultMethod(d, c.user.id)) ?? null,
    usable: [...usable],
    registrationRefusal: await registrationRefusal(d, c.session, c.user),
  };
}
