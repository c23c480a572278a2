// The server's own P-256 key: signs every push; its public half is pinned by devices at
// enrollment. Generated once and kept in settings, so restarts do not break devices.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { toB64u, fromB64u } from '../../../protocol/encoding.ts';
import type { Repository } from '../../storage/repository.ts';

export interface ServerKey {
  /** Raw uncompressed point, base64url. */
  publicKey: string;
  sign(bytes: Uint8Array): string;
}

const SETTING = 'server_key_pkcs8';

export async function loadServerKey(repo: Repository): Promise<ServerKey> {
  let pem = await repo.getSetting(SETTING);
  if (!pem) {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    // Instances starting together on one database must end up with the same key: first writer wins.
    pem = await repo.initSetting(SETTING, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  }
  return serverKeyFrom(createPrivateKey(pem));
}

export function serverKeyFrom(privateKey: KeyObject): ServerKey {
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' });
  const raw = new Uint8Array(65);
  raw[0] = 4;
  raw.set(fromB64u(jwk.x!)!, 1);
  raw.set(fromB64u(jwk.y!)!, 33);
  return {
    publicKey: toB64u(raw),
    sign: (bytes) => toB64u(sign('sha256', bytes, { key: privateKey, dsaEncoding: 'ieee-p1363' })),
  };
}
