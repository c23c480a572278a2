// The bytes every signature covers, device or server, built in exactly one place.
// Signer and verifier both call these functions; golden vectors in signed-bytes.test.ts
// pin their output. Each message kind has its own domain-separation prefix, so a signature
// made for one kind can never be replayed as another.
//
// Layout: UTF-8 of prefix + "\n" + field + "\n" + field ... with no trailing newline.
// The v2 push has two fields, the origin and the canonical JSON of the request (RFC 8785), so
// its content can grow without changing the layout.
// A field may not contain "\n" (that would let two field lists produce the same bytes);
// passing one is a programming error and throws a TypeError naming the field.

import { utf8 } from './encoding.ts';

export const PREFIX = {
  enroll: 'pushkey-v1/enroll',
  channelAuth: 'pushkey-v1/channel-auth',
  push: 'pushkey-v1/push',
  pushV2: 'pushkey-v2/push',
  poll: 'pushkey-v1/poll',
  respond: 'pushkey-v1/respond',
  respondVerified: 'pushkey-v1/respond-verified',
  passwordlessSetup: 'pushkey-v1/passwordless-setup',
  passwordlessDisable: 'pushkey-v1/passwordless-disable',
  unenroll: 'pushkey-v1/unenroll',
} as const;

function join(prefix: string, fields: Record<string, string | number>): Uint8Array {
  let text = prefix;
  for (const [name, value] of Object.entries(fields)) {
    const s = String(value);
    if (s.includes('\n')) throw new TypeError(`signed field "${name}" must not contain a newline`);
    text += '\n' + s;
  }
  return utf8(text);
}

/** Proof of possession at enrollment: the new key signs the activation code and itself. */
export function enrollBytes(m: {
  origin: string;
  code: string;
  publicKey: string;
  deviceName: string;
  clientVersion: string;
  capabilities: readonly string[];
}): Uint8Array {
  return join(PREFIX.enroll, {
    origin: m.origin,
    code: m.code,
    publicKey: m.publicKey,
    deviceName: m.deviceName,
    clientVersion: m.clientVersion,
    capabilities: m.capabilities.join(','),
  });
}

/** Answer to the channel's hello: binds this socket to the device. */
export function channelAuthBytes(m: { origin: string; nonce: string; deviceId: string }): Uint8Array {
  return join(PREFIX.channelAuth, { origin: m.origin, nonce: m.nonce, deviceId: m.deviceId });
}

/** What the server signs for a v1 push; the device rebuilds it from the fields and verifies it against the key it pinned. */
export function pushBytes(m: {
  origin: string;
  deviceId: string;
  challengeId: string;
  nonce: string;
  kind: string;
  app: string;
  ip: string;
  location: string;
  browser: string;
  time: number;
  expiresAt: number;
}): Uint8Array {
  return join(PREFIX.push, {
    origin: m.origin,
    deviceId: m.deviceId,
    challengeId: m.challengeId,
    nonce: m.nonce,
    kind: m.kind,
    app: m.app,
    ip: m.ip,
    location: m.location,
    browser: m.browser,
    time: m.time,
    expiresAt: m.expiresAt,
  });
}

/**
 * What the server signs for a v2 push: `signed` is canonicalJson() of the request, and the
 * device verifies the text it received, never a re-encoding of what it parsed.
 */
export function pushV2Bytes(m: { origin: string; signed: string }): Uint8Array {
  return join(PREFIX.pushV2, { origin: m.origin, signed: m.signed });
}

/**
 * The device's answer to a request. `number` is "" for deny and report. With
 * `userVerification` (the app lock was opened for this answer) the layout has its own prefix
 * and one more field, so an answer signed without it can never pass for one with it.
 */
export function respondBytes(m: {
  origin: string;
  challengeId: string;
  nonce: string;
  decision: string;
  number: string;
  deviceId: string;
  clientVersion: string;
  userVerification?: string;
}): Uint8Array {
  const fields = {
    origin: m.origin,
    challengeId: m.challengeId,
    nonce: m.nonce,
    decision: m.decision,
    number: m.number,
    deviceId: m.deviceId,
    clientVersion: m.clientVersion,
  };
  return m.userVerification === undefined ? join(PREFIX.respond, fields) : join(PREFIX.respondVerified, { ...fields, userVerification: m.userVerification });
}

/**
 * Device commands that carry no server nonce: poll, passwordless setup and disable, unenroll.
 * They are signed over a timestamp that the server requires to be close to its clock and
 * strictly newer than the last one it accepted from the device, so a replay fails.
 */
export type DeviceCommandType = 'poll' | 'passwordless_setup' | 'passwordless_disable' | 'unenroll';

const COMMAND_PREFIX: Record<DeviceCommandType, string> = {
  poll: PREFIX.poll,
  passwordless_setup: PREFIX.passwordlessSetup,
  passwordless_disable: PREFIX.passwordlessDisable,
  unenroll: PREFIX.unenroll,
};

export function commandBytes(m: { type: DeviceCommandType; origin: string; deviceId: string; timestamp: number }): Uint8Array {
  return join(COMMAND_PREFIX[m.type], { origin: m.origin, deviceId: m.deviceId, timestamp: m.timestamp });
}
