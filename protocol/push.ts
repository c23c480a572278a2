// A push from what it asks to the frame on the wire (sealPush, on the server) and back
// (openPush, on the device), in either version:
// - v1 signs the content's fields positionally; the device rebuilds the bytes from the fields
//   it knows, so it can check only a push with exactly those fields.
// - v2 signs the canonical JSON of the content (RFC 8785) and sends that very text; the device
//   verifies the bytes it received, then reads the fields it knows and drops the others. A
//   server can add a context field without breaking a device that does not know it.
// The server sends v2 to a device that announced the push_canonical capability, v1 to the others.
import * as v from 'valibot';
import { canonicalJson } from './canonical-json.ts';
import { PushContent, type PushRequest } from './messages.ts';
import { pushBytes, pushV2Bytes } from './signed-bytes.ts';
import type { Capability } from './version.ts';

export type PushVersion = 1 | 2;

/**
 * The capability a device announces (enrollment, poll, response) to be sent v2 pushes. No digit
 * in it: a v1 server refuses any capability outside ^[a-z_]{1,32}$, and must keep enrolling it.
 */
export const PUSH_V2: Capability = 'push_canonical';

/** The push version to send a device, from the capabilities it last announced. */
export const pushVersionFor = (capabilities: readonly string[]): PushVersion => (capabilities.includes(PUSH_V2) ? 2 : 1);

/**
 * The frame for `content`, signed with `sign` (the server key). `content` may hold context
 * fields beyond the ones this code knows: v2 signs and sends them as they are.
 */
export function sealPush(origin: string, content: PushContent, version: PushVersion, sign: (bytes: Uint8Array) => string): PushRequest {
  if (version === 1) {
    // v1 carries the four fields its bytes cover and no other: a field it cannot sign, it does not send.
    const { ip, location, browser, time } = content.context;
    const fields = { deviceId: content.deviceId, challengeId: content.challengeId, nonce: content.nonce, kind: content.kind, app: content.app, expiresAt: content.expiresAt };
    const serverSignature = sign(pushBytes({ origin, ...fields, ip, location, browser, time }));
    return { type: 'request', ...fields, context: { ip, location, browser, time }, serverSignature };
  }
  const signed = canonicalJson(content);
  return { type: 'request', v: 2, deviceId: content.deviceId, challengeId: content.challengeId, signed, serverSignature: sign(pushV2Bytes({ origin, signed })) };
}

/** Reads a v2 push's signed text; null when it is not JSON or lacks a field this device needs. Never throws. */
function readSigned(frame: Extract<PushRequest, { v: 2 }>): PushContent | null {
  let value: unknown;
  try {
    value = JSON.parse(frame.signed);
  } catch {
    return null;
  }
  // v.object drops the fields this device does not know, in the context as at the top.
  const content = v.safeParse(PushContent, value);
  if (!content.success) return null;
  // The copies outside `signed` only route the frame: they must name what was signed.
  if (content.output.deviceId !== frame.deviceId || content.output.challengeId !== frame.challengeId) return null;
  return content.output;
}

/**
 * What a push asks, once its server signature verifies over the bytes of its version; null
 * otherwise, or when it cannot be read. `verify` checks a signature with the key pinned for the
 * account (and returns false, never throws, on malformed input). Never throws.
 */
export async function openPush(
  origin: string,
  frame: PushRequest,
  verify: (signature: string, bytes: Uint8Array) => Promise<boolean> | boolean,
): Promise<PushContent | null> {
  try {
    if (frame.v === 2) {
      // The exact text received is what is verified; only then is it parsed.
      if (!(await verify(frame.serverSignature, pushV2Bytes({ origin, signed: frame.signed })))) return null;
      return readSigned(frame);
    }
    const { type: _type, v: _v, serverSignature, ...content } = frame;
    const bytes = pushBytes({ origin, ...content, ...content.context });
    return (await verify(serverSignature, bytes)) ? content : null;
  } catch {
    return null;
  }
}

/**
 * What a push claims, unverified: only for the record of a push that was rejected, never to
 * show or answer. Null when a v2 push's signed text cannot be read.
 */
export function claimedContent(frame: PushRequest): PushContent | null {
  if (frame.v === 2) return readSigned(frame);
  const { type: _type, v: _v, serverSignature: _signature, ...content } = frame;
  return content;
}
