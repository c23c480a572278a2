import { createPublicKey, generateKeyPairSync, sign as nodeSign } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { toB64u, utf8 } from './encoding.ts';
import { isValidPublicKey, parsePublicKey, rawToSpki, spkiToRaw, verifyPortable } from './keys.ts';

/** A fresh key pair from node:crypto: raw point and the SPKI node:crypto itself exports. */
function nodeKeyPair() {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = new Uint8Array(publicKey.export({ format: 'der', type: 'spki' }));
  const jwk = publicKey.export({ format: 'jwk' });
  const raw = new Uint8Array(65);
  raw[0] = 0x04;
  raw.set(Buffer.from(jwk.x!, 'base64url'), 1);
  raw.set(Buffer.from(jwk.y!, 'base64url'), 33);
  return { raw, spki, publicKey, privateKey };
}

describe('public keys', () => {
  const { raw } = nodeKeyPair();

  it('accepts a valid uncompressed point', () => {
    expect(isValidPublicKey(raw)).toBe(true);
    expect(parsePublicKey(toB64u(raw))).toEqual(raw);
  });

  it('accepts the generator and a key derived by noble', () => {
    expect(isValidPublicKey(p256.Point.BASE.toBytes(false))).toBe(true);
    expect(isValidPublicKey(p256.getPublicKey(p256.utils.randomSecretKey(), false))).toBe(true);
  });

  it('rejects a point off the curve', () => {
    const off = raw.slice();
    off[64] = off[64]! ^ 1; // y changes by one: no longer on the curve
    expect(isValidPublicKey(off)).toBe(false);
    expect(parsePublicKey(toB64u(off))).toBeNull();
  });

  it('rejects a coordinate not below the field prime', () => {
    const big = new Uint8Array(65).fill(0xff);
    big[0] = 0x04;
    expect(isValidPublicKey(big)).toBe(false);
  });

  it('rejects the wrong length', () => {
    expect(isValidPublicKey(raw.slice(0, 64))).toBe(false);
    expect(isValidPublicKey(Uint8Array.from([...raw, 0]))).toBe(false);
    expect(isValidPublicKey(new Uint8Array(0))).toBe(false);
    expect(parsePublicKey(toB64u(raw.slice(1)))).toBeNull();
  });

  it('rejects a compressed point, even a valid one', () => {
    const compressed = p256.Point.fromBytes(raw).toBytes(true);
    expect(compressed.length).toBe(33);
    expect(isValidPublicKey(compressed)).toBe(false);
    // The 0x02/0x03 prefix in a 65-byte array is not a point either.
    const relabelled = raw.slice();
    relabelled[0] = 0x02;
    expect(isValidPublicKey(relabelled)).toBe(false);
  });

  it('rejects all zeros, and all zeros behind the uncompressed prefix', () => {
    expect(isValidPublicKey(new Uint8Array(65))).toBe(false);
    const zeroPoint = new Uint8Array(65);
    zeroPoint[0] = 0x04;
    expect(isValidPublicKey(zeroPoint)).toBe(false);
  });

  it('answers null for base64url that does not decode', () => {
    expect(parsePublicKey('not base64url!')).toBeNull();
    expect(parsePublicKey(toB64u(raw) + '=')).toBeNull();
  });
});

describe('raw ↔ SPKI', () => {
  it('builds exactly the SPKI that node:crypto exports, and back', () => {
    for (let i = 0; i < 10; i++) {
      const { raw, spki } = nodeKeyPair();
      expect(Buffer.from(rawToSpki(raw)).toString('hex')).toBe(Buffer.from(spki).toString('hex'));
      expect(spkiToRaw(spki)).toEqual(raw);
      expect(spkiToRaw(rawToSpki(raw))).toEqual(raw);
    }
  });

  it('builds an SPKI that node:crypto and WebCrypto import as the same key', async () => {
    const { raw } = nodeKeyPair();
    const spki = rawToSpki(raw);
    const imported = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    expect(imported.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    const cryptoKey = await crypto.subtle.importKey('spki', Buffer.from(spki), { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
    expect(new Uint8Array(await crypto.subtle.exportKey('raw', cryptoKey))).toEqual(raw);
  });

  it('throws a TypeError for a raw key of the wrong length or a foreign SPKI', () => {
    expect(() => rawToSpki(new Uint8Array(64))).toThrow(TypeError);
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    expect(() => spkiToRaw(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })))).toThrow(TypeError);
    expect(() => spkiToRaw(new Uint8Array(91))).toThrow(/P-256/);
  });
});

describe('verifyPortable', () => {
  const { raw, privateKey } = nodeKeyPair();
  const message = utf8('pushkey-v1/respond\nhttps://login.example.com');
  const signature = new Uint8Array(nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'ieee-p1363' }));

  it('accepts a node:crypto signature', () => {
    expect(verifyPortable(signature, message, raw)).toBe(true);
  });

  it('returns false, never throws, for malformed input', () => {
    expect(verifyPortable(signature.slice(0, 63), message, raw)).toBe(false);
    expect(verifyPortable(new Uint8Array(64), message, raw)).toBe(false); // r = s = 0
    expect(verifyPortable(new Uint8Array(64).fill(0xff), message, raw)).toBe(false); // r, s ≥ n
    expect(verifyPortable(signature, message, new Uint8Array(65))).toBe(false);
    expect(verifyPortable(signature, message, raw.slice(0, 33))).toBe(false);
    const der = new Uint8Array(nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'der' }));
    expect(verifyPortable(der, message, raw)).toBe(false);
  });

  it('rejects a signature over other bytes or by another key', () => {
    expect(verifyPortable(signature, utf8('something else'), raw)).toBe(false);
    expect(verifyPortable(signature, message, nodeKeyPair().raw)).toBe(false);
  });
});
