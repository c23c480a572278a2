// WebCrypto helpers shared by the extension and the software authenticator in tests:
// the device key is ECDSA P-256, non-extractable, and signs in IEEE-P1363 (r||s).
import { bufferOf, fromB64u, toB64u } from './encoding.ts';
import { rawToSpki } from './keys.ts';

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** A fresh device key pair. The private key can sign and nothing else: exportKey/wrapKey fail. */
export function generateDeviceKey(subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKeyPair> {
  return subtle.generateKey(ALG, false, ['sign', 'verify']);
}

/** The raw 65-byte public point, base64url. Public keys stay exportable whatever `extractable` says. */
export async function exportPublicKey(key: CryptoKey, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return toB64u(new Uint8Array(await subtle.exportKey('raw', key)));
}

export async function sign(privateKey: CryptoKey, bytes: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<string> {
  return toB64u(new Uint8Array(await subtle.sign(SIGN, privateKey, bufferOf(bytes))));
}

/** Imports a pinned server key from its base64url raw point. */
export function importPublicKey(b64u: string, subtle: SubtleCrypto = crypto.subtle): Promise<CryptoKey> {
  const raw = fromB64u(b64u);
  if (!raw || raw.length !== 65) throw new TypeError('importPublicKey: not a 65-byte raw P-256 point');
  return subtle.importKey('spki', bufferOf(rawToSpki(raw)), ALG, true, ['verify']);
}

/** Verifies a base64url P1363 signature; false for anything malformed. */
export async function verify(publicKey: CryptoKey, signature: string, bytes: Uint8Array, subtle: SubtleCrypto = crypto.subtle): Promise<boolean> {
  const sig = fromB64u(signature);
  if (!sig || sig.length !== 64) return false;
  try {
    return await subtle.verify(SIGN, publicKey, bufferOf(sig), bufferOf(bytes));
  } catch {
    return false;
  }
}
