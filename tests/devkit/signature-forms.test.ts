// The checker's low-S and high-S forms of a signature, pinned against the signature vector of
// docs/protocol.md §12 (the same signature with s and with n − s).
import { expect, it } from 'vitest';
import { fromB64u, toB64u } from '../../protocol/encoding.ts';
import { isHighS, toHighS, toLowS } from '../../devkit/faults.ts';

const hex = (h: string) => toB64u(Uint8Array.from(Buffer.from(h, 'hex')));
const LOW = hex('12a4a0152da5b6f2e6dfca45a9cf19258c80e297881b032f188925a5e0961efb34ee97574ba48fe34d1f1bbf08a3203e89ff85c241e796f9a5889e87229c64ef');
const HIGH = hex('12a4a0152da5b6f2e6dfca45a9cf19258c80e297881b032f188925a5e0961efbcb1168a7b45b701db2e0e440f75cdfc132e774eb6530078b4e312c3bd9c6c062');

it('turns the §12 low-S signature into its high-S twin and back', () => {
  expect(toHighS(LOW)).toBe(HIGH);
  expect(toLowS(HIGH)).toBe(LOW);
  expect(toLowS(LOW)).toBe(LOW);
  expect(toHighS(HIGH)).toBe(HIGH);
  expect(isHighS(fromB64u(HIGH)!)).toBe(true);
  expect(isHighS(fromB64u(LOW)!)).toBe(false);
});

it('leaves what is not a 64-byte signature as it is', () => {
  expect(toHighS('AAAA')).toBe('AAAA');
  expect(toLowS('not base64url!')).toBe('not base64url!');
});
