// The device key as the extension holds it: WebCrypto ECDSA P-256, non-extractable.
// Runs against Node's globalThis.crypto.subtle, the same API a service worker has.
import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fromB64u, toB64u, utf8 } from './encoding.ts';
import { isValidPublicKey, rawToSpki, verifyPortable } from './keys.ts';
import { respondBytes } from './signed-bytes.ts';
import { exportPublicKey, generateDeviceKey, importPublicKey, sign, verify } from './webcrypto.ts';

const ORDER = p256.Point.Fn.ORDER;
const isHighS = (signature: Uint8Array) => BigInt('0x' + Buffer.from(signature.slice(32)).toString('hex')) > ORDER / 2n;

const nodeKeyOf = (raw: Uint8Array): KeyObject => createPublicKey({ key: Buffer.from(rawToSpki(raw)), format: 'der', type: 'spki' });
const nodeVerifies = (key: KeyObject, signature: Uint8Array, message: Uint8Array) =>
  nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);

// Browsers (and Node ≥ 22) name it InvalidAccessError, as WebCrypto specifies; Node 20's
// WebCrypto throws the same DOMException under the name "InvalidAccessException" (code 0).
const INVALID_ACCESS = /^InvalidAccess(Error|Exception)$/;

/** The DOMException name a promise rejects with ("resolved" if it does not reject). */
async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'resolved';
  } catch (err) {
    expect(err).toBeInstanceOf(DOMException);
    return (err as DOMException).name;
  }
}

const respondFields = {
  origin: 'https://login.example.com',
  challengeId: 'EBESExQVFhcYGRobHB0eHw',
  nonce: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8',
  decision: 'approve',
  number: '42',
  deviceId: 'AAECAwQFBgcICQoLDA0ODw',
  clientVersion: '1.0.0',
};

describe('device key (WebCrypto)', () => {
  let keys: CryptoKeyPair;
  let raw: Uint8Array;
  let nodeKey: KeyObject;

  beforeAll(async () => {
    keys = await generateDeviceKey();
    raw = fromB64u(await exportPublicKey(keys.publicKey))!;
    nodeKey = nodeKeyOf(raw);
  });

  it('is generated non-extractable, ECDSA P-256, able to sign', () => {
    expect(keys.privateKey.extractable).toBe(false);
    expect(keys.privateKey.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(keys.privateKey.usages).toEqual(['sign']);
    expect(isValidPublicKey(raw)).toBe(true);
  });

  it('refuses to export the private key in any format (InvalidAccessError)', async () => {
    for (const format of ['pkcs8', 'jwk', 'raw'] as const) {
      expect(await rejection(crypto.subtle.exportKey(format, keys.privateKey)), format).toMatch(INVALID_ACCESS);
    }
  });

  it('refuses to wrap the private key', async () => {
    const wrapping = await crypto.subtle.generateKey({ name: 'AES-KW', length: 256 }, false, ['wrapKey']);
    expect(await rejection(crypto.subtle.wrapKey('pkcs8', keys.privateKey, wrapping, 'AES-KW'))).toMatch(INVALID_ACCESS);
  });

  it('signs 200 times; node:crypto and verifyPortable accept every signature, high-S ones included', async () => {
    let highS = 0;
    for (let i = 0; i < 200; i++) {
      const message = respondBytes({ ...respondFields, number: String(10 + (i % 90)), challengeId: toB64u(Uint8Array.from({ length: 16 }, (_, j) => (i + j) & 0xff)) });
      const signature = fromB64u(await sign(keys.privateKey, message))!;
      expect(signature.length).toBe(64);
      expect(nodeVerifies(nodeKey, signature, message), `node:crypto #${i}`).toBe(true);
      expect(verifyPortable(signature, message, raw), `verifyPortable #${i}`).toBe(true);
      if (isHighS(signature)) highS++;
    }
    // WebCrypto does not normalise s: about half are high-S. If none were, this test
    // would no longer prove that the lowS:false of verifyPortable matters. P(0 of 200) = 2^-200.
    expect(highS).toBeGreaterThan(0);
    expect(highS).toBeLessThan(200);
  });

  it('would reject the high-S ones if lowS were left at noble’s default (the trap stays covered)', async () => {
    for (;;) {
      const message = utf8(`probe ${Math.random()}`);
      const signature = fromB64u(await sign(keys.privateKey, message))!;
      if (!isHighS(signature)) continue;
      expect(p256.verify(signature, message, raw, { format: 'compact' })).toBe(false);
      expect(verifyPortable(signature, message, raw)).toBe(true);
      return;
    }
  });

  it('verifies through the WebCrypto helpers with an imported pinned key', async () => {
    const message = respondBytes(respondFields);
    const signature = await sign(keys.privateKey, message);
    const pinned = await importPublicKey(toB64u(raw));
    expect(await verify(pinned, signature, message)).toBe(true);
    expect(await verify(pinned, signature, utf8('other'))).toBe(false);
    expect(await verify(pinned, 'not a signature', message)).toBe(false);
    expect(await verify(pinned, toB64u(new Uint8Array(63)), message)).toBe(false);
    expect(() => importPublicKey(toB64u(raw.slice(1)))).toThrow(TypeError);
  });
});

describe('tampering with a signed response', () => {
  let raw: Uint8Array;
  let nodeKey: KeyObject;
  let message: Uint8Array;
  let signature: Uint8Array;

  beforeAll(async () => {
    const keys = await generateDeviceKey();
    raw = fromB64u(await exportPublicKey(keys.publicKey))!;
    nodeKey = nodeKeyOf(raw);
    message = respondBytes(respondFields);
    signature = fromB64u(await sign(keys.privateKey, message))!;
  });

  const flip = (bytes: Uint8Array, index: number, xor: number) => {
    const copy = bytes.slice();
    copy[index % copy.length] = copy[index % copy.length]! ^ xor;
    return copy;
  };
  const change = fc.record({ index: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) });

  it('starts from a signature that verifies', () => {
    expect(nodeVerifies(nodeKey, signature, message)).toBe(true);
    expect(verifyPortable(signature, message, raw)).toBe(true);
  });

  it('fails verification after any one-byte change to the signed bytes', () => {
    fc.assert(
      fc.property(change, ({ index, xor }) => {
        const tampered = flip(message, index, xor);
        expect(nodeVerifies(nodeKey, signature, tampered)).toBe(false);
        expect(verifyPortable(signature, tampered, raw)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('fails verification after any one-byte change to the signature', () => {
    fc.assert(
      fc.property(change, ({ index, xor }) => {
        const tampered = flip(signature, index, xor);
        expect(nodeVerifies(nodeKey, tampered, message)).toBe(false);
        expect(verifyPortable(tampered, message, raw)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('fails verification when any field the server rebuilds the bytes from differs', () => {
    const names = Object.keys(respondFields) as (keyof typeof respondFields)[];
    fc.assert(
      fc.property(fc.constantFrom(...names), fc.string({ minLength: 0, maxLength: 30 }).filter((s) => !s.includes('\n')), (name, value) => {
        if (respondFields[name] === value) return;
        const rebuilt = respondBytes({ ...respondFields, [name]: value });
        expect(nodeVerifies(nodeKey, signature, rebuilt)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
