// The push from the server's content to the wire and back, in both versions, signed by the
// test key of signed-bytes.test.ts (RFC 6979 §A.2.5, playing the server).
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.ts';
import { fromB64u, toB64u } from './encoding.ts';
import { verifyPortable } from './keys.ts';
import { PushRequest, type PushContent, type PushRequestV2 } from './messages.ts';
import { parseServerFrame } from './parse.ts';
import { claimedContent, openPush, pushVersionFor, sealPush, PUSH_V2 } from './push.ts';
import { pushV2Bytes } from './signed-bytes.ts';
import { CAPABILITIES } from './version.ts';
import * as v from 'valibot';

const privateKey = Uint8Array.from(Buffer.from('c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721', 'hex'));
const publicKey = p256.getPublicKey(privateKey, false);
const otherKey = p256.utils.randomSecretKey();

const origin = 'https://login.example.com';
const signWith = (key: Uint8Array) => (bytes: Uint8Array) => toB64u(p256.sign(bytes, key));
const sign = signWith(privateKey);
/** The device's check with the pinned key: false (never a throw) for anything malformed. */
const verify = (signature: string, bytes: Uint8Array) => {
  const sig = fromB64u(signature);
  return sig !== null && verifyPortable(sig, bytes, publicKey);
};

const content: PushContent = {
  deviceId: 'AAECAwQFBgcICQoLDA0ODw',
  challengeId: 'EBESExQVFhcYGRobHB0eHw',
  nonce: 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8',
  kind: 'passwordless',
  app: 'My Account',
  context: { ip: '203.0.113.7', location: 'Zürich, CH', browser: 'Firefox 140 on Linux', time: 1790000000000 },
  expiresAt: 1790000090000,
};

const v2 = (frame: PushRequest): PushRequestV2 => {
  if (frame.v !== 2) throw new Error('not a v2 push');
  return frame;
};
/** A v2 push whose signed text is `signed`, signed for real by the test key. */
const sealedText = (signed: string): PushRequestV2 => ({ ...v2(sealPush(origin, content, 2, sign)), signed, serverSignature: sign(pushV2Bytes({ origin, signed })) });
const sealed = (value: Record<string, unknown>): PushRequestV2 => sealedText(JSON.stringify(value));

describe('sealPush and openPush', () => {
  it('seals v2 as the canonical JSON of the request, and opens it back to the same request', async () => {
    const frame = v2(sealPush(origin, content, 2, sign));
    expect(frame).toEqual({ type: 'request', v: 2, deviceId: content.deviceId, challengeId: content.challengeId, signed: canonicalJson(content), serverSignature: frame.serverSignature });
    expect(parseServerFrame(JSON.parse(JSON.stringify(frame)))).toEqual(frame);
    expect(await openPush(origin, frame, verify)).toEqual(content);
  });

  it("carries a sign-in's correlation id signed in v2, and leaves it out of v1, whose bytes cannot cover it", async () => {
    const traced: PushContent = { ...content, correlationId: 'MDEyMzQ1Njc4OWFiY2RlZg' };
    const frame = v2(sealPush(origin, traced, 2, sign));
    expect(JSON.parse(frame.signed)).toMatchObject({ correlationId: traced.correlationId });
    expect(await openPush(origin, frame, verify)).toEqual(traced);
    // Changed in transit, it no longer verifies.
    expect(await openPush(origin, { ...frame, signed: frame.signed.replace(traced.correlationId!, 'AAAAAAAAAAAAAAAAAAAAAA') }, verify)).toBeNull();
    const old = sealPush(origin, traced, 1, sign);
    expect(old).not.toHaveProperty('correlationId');
    expect(await openPush(origin, old, verify)).toEqual(content);
  });

  it('seals v1 as before (positional bytes, the fields on the frame), and opens it back', async () => {
    const frame = sealPush(origin, content, 1, sign);
    expect(frame).toEqual({ type: 'request', ...content, serverSignature: frame.serverSignature });
    expect(frame).not.toHaveProperty('v');
    expect(await openPush(origin, frame, verify)).toEqual(content);
  });

  it('tolerates a context field it does not know in v2: verified with it, then dropped', async () => {
    const newer = { ...content, context: { ...content.context, risk: 'low', score: 0.5 }, hint: { any: ['thing'] } };
    const frame = v2(sealPush(origin, newer, 2, sign));
    expect(frame.signed).toContain('"risk":"low"');
    expect(await openPush(origin, frame, verify)).toEqual(content);
  });

  it('does not send in v1 a context field that v1 cannot sign', () => {
    const newer = { ...content, context: { ...content.context, risk: 'low' } };
    const frame = sealPush(origin, newer, 1, sign);
    expect(frame.v !== 2 && frame.context).toEqual(content.context);
  });

  it('refuses a v2 push whose signed text was changed in any field, known or not', async () => {
    const newer = { ...content, context: { ...content.context, risk: 'low' } };
    const frame = v2(sealPush(origin, newer, 2, sign));
    for (const [from, to] of [
      ['"app":"My Account"', '"app":"Another app"'],
      ['"location":"Zürich, CH"', '"location":"Elsewhere"'],
      ['"risk":"low"', '"risk":"none"'],
      ['"expiresAt":1790000090000', '"expiresAt":1790000090001'],
      ['"kind":"passwordless"', '"kind":"mfa"'],
      ['{"app"', '{ "app"'], // the same JSON spelt otherwise is other bytes
    ]) {
      expect(await openPush(origin, { ...frame, signed: frame.signed.replace(from!, to!) }, verify), from).toBeNull();
    }
  });

  it('refuses a v2 push for another origin, signed by another key, or whose outside ids differ from the signed ones', async () => {
    const frame = v2(sealPush(origin, content, 2, sign));
    expect(await openPush('https://login.example.net', frame, verify)).toBeNull();
    expect(await openPush(origin, v2(sealPush(origin, content, 2, signWith(otherKey))), verify)).toBeNull();
    expect(await openPush(origin, { ...frame, deviceId: 'MDEyMzQ1Njc4OTo7PD0-Pw' }, verify)).toBeNull();
    expect(await openPush(origin, { ...frame, challengeId: 'MDEyMzQ1Njc4OTo7PD0-Pw' }, verify)).toBeNull();
  });

  it('refuses a v1 push whose fields were changed', async () => {
    const frame = sealPush(origin, content, 1, sign);
    if (frame.v === 2) throw new Error('not v1');
    expect(await openPush(origin, { ...frame, app: 'Another app' }, verify)).toBeNull();
    expect(await openPush(origin, { ...frame, context: { ...frame.context, time: 1 } }, verify)).toBeNull();
  });

  it('returns null, never throws, for a signed push it cannot read or a verifier that throws', async () => {
    // Signed for real, but not what a push must hold: not JSON, a field missing, a field malformed.
    expect(await openPush(origin, sealed({}), verify)).toBeNull();
    expect(await openPush(origin, sealedText('{not json}'), verify)).toBeNull();
    const { nonce: _nonce, ...noNonce } = content;
    expect(await openPush(origin, sealed(noNonce), verify)).toBeNull();
    expect(await openPush(origin, sealed({ ...content, context: { ...content.context, ip: 'two\nlines' } }), verify)).toBeNull();
    expect(await openPush(origin, sealed({ ...content, kind: 'sms' }), verify)).toBeNull();
    // A well-formed one opens, which shows the helper signs what it should.
    expect(await openPush(origin, sealed({ ...content }), verify)).toEqual(content);
    expect(await openPush(origin, v2(sealPush(origin, content, 2, sign)), () => Promise.reject(new Error('boom')))).toBeNull();
    expect(await openPush(origin, { ...v2(sealPush(origin, content, 2, sign)), serverSignature: 'A'.repeat(86) }, verify)).toBeNull();
  });

  it('tells what a rejected push claimed, without trusting it', () => {
    expect(claimedContent(sealPush(origin, content, 2, signWith(otherKey)))).toEqual(content);
    expect(claimedContent(sealPush(origin, content, 1, signWith(otherKey)))).toEqual(content);
    expect(claimedContent({ ...v2(sealPush(origin, content, 2, sign)), signed: '{}' })).toBeNull();
  });
});

describe('the push version a device is sent', () => {
  it('is v2 for a device that announces push_canonical, v1 for one that does not', () => {
    expect(pushVersionFor([...CAPABILITIES])).toBe(2);
    expect(pushVersionFor(['number_match', 'passwordless', 'report'])).toBe(1);
    expect(CAPABILITIES).toContain(PUSH_V2);
  });

  it('names the capability so that a v1 server still accepts it (^[a-z_]{1,32}$, no digit)', () => {
    expect(PUSH_V2).toMatch(/^[a-z_]{1,32}$/);
  });

  it('parses both versions as one request schema, keyed by v', () => {
    const one = sealPush(origin, content, 1, sign);
    const two = sealPush(origin, content, 2, sign);
    expect(v.parse(PushRequest, one)).toEqual(one);
    expect(v.parse(PushRequest, two)).toEqual(two);
    expect(v.safeParse(PushRequest, { ...two, v: 3 }).success).toBe(false);
    expect(v.safeParse(PushRequest, { ...two, signed: '{"a":1}\n' }).success).toBe(false);
  });
});
