// Device signature verification on the hot path: node:crypto with one KeyObject cached
// per device (importing a key costs 1–3 verifies; DESIGN.md measured this).
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { fromB64u } from '../../../protocol/encoding.ts';
import { rawToSpki } from '../../../protocol/keys.ts';

const MAX_CACHED = 10_000;
const cache = new Map<string, KeyObject>();

function keyFor(deviceId: string, publicKey: string): KeyObject | null {
  const hit = cache.get(deviceId);
  if (hit) return hit;
  const raw = fromB64u(publicKey);
  if (!raw || raw.length !== 65) return null;
  const key = createPublicKey({ key: Buffer.from(rawToSpki(raw)), format: 'der', type: 'spki' });
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(deviceId, key);
  return key;
}

/**
 * Verifies a device's IEEE-P1363 signature. Never throws on malformed input: false.
 * node:crypto accepts high-S signatures, which WebCrypto produces half the time.
 */
export function verifyDeviceSignature(device: { id: string; publicKey: string }, bytes: Uint8Array, signature: string): boolean {
  const sig = fromB64u(signature);
  if (!sig || sig.length !== 64) return false;
  const key = keyFor(device.id, device.publicKey);
  if (!key) return false;
  try {
    return verify('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    return false;
  }
}

/** Verifies with a key that is not stored yet (enrollment proof). */
export function verifyWithRawKey(publicKey: Uint8Array, bytes: Uint8Array, signature: string): boolean {
  const sig = fromB64u(signature);
  if (!sig || sig.length !== 64) return false;
  try {
    const key = createPublicKey({ key: Buffer.from(rawToSpki(publicKey)), format: 'der', type: 'spki' });
    return verify('sha256', bytes, { key, dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    return false;
  }
}

export function forgetDeviceKey(deviceId: string): void {
  cache.delete(deviceId);
}
