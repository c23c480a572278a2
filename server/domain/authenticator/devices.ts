// What a device may ask for itself (signed commands) and what people may do to devices.
import { PushkeyError } from '../../../protocol/errors.ts';
import { notifyUser } from '../methods/registration.ts';
import type { DeviceCommand, Pending, SetupStarted } from '../../../protocol/messages.ts';
import { commandBytes } from '../../../protocol/signed-bytes.ts';
import { actorOf, audit, type Actor } from '../monitoring/audit.ts';
import { buildPush, createChallenge, pendingFor, withdrawUnanswerable, type RequestContext } from './challenges.ts';
import { wallNow, type Deps } from '../deps.ts';
import { atomically } from '../unit-of-work.ts';
import { forgetDeviceKey, verifyDeviceSignature } from './device-keys.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import type { Device, User } from '../types.ts';
import type { DeviceView } from '../../../protocol/http/me.ts';
import { checkPassword } from '../users/users.ts';
import { factorChanged } from '../signin/other-sessions.ts';

/** A device as people see it (the API's DeviceView): never its key. */
export const deviceView = (dev: Device): DeviceView => ({
  id: dev.id,
  name: dev.name,
  passwordless: dev.passwordless,
  clientVersion: dev.clientVersion,
  createdAt: dev.createdAt,
  lastUsedAt: dev.lastUsedAt,
  revokedAt: dev.revokedAt,
});

/** The device exists, is not revoked, and signed this message. */
export async function authenticateDevice(d: Deps, deviceId: string, bytes: Uint8Array, signature: string): Promise<Device> {
  const device = await d.repo.getDevice(deviceId);
  if (!device) throw new PushkeyError('device_unknown', 'This authenticator is not registered with this server.');
  if (!verifyDeviceSignature(device, bytes, signature)) throw new PushkeyError('signature_invalid', 'The device signature does not verify.');
  if (device.revokedAt !== null) throw new PushkeyError('device_revoked', 'This authenticator was removed from the account.');
  return device;
}

export type CommandAnswer = Pending | SetupStarted | { type: 'ok' };

/**
 * Device commands are signed over a timestamp that must be within the allowed skew of our
 * clock and strictly newer than the last one accepted from that device: a replay fails.
 */
export async function runCommand(d: Deps, cmd: DeviceCommand, ctx: RequestContext): Promise<CommandAnswer> {
  const device = await authenticateDevice(d, cmd.deviceId, commandBytes({ type: cmd.type, origin: d.origin, deviceId: cmd.deviceId, timestamp: cmd.timestamp }), cmd.signature);
  // The device signs with its own clock: compared with ours, not with the lab clock's time.
  if (Math.abs(cmd.timestamp - wallNow(d.clock)) > d.limits.commandSkewMs) {
    throw new PushkeyError('clock_skew', "The device's clock is too far from the server's. Check the computer's time.");
  }
  if (!(await d.repo.advanceCommandTimestamp(device.id, cmd.timestamp))) {
    throw new PushkeyError('clock_skew', 'This command is not newer than the last one from this device (replayed?).');
  }
  switch (cmd.type) {
    case 'poll':
      // What the device runs now, so that pushes are refused, or resumed, on what is true today.
      if (cmd.clientVersion || cmd.capabilities) {
        await d.repo.updateDevice(device.id, { clientVersion: cmd.clientVersion ?? device.clientVersion, capabilities: cmd.capabilities ?? device.capabilities });
      }
      // Signed in the push version the device says it reads now.
      return { type: 'pending', requests: await pendingFor(d, { ...device, capabilities: cmd.capabilities ?? device.capabilities }, 'poll') };
    case 'passwordless_setup': {
      const user = await d.repo.getUser(device.userId);
      if (!user) throw new PushkeyError('device_unknown', 'This authenticator is no longer registered.');
      const checked = await checkPassword(d, user, cmd.password);
      const policy = await getAuthenticatorPolicy(d.repo);
      if (!authenticatorRights(policy, checked, [device]).upgradePasswordless) {
        throw new PushkeyError('method_not_allowed', 'Your organization does not allow passwordless sign-in for your account.');
      }
      if (device.passwordless) throw new PushkeyError('conflict', 'Passwordless sign-in is already enabled on this authenticator.');
      const challenge = await createChallenge(d, checked, 'passwordless_setup', ctx, { deviceId: device.id });
      return { type: 'setup_started', request: buildPush(d, challenge, device, policy) };
    }
    case 'passwordless_disable': {
      const user = await d.repo.getUser(device.userId);
      if (device.passwordless) {
        await d.repo.updateDevice(device.id, { passwordless: false });
        await withdrawUnanswerable(d, { ...device, passwordless: false });
        if (user) {
          await audit(d, actorOf(user, ctx.ip), 'device.passwordless_disabled', { type: 'device', id: device.id }, { passwordless: true }, { passwordless: false });
          await factorChanged(d, user.id);
        }
      }
      return { type: 'ok' };
    }
    case 'unenroll': {
      const user = await d.repo.getUser(device.userId);
      if (user) await revokeDevice(d, actorOf(user, ctx.ip), device.id);
      return { type: 'ok' };
    }
  }
}

/** Revokes a device: its key stops verifying, its socket is closed, and it leaves every list of active methods. */
export async function revokeDevice(d: Deps, actor: Actor, deviceId: string): Promise<void> {
  // The socket closes (bus) once revocation, audit entry and notice are committed together.
  await atomically(d, async (tx) => {
    const device = await tx.repo.getDevice(deviceId);
    if (!device) throw new PushkeyError('not_found', 'No such authenticator.');
    if (device.revokedAt !== null) return;
    await tx.repo.updateDevice(device.id, { revokedAt: d.clock.now(), passwordless: false });
    tx.bus.publish({ type: 'revoked', deviceId: device.id });
    await audit(tx, actor, 'device.revoked', { type: 'device', id: device.id }, deviceView(device), null);
    const owner = await tx.repo.getUser(device.userId);
    if (owner) {
      await notifyUser(tx, actor, owner, `The Authenticator app “${device.name}” was removed from your account`);
      await factorChanged(tx, owner.id);
    }
  });
  forgetDeviceKey(deviceId);
}

/**
 * Renames one of the user's own authenticators, so that two of them can be told apart. The
 * name is already parsed (fields.ts DeviceName); two active ones may not share it.
 */
export async function renameDevice(d: Deps, actor: Actor, user: User, deviceId: string, name: string): Promise<DeviceView> {
  const devices = await d.repo.listUserDevices(user.id);
  const device = devices.find((x) => x.id === deviceId);
  if (!device) throw new PushkeyError('not_found', 'No such authenticator.');
  if (device.revokedAt !== null) throw new PushkeyError('device_revoked', 'This authenticator was removed from the account.');
  // Case aside, the same name would not tell the two apart.
  const clash = devices.find((x) => x.id !== device.id && x.revokedAt === null && x.name.localeCompare(name, undefined, { sensitivity: 'accent' }) === 0);
  if (clash) throw new PushkeyError('conflict', `Another of your authenticators is already named “${clash.name}”. Choose a name that tells them apart.`);
  if (device.name === name) return deviceView(device);
  await atomically(d, async (tx) => {
    await tx.repo.updateDevice(device.id, { name });
    await audit(tx, actor, 'device.renamed', { type: 'device', id: device.id }, { name: device.name }, { name });
  });
  return deviceView({ ...device, name });
}
