// Adding the authenticator: an activation code shown as a QR code, then the device's
// enrollment with proof of possession of its new key.
import { ACTIVATION_CODE_RANDOM_BYTES, activationCodeFrom, readActivationCode } from '../../../protocol/activation-code.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import type { ActivationStatus, ActivationView } from '../../../protocol/http/me.ts';
import { buildEnrollUri } from '../../../protocol/enroll-uri.ts';
import { parsePublicKey } from '../../../protocol/keys.ts';
import type { Enrolled, EnrollRequest } from '../../../protocol/messages.ts';
import { enrollBytes } from '../../../protocol/signed-bytes.ts';
import { compareVersions } from '../../../protocol/version.ts';
import { actorOf, audit } from '../monitoring/audit.ts';
import { assertMayRegister, notifyUser } from '../methods/registration.ts';
import { hashSecret, newId, type Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { verifyWithRawKey } from './device-keys.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import type { Activation, Device, Session, User } from '../types.ts';
import { factorChanged } from '../signin/other-sessions.ts';

export const TENANT_SETTING = 'tenant.name';
export async function tenantName(d: Deps): Promise<string> {
  return (await d.repo.getSetting(TENANT_SETTING)) ?? 'pushkey';
}

export type { ActivationStatus, ActivationView } from '../../../protocol/http/me.ts';

/** A new activation for the signed-in user: the policy must allow the authenticator, and registration protection this session. */
export async function createActivation(d: Deps, session: Session, user: User): Promise<ActivationView> {
  await assertMayRegister(d, session, user);
  const policy = await getAuthenticatorPolicy(d.repo);
  const rights = authenticatorRights(policy, user, await d.repo.listUserDevices(user.id));
  if (!rights.register) throw new PushkeyError('method_not_allowed', 'Your organization does not allow the authenticator for your account.');
  // DESIGN: ≥128 random bits (130 here), single use, 10 minutes, stored hashed.
  const code = activationCodeFrom(d.random.bytes(ACTIVATION_CODE_RANDOM_BYTES));
  const now = d.clock.now();
  const activation: Activation = {
    id: newId(d),
    codeHash: hashSecret(code),
    userId: user.id,
    createdAt: now,
    expiresAt: now + d.limits.activationLifetimeMs,
    usedAt: null,
    deviceId: null,
  };
  await d.repo.createActivation(activation);
  const uri = buildEnrollUri({ origin: d.origin, code, user: user.upn, tenant: await tenantName(d) });
  return { activationId: activation.id, code, uri, serverUrl: d.origin, expiresAt: activation.expiresAt };
}


export async function activationStatus(d: Deps, user: User, activationId: string): Promise<ActivationStatus> {
  const a = await d.repo.getActivation(activationId);
  if (!a || a.userId !== user.id) throw new PushkeyError('not_found', 'No such activation.');
  if (a.deviceId) return { status: 'registered', deviceId: a.deviceId };
  return { status: a.usedAt === null && d.clock.now() < a.expiresAt ? 'pending' : 'expired' };
}

/**
 * "Can't scan image?" showed the activation's code as text. Audited with the activation as the
 * correlation id, which the device's enrollment carries too: the lab board tells a typed code
 * from a scanned one by it.
 */
export async function noteCodeShown(d: Deps, user: User, activationId: string, ip: string): Promise<void> {
  const a = await d.repo.getActivation(activationId);
  if (!a || a.userId !== user.id) throw new PushkeyError('not_found', 'No such activation.');
  await audit(d, actorOf(user, ip), 'activation.code_shown', { type: 'activation', id: a.id }, null, null, a.id);
}

export async function enroll(d: Deps, req: EnrollRequest, ip: string): Promise<Enrolled> {
  // The public key is a point on P-256.
  const publicKey = parsePublicKey(req.publicKey);
  if (!publicKey) throw new PushkeyError('bad_request', 'Invalid enrollment field "publicKey": not a point on P-256');
  // The new key signed this exact enrollment (proof of possession), before the code is spent.
  const bytes = enrollBytes({ origin: d.origin, ...req });
  if (!verifyWithRawKey(publicKey, bytes, req.proof)) throw new PushkeyError('signature_invalid', 'The enrollment proof does not verify.');
  const policy = await getAuthenticatorPolicy(d.repo);
  // Old clients that cannot number-match are refused.
  if (!req.capabilities.includes('number_match') || compareVersions(req.clientVersion, policy.minClientVersion) < 0) {
    throw new PushkeyError('client_update_required', `Update required: this server needs authenticator version ${policy.minClientVersion} or later with number matching.`);
  }
  // The code is known, unused and unexpired: consumed in the same write.
  const now = d.clock.now();
  // Hashed in its canonical form, however it was typed (the parser already reads it so).
  const typed = readActivationCode(req.code);
  // Code spent, device, its link to the code, audit entry and notice: all or nothing, so a crash
  // mid-way never leaves an active device the user was not told of.
  const { user, device } = await atomically(d, async (tx) => {
    const activation = 'code' in typed ? await tx.repo.consumeActivation(hashSecret(typed.code), now) : null;
    if (!activation) throw new PushkeyError('code_invalid', 'This activation code has expired or was already used. Generate a new QR code.');
    const user = await tx.repo.getUser(activation.userId);
    if (!user || user.disabled) throw new PushkeyError('code_invalid', 'This activation code is no longer valid.');
    const device: Device = {
      id: newId(d),
      userId: user.id,
      publicKey: req.publicKey,
      name: req.deviceName,
      clientVersion: req.clientVersion,
      capabilities: req.capabilities,
      passwordless: false,
      createdAt: now,
      lastUsedAt: null,
      revokedAt: null,
      lastCommandAt: 0,
    };
    await tx.repo.createDevice(device);
    await tx.repo.setActivationDevice(activation.id, device.id);
    await audit(tx, actorOf(user, ip), 'device.registered', { type: 'device', id: device.id }, null, { name: device.name, clientVersion: device.clientVersion }, activation.id);
    await notifyUser(tx, actorOf(user, ip), user, `The Authenticator app “${device.name}” was added to your account`);
    await factorChanged(tx, user.id);
    return { user, device };
  });
  return {
    type: 'enrolled',
    origin: d.origin,
    deviceId: device.id,
    accountId: user.id,
    upn: user.upn,
    displayName: user.displayName,
    tenant: await tenantName(d),
    serverPublicKey: d.serverKey.publicKey,
  };
}
