// Golden vectors: fixed inputs → the exact bytes every signer and verifier must build.
// The same hex appears in docs/protocol.md ("Golden vectors"); the last test here reads
// it back from there so the spec and the code cannot drift apart.
import { readFileSync } from 'node:fs';
import { createPublicKey, verify as nodeVerify } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { activationCodeFrom } from './activation-code.ts';
import { toB64u } from './encoding.ts';
import { rawToSpki, verifyPortable } from './keys.ts';
import {
  PREFIX,
  channelAuthBytes,
  commandBytes,
  enrollBytes,
  pushBytes,
  pushV2Bytes,
  respondBytes,
} from './signed-bytes.ts';
import { canonicalJson } from './canonical-json.ts';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const unhex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const seq = (start: number, length: number) => Uint8Array.from({ length }, (_, i) => start + i);

// ---- Fixed inputs (docs/protocol.md lists the same ones) ----

/** Test-only private key: the P-256 key of RFC 6979 §A.2.5. Never use it for anything real. */
const PRIVATE_KEY_HEX = 'c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721';
const PUBLIC_KEY_HEX =
  '0460fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6' +
  '7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299';

const origin = 'https://login.example.com';
const deviceId = toB64u(seq(0x00, 16)); // AAECAwQFBgcICQoLDA0ODw
const challengeId = toB64u(seq(0x10, 16)); // EBESExQVFhcYGRobHB0eHw
const nonce = toB64u(seq(0x20, 32)); // ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8
const code = activationCodeFrom(seq(0x40, 26)); // 0123456789ABCDEFGHJKMNPQRSQ9
const publicKey = toB64u(unhex(PUBLIC_KEY_HEX));

/** The v1 push's inputs as the request a v2 push signs. */
const pushContent = {
  deviceId,
  challengeId,
  nonce,
  kind: 'passwordless',
  app: 'My Account',
  context: { ip: '203.0.113.7', location: 'Zürich, CH', browser: 'Firefox 140 on Linux', time: 1790000000000 },
  expiresAt: 1790000090000,
} as const;

const built: Record<string, Uint8Array> = {
  'enroll': enrollBytes({
    origin,
    code,
    publicKey,
    deviceName: 'Chrome on Zoë’s laptop',
    clientVersion: '1.0.0',
    capabilities: ['number_match', 'passwordless', 'report'],
  }),
  'channel-auth': channelAuthBytes({ origin, nonce, deviceId }),
  'push': pushBytes({
    origin,
    deviceId,
    challengeId,
    nonce,
    kind: 'passwordless',
    app: 'My Account',
    ip: '203.0.113.7',
    location: 'Zürich, CH',
    browser: 'Firefox 140 on Linux',
    time: 1790000000000,
    expiresAt: 1790000090000,
  }),
  'push-v2': pushV2Bytes({ origin, signed: canonicalJson(pushContent) }),
  // A context field this code does not know (as a newer server may add): signed like the others.
  'push-v2-extra': pushV2Bytes({ origin, signed: canonicalJson({ ...pushContent, context: { ...pushContent.context, risk: 'low' } }) }),
  'respond-approve': respondBytes({ origin, challengeId, nonce, decision: 'approve', number: '42', deviceId, clientVersion: '1.0.0' }),
  'respond-deny': respondBytes({ origin, challengeId, nonce, decision: 'deny', number: '', deviceId, clientVersion: '1.0.0' }),
  'respond-verified': respondBytes({ origin, challengeId, nonce, decision: 'approve', number: '42', deviceId, clientVersion: '1.0.0', userVerification: 'pin' }),
  'poll': commandBytes({ type: 'poll', origin, deviceId, timestamp: 1790000000000 }),
  'passwordless-setup': commandBytes({ type: 'passwordless_setup', origin, deviceId, timestamp: 1790000000001 }),
  'passwordless-disable': commandBytes({ type: 'passwordless_disable', origin, deviceId, timestamp: 1790000000002 }),
  'unenroll': commandBytes({ type: 'unenroll', origin, deviceId, timestamp: 1790000000003 }),
};

// ---- Pinned output ----

const GOLDEN: Record<string, string> = {
  'enroll':
    '707573686b65792d76312f656e726f6c6c0a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a3031323334353637383941424344454647484a4b4d4e5051525351390a4247442d314c6f6c5770307879574872644d593162576a41536269534f324836624f5a705969356738702d326551502d45416934764a6d6b47756e70566969385a504c787367777466703952643650436c4e524749706b0a4368726f6d65206f6e205a6fc3abe2809973206c6170746f700a312e302e300a6e756d6265725f6d617463682c70617373776f72646c6573732c7265706f7274',
  'channel-auth':
    '707573686b65792d76312f6368616e6e656c2d617574680a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a380a41414543417751464267634943516f4c4441304f4477',
  'push':
    '707573686b65792d76312f707573680a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a41414543417751464267634943516f4c4441304f44770a45424553457851564668635947526f624842306548770a494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a380a70617373776f72646c6573730a4d79204163636f756e740a3230332e302e3131332e370a5ac3bc726963682c2043480a46697265666f7820313430206f6e204c696e75780a313739303030303030303030300a31373930303030303930303030',
  'push-v2':
    '707573686b65792d76322f707573680a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a7b22617070223a224d79204163636f756e74222c226368616c6c656e67654964223a2245424553457851564668635947526f62484230654877222c22636f6e74657874223a7b2262726f77736572223a2246697265666f7820313430206f6e204c696e7578222c226970223a223230332e302e3131332e37222c226c6f636174696f6e223a225ac3bc726963682c204348222c2274696d65223a313739303030303030303030307d2c226465766963654964223a2241414543417751464267634943516f4c4441304f4477222c22657870697265734174223a313739303030303039303030302c226b696e64223a2270617373776f72646c657373222c226e6f6e6365223a22494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a38227d',
  'push-v2-extra':
    '707573686b65792d76322f707573680a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a7b22617070223a224d79204163636f756e74222c226368616c6c656e67654964223a2245424553457851564668635947526f62484230654877222c22636f6e74657874223a7b2262726f77736572223a2246697265666f7820313430206f6e204c696e7578222c226970223a223230332e302e3131332e37222c226c6f636174696f6e223a225ac3bc726963682c204348222c227269736b223a226c6f77222c2274696d65223a313739303030303030303030307d2c226465766963654964223a2241414543417751464267634943516f4c4441304f4477222c22657870697265734174223a313739303030303039303030302c226b696e64223a2270617373776f72646c657373222c226e6f6e6365223a22494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a38227d',
  'respond-verified':
    '707573686b65792d76312f726573706f6e642d76657269666965640a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a45424553457851564668635947526f624842306548770a494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a380a617070726f76650a34320a41414543417751464267634943516f4c4441304f44770a312e302e300a70696e',
  'respond-approve':
    '707573686b65792d76312f726573706f6e640a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a45424553457851564668635947526f624842306548770a494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a380a617070726f76650a34320a41414543417751464267634943516f4c4441304f44770a312e302e30',
  'respond-deny':
    '707573686b65792d76312f726573706f6e640a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a45424553457851564668635947526f624842306548770a494345694979516c4a69636f4b536f724c4330754c7a41784d6a4d304e5459334f446b364f7a7739506a380a64656e790a0a41414543417751464267634943516f4c4441304f44770a312e302e30',
  'poll':
    '707573686b65792d76312f706f6c6c0a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a41414543417751464267634943516f4c4441304f44770a31373930303030303030303030',
  'passwordless-setup':
    '707573686b65792d76312f70617373776f72646c6573732d73657475700a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a41414543417751464267634943516f4c4441304f44770a31373930303030303030303031',
  'passwordless-disable':
    '707573686b65792d76312f70617373776f72646c6573732d64697361626c650a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a41414543417751464267634943516f4c4441304f44770a31373930303030303030303032',
  'unenroll':
    '707573686b65792d76312f756e656e726f6c6c0a68747470733a2f2f6c6f67696e2e6578616d706c652e636f6d0a41414543417751464267634943516f4c4441304f44770a31373930303030303030303033',
};

/** RFC 6979 deterministic signature of respond-approve by PRIVATE_KEY_HEX (low-S, as noble emits it). */
const SIGNATURE_HEX =
  '12a4a0152da5b6f2e6dfca45a9cf19258c80e297881b032f188925a5e0961efb' +
  '34ee97574ba48fe34d1f1bbf08a3203e89ff85c241e796f9a5889e87229c64ef';
/** The same signature with s replaced by n − s: what WebCrypto may equally well produce. */
const SIGNATURE_HIGH_S_HEX =
  '12a4a0152da5b6f2e6dfca45a9cf19258c80e297881b032f188925a5e0961efb' +
  'cb1168a7b45b701db2e0e440f75cdfc132e774eb6530078b4e312c3bd9c6c062';

/** RFC 6979 deterministic signature of push-v2 by PRIVATE_KEY_HEX: the server's signature of that request. */
const SIGNATURE_PUSH_V2_HEX =
  'bbc5aaf20ba8b83035698ceb1a9a5e6726a521b45f422b20973414cb86c25fc7' +
  '4153eee55fef0555bcc2bcfcdf2cdf2ffe6727c90f0f9117f511fe5b46db4ec9';

const ORDER = p256.Point.Fn.ORDER;
const toBig = (bytes: Uint8Array) => BigInt('0x' + (hex(bytes) || '0'));

function nodeVerifies(signature: Uint8Array, message: Uint8Array, rawPublicKey: Uint8Array): boolean {
  const key = createPublicKey({ key: Buffer.from(rawToSpki(rawPublicKey)), format: 'der', type: 'spki' });
  return nodeVerify('sha256', message, { key, dsaEncoding: 'ieee-p1363' }, signature);
}

describe('signed bytes', () => {
  for (const [name, bytes] of Object.entries(built)) {
    it(`builds the golden bytes for ${name}`, () => {
      expect(hex(bytes)).toBe(GOLDEN[name]);
    });
  }

  it('starts every layout with its own domain-separation prefix and a newline', () => {
    const prefixOf = (bytes: Uint8Array) => new TextDecoder().decode(bytes).split('\n')[0];
    expect(prefixOf(built['enroll']!)).toBe(PREFIX.enroll);
    expect(prefixOf(built['channel-auth']!)).toBe(PREFIX.channelAuth);
    expect(prefixOf(built['push']!)).toBe(PREFIX.push);
    expect(prefixOf(built['push-v2']!)).toBe(PREFIX.pushV2);
    expect(prefixOf(built['respond-approve']!)).toBe(PREFIX.respond);
    expect(prefixOf(built['poll']!)).toBe(PREFIX.poll);
    expect(prefixOf(built['passwordless-setup']!)).toBe(PREFIX.passwordlessSetup);
    expect(prefixOf(built['passwordless-disable']!)).toBe(PREFIX.passwordlessDisable);
    expect(prefixOf(built['unenroll']!)).toBe(PREFIX.unenroll);
    expect(new Set(Object.values(PREFIX)).size).toBe(Object.keys(PREFIX).length);
  });

  it('gives the four device commands different bytes for the same device and time', () => {
    const types = ['poll', 'passwordless_setup', 'passwordless_disable', 'unenroll'] as const;
    const all = types.map((type) => hex(commandBytes({ type, origin, deviceId, timestamp: 1 })));
    expect(new Set(all).size).toBe(types.length);
  });

  it('ends without a trailing newline and encodes text as UTF-8', () => {
    for (const bytes of Object.values(built)) expect(bytes[bytes.length - 1]).not.toBe(0x0a);
    // "ü" in "Zürich" is c3 bc; "’" in "Zoë’s" is e2 80 99.
    expect(GOLDEN['push']).toContain('5ac3bc72696368');
    expect(GOLDEN['enroll']).toContain('5a6fc3abe28099');
  });

  it('throws a TypeError naming the field when a field contains a newline', () => {
    const base = { origin, challengeId, nonce, decision: 'approve', number: '42', deviceId, clientVersion: '1.0.0' };
    expect(() => respondBytes({ ...base, deviceId: 'a\nb' })).toThrow(TypeError);
    expect(() => respondBytes({ ...base, deviceId: 'a\nb' })).toThrow(/"deviceId"/);
    expect(() => pushBytes({ origin, deviceId, challengeId, nonce, kind: 'mfa', app: 'x\ny', ip: '', location: '', browser: '', time: 0, expiresAt: 0 })).toThrow(/"app"/);
    expect(() => pushV2Bytes({ origin, signed: '{"app":"x\ny"}' })).toThrow(/"signed"/);
    expect(() => channelAuthBytes({ origin: 'https://a\n', nonce, deviceId })).toThrow(/"origin"/);
    expect(() => commandBytes({ type: 'poll', origin, deviceId: '\n', timestamp: 1 })).toThrow(/"deviceId"/);
    expect(() => enrollBytes({ origin, code, publicKey, deviceName: 'two\nlines', clientVersion: '1.0.0', capabilities: [] })).toThrow(/"deviceName"/);
  });
});

describe('signature vector', () => {
  const privateKey = unhex(PRIVATE_KEY_HEX);
  const rawPublicKey = unhex(PUBLIC_KEY_HEX);
  const message = unhex(GOLDEN['respond-approve']!);

  it('derives the pinned public key from the test private key', () => {
    expect(hex(p256.getPublicKey(privateKey, false))).toBe(PUBLIC_KEY_HEX);
  });

  it('signs respond-approve deterministically into the pinned signature', () => {
    expect(hex(p256.sign(message, privateKey))).toBe(SIGNATURE_HEX);
  });

  it('verifies the pinned signature with verifyPortable and with node:crypto', () => {
    expect(verifyPortable(unhex(SIGNATURE_HEX), message, rawPublicKey)).toBe(true);
    expect(nodeVerifies(unhex(SIGNATURE_HEX), message, rawPublicKey)).toBe(true);
  });

  it('verifies the high-S twin too (WebCrypto does not normalise s)', () => {
    const low = unhex(SIGNATURE_HEX);
    const s = toBig(low.slice(32));
    expect(s <= ORDER / 2n).toBe(true);
    expect((ORDER - s).toString(16).padStart(64, '0')).toBe(SIGNATURE_HIGH_S_HEX.slice(64));
    const high = unhex(SIGNATURE_HIGH_S_HEX);
    expect(verifyPortable(high, message, rawPublicKey)).toBe(true);
    expect(nodeVerifies(high, message, rawPublicKey)).toBe(true);
  });

  it('keeps kinds apart: a signature made for one layout verifies under no other (domain separation)', () => {
    const types = ['poll', 'passwordless_setup', 'passwordless_disable', 'unenroll'] as const;
    const same = types.map((type) => commandBytes({ type, origin, deviceId, timestamp: 1790000000000 }));
    for (const [i, signed] of same.entries()) {
      const sig = p256.sign(signed, privateKey);
      for (const [j, other] of same.entries()) expect(verifyPortable(sig, other, rawPublicKey), `${types[i]} as ${types[j]}`).toBe(i === j);
    }
    // Nor across origins: a response made for one server is worthless at another.
    const elsewhere = respondBytes({ origin: 'https://login.example.net', challengeId, nonce, decision: 'approve', number: '42', deviceId, clientVersion: '1.0.0' });
    expect(verifyPortable(unhex(SIGNATURE_HEX), elsewhere, rawPublicKey)).toBe(false);
  });

  it('signs push-v2 into its pinned signature, which verifies over those bytes and no others', () => {
    const pushV2 = unhex(GOLDEN['push-v2']!);
    expect(hex(p256.sign(pushV2, privateKey))).toBe(SIGNATURE_PUSH_V2_HEX);
    expect(verifyPortable(unhex(SIGNATURE_PUSH_V2_HEX), pushV2, rawPublicKey)).toBe(true);
    expect(nodeVerifies(unhex(SIGNATURE_PUSH_V2_HEX), pushV2, rawPublicKey)).toBe(true);
    // The same request with one more context field is other bytes: the field is signed too.
    expect(verifyPortable(unhex(SIGNATURE_PUSH_V2_HEX), unhex(GOLDEN['push-v2-extra']!), rawPublicKey)).toBe(false);
    // Nor does a v2 signature pass for the v1 push of the same request (the prefix differs).
    expect(verifyPortable(unhex(SIGNATURE_PUSH_V2_HEX), unhex(GOLDEN['push']!), rawPublicKey)).toBe(false);
  });

  it('keeps an answer signed without the app lock from passing for one with it', () => {
    expect(verifyPortable(unhex(SIGNATURE_HEX), unhex(GOLDEN['respond-verified']!), rawPublicKey)).toBe(false);
  });

  it('rejects the signature over respond-deny', () => {
    const deny = unhex(GOLDEN['respond-deny']!);
    expect(verifyPortable(unhex(SIGNATURE_HEX), deny, rawPublicKey)).toBe(false);
    expect(nodeVerifies(unhex(SIGNATURE_HEX), deny, rawPublicKey)).toBe(false);
  });
});

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
  /** Every ```hex vector=NAME block of the spec, whitespace removed. */
  const documented = new Map<string, string>();
  for (const m of doc.matchAll(/```hex vector=([a-z0-9-]+)\n([\s\S]*?)```/g)) documented.set(m[1]!, m[2]!.replace(/\s+/g, ''));

  it('lists exactly the golden vectors of this file, with the same hex', () => {
    const expected = new Map<string, string>([
      ...Object.entries(GOLDEN),
      ['private-key', PRIVATE_KEY_HEX],
      ['public-key', PUBLIC_KEY_HEX],
      ['signature', SIGNATURE_HEX],
      ['signature-high-s', SIGNATURE_HIGH_S_HEX],
      ['signature-push-v2', SIGNATURE_PUSH_V2_HEX],
    ]);
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(expected));
  });

  it('shows each vector’s inputs as the text they encode', () => {
    for (const [name, bytes] of Object.entries(built)) {
      // The spec shows the text with each "\n" as a line break, in a ```text vector=NAME block.
      const m = doc.match(new RegExp('```text vector=' + name + '\\n([\\s\\S]*?)\\n```'));
      expect(m, `text block for ${name}`).not.toBeNull();
      expect(m![1]).toBe(new TextDecoder().decode(bytes));
    }
  });
});
