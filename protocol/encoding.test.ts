import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bufferOf, fromB64u, toB64u, utf8 } from './encoding.ts';

const bytesOf = (text: string) => fromB64u(text) && Array.from(fromB64u(text)!);

describe('base64url', () => {
  it('matches RFC 4648 §10 test vectors, without padding and with the URL alphabet', () => {
    const cases: [string, string][] = [
      ['', ''],
      ['f', 'Zg'],
      ['fo', 'Zm8'],
      ['foo', 'Zm9v'],
      ['foob', 'Zm9vYg'],
      ['fooba', 'Zm9vYmE'],
      ['foobar', 'Zm9vYmFy'],
    ];
    for (const [plain, encoded] of cases) {
      expect(toB64u(utf8(plain))).toBe(encoded);
      expect(fromB64u(encoded)).toEqual(utf8(plain));
    }
    expect(toB64u(Uint8Array.from([0xfb, 0xff, 0xbf]))).toBe('-_-_');
    expect(bytesOf('-_-_')).toEqual([0xfb, 0xff, 0xbf]);
  });

  it('agrees with Node’s base64url for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(toB64u(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
      }),
    );
  });

  it('round-trips any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        expect(fromB64u(toB64u(bytes))).toEqual(bytes);
      }),
    );
  });

  it('round-trips every canonical string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const text = Buffer.from(bytes).toString('base64url');
        expect(toB64u(fromB64u(text)!)).toBe(text);
      }),
    );
  });

  it('rejects padding', () => {
    expect(fromB64u('Zg==')).toBeNull();
    expect(fromB64u('Zm8=')).toBeNull();
    expect(fromB64u('Zm9v=')).toBeNull();
  });

  it('rejects characters outside the URL alphabet', () => {
    for (const text of ['Zm9+', 'Zm9/', 'Zm 9v', 'Zm9v\n', 'Zm9ü', 'Zm9.', ' Zm9v']) expect(fromB64u(text), text).toBeNull();
  });

  it('rejects a length of 1 modulo 4', () => {
    for (const text of ['A', 'Zm9vY', 'Zm9vYmFyZ']) expect(fromB64u(text), text).toBeNull();
  });

  it('rejects non-canonical trailing bits, so one byte string has one spelling', () => {
    // "Zg" is 0x66; "Zh".."Zv" carry the same byte plus non-zero unused bits.
    expect(bytesOf('Zg')).toEqual([0x66]);
    for (const text of ['Zh', 'Zi', 'Zv']) expect(fromB64u(text), text).toBeNull();
    // "Zm8" is 0x66 0x6f; "Zm9" differs only in the two unused bits.
    expect(bytesOf('Zm8')).toEqual([0x66, 0x6f]);
    expect(fromB64u('Zm9')).toBeNull();
  });

  it('rejects any string whose unused bits are not zero (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 50 }).filter((b) => b.length % 3 !== 0), fc.integer({ min: 1, max: 15 }), (bytes, noise) => {
        const text = toB64u(bytes);
        const unusedBits = bytes.length % 3 === 1 ? 4 : 2;
        const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
        const last = alphabet.indexOf(text[text.length - 1]!);
        const flipped = last ^ (noise & ((1 << unusedBits) - 1));
        if (flipped === last) return;
        expect(fromB64u(text.slice(0, -1) + alphabet[flipped])).toBeNull();
      }),
    );
  });

  it('copies into a fresh ArrayBuffer for WebCrypto', () => {
    const backing = new Uint8Array(8).fill(7);
    const view = backing.subarray(2, 5);
    const copy = bufferOf(view);
    expect(Array.from(copy)).toEqual([7, 7, 7]);
    expect(copy.buffer).not.toBe(backing.buffer);
    expect(copy.buffer.byteLength).toBe(3);
  });
});
