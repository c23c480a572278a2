// Device signature verification: the server's hot path (every response, channel auth and
// command). Baseline: @noble/curves' portable verify, the path for relying parties without
// node:crypto. DESIGN.md expects the cached KeyObject to be ~35× faster than noble.
import { createPublicKey, verify } from 'node:crypto';
import { fromB64u } from '../protocol/encoding.ts';
import { rawToSpki, verifyPortable } from '../protocol/keys.ts';
import { respondBytes } from '../protocol/signed-bytes.ts';
import { exportPublicKey, generateDeviceKey, sign } from '../protocol/webcrypto.ts';
import { verifyDeviceSignature } from '../server/domain/authenticator/device-keys.ts';
import { durationMs, measure, printTable } from './lib.ts';

export async function run(): Promise<void> {
  const keys = await generateDeviceKey();
  const publicKey = await exportPublicKey(keys.publicKey);
  const raw = fromB64u(publicKey)!;
  const spki = Buffer.from(rawToSpki(raw));
  const messages = await Promise.all(
    Array.from({ length: 64 }, async (_, i) => {
      const bytes = respondBytes({ origin: 'https://id.example', challengeId: 'c'.repeat(22), nonce: 'n'.repeat(22), decision: 'approve', number: String(10 + i), deviceId: 'd'.repeat(22), clientVersion: '1.0.0' });
      return { bytes, sig: await sign(keys.privateKey, bytes) };
    }),
  );
  let i = 0;
  const next = () => messages[i++ % messages.length]!;
  const device = { id: 'bench-device', publicKey };
  const rows = [];
  for (const c of [
    { name: 'noble verifyPortable (lowS:false)', run: () => { const m = next(); if (!verifyPortable(fromB64u(m.sig)!, m.bytes, raw)) throw new Error('bad'); } },
    { name: 'node:crypto, key imported per verify', run: () => { const m = next(); const key = createPublicKey({ key: spki, format: 'der', type: 'spki' }); if (!verify('sha256', m.bytes, { key, dsaEncoding: 'ieee-p1363' }, fromB64u(m.sig)!)) throw new Error('bad'); } },
    { name: 'node:crypto, KeyObject cached (server path)', run: () => { const m = next(); if (!verifyDeviceSignature(device, m.bytes, m.sig)) throw new Error('bad'); } },
  ]) rows.push(await measure(c, durationMs));
  printTable('Device signature verification (P-256, IEEE-P1363)', rows, 'noble verifyPortable (lowS:false)');
}
