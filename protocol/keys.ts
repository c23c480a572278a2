// Public keys on the wire: validation, raw ↔ SPKI, and a portable verifier for relying
// parties that have no node:crypto. @noble/curves does the curve arithmetic.
import { p256 } from '@noble/curves/nist.js';
import { fromB64u } from './encoding.ts';

// DER prefix of SubjectPublicKeyInfo for id-ecPublicKey / prime256v1 with a 65-byte point.
const SPKI_P256_PREFIX = Uint8Array.from([
  0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
  0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
]);

/** True when `raw` is a 65-byte uncompressed point that lies on P-256 (and is not the identity). */
export function isValidPublicKey(raw: Uint8Array): boolean {
  if (raw.length !== 65 || raw[0] !== 0x04) return false;
  try {
    p256.Point.fromBytes(raw).assertValidity();
    return true;
  } catch {
    return false;
  }
}

/** Decodes and validates a base64url public key; null when it is not a point on the curve. */
export function parsePublicKey(b64u: string): Uint8Array | null {
  const raw = fromB64u(b64u);
  return raw && isValidPublicKey(raw) ? raw : null;
}

export function rawToSpki(raw: Uint8Array): Uint8Array {
  if (raw.length !== 65) throw new TypeError('rawToSpki: publicKey must be 65 bytes');
  const out = new Uint8Array(SPKI_P256_PREFIX.length + 65);
  out.set(SPKI_P256_PREFIX);
  out.set(raw, SPKI_P256_PREFIX.length);
  return out;
}

export function spkiToRaw(spki: Uint8Array): Uint8Array {
  const prefixOk = spki.length === SPKI_P256_PREFIX.length + 65 && SPKI_P256_PREFIX.every((b, i) => spki[i] === b);
  if (!prefixOk) throw new TypeError('spkiToRaw: not a P-256 SubjectPublicKeyInfo');
  return spki.slice(SPKI_P256_PREFIX.length);
}

/**
 * Portable ECDSA P-256 / SHA-256 verify of an IEEE-P1363 (r||s) signature.
 * Never throws on malformed input: returns false.
 */
export function verifyPortable(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64) return false;
  try {
    // lowS:false: WebCrypto does not normalise s, so half of honest signatures are high-S.
    return p256.verify(signature, message, publicKey, { lowS: false, prehash: true, format: 'compact' });
  } catch {
    return false;
  }
}
