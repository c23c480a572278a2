// The device's keys. Generation and signing go through protocol/webcrypto.ts; this file
// adds the extension's rules: one non-extractable key per account, and pinned server keys
// imported once and cached.
import { exportPublicKey, generateDeviceKey, importPublicKey, openPush, sign, verify, type PushContent, type PushRequest } from '../../protocol/index.ts';

export interface DeviceKey {
  privateKey: CryptoKey;
  /** Raw uncompressed P-256 point, base64url: what the server stores. */
  publicKey: string;
}

/** A fresh key for one account. The private key is extractable:false; exportKey and wrapKey fail. */
export async function createDeviceKey(): Promise<DeviceKey> {
  const pair = await generateDeviceKey();
  return { privateKey: pair.privateKey, publicKey: await exportPublicKey(pair.publicKey) };
}

export const signBytes = (privateKey: CryptoKey, bytes: Uint8Array): Promise<string> => sign(privateKey, bytes);

const pinned = new Map<string, Promise<CryptoKey>>();

function serverKey(b64u: string): Promise<CryptoKey> {
  let key = pinned.get(b64u);
  if (!key) {
    key = importPublicKey(b64u);
    pinned.set(b64u, key);
  }
  return key;
}

/**
 * What the push asks, when it was signed by the server key pinned for this account (v1 or v2,
 * protocol/push.ts); null for a forged or unreadable push. Never throws.
 */
export async function verifyPush(request: PushRequest, origin: string, serverPublicKey: string): Promise<PushContent | null> {
  try {
    const key = await serverKey(serverPublicKey);
    return await openPush(origin, request, (signature, bytes) => verify(key, signature, bytes));
  } catch {
    return null;
  }
}
