// Every parser at a boundary: one valid example each (the same examples docs/protocol.md
// shows — the last block here parses the spec's own JSON), then malformed input that must
// come back as PushkeyError('bad_request') whose message names the field.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromB64u } from './encoding.ts';
import { PushkeyError, ERROR_CODES } from './errors.ts';
import { parsePublicKey, verifyPortable } from './keys.ts';
import { canonicalJson } from './canonical-json.ts';
import { openPush } from './push.ts';
import { channelAuthBytes, commandBytes, enrollBytes, respondBytes, type DeviceCommandType } from './signed-bytes.ts';
import {
  parseDeviceAnswer,
  parseDeviceCommand,
  parseDeviceFrame,
  parseDeviceResponse,
  parseEnrolled,
  parseEnrollRequest,
  parseJson,
  parsePushRequest,
  parseResult,
  parseServerFrame,
  readErrorAnswer,
} from './parse.ts';

const deviceId = 'AAECAwQFBgcICQoLDA0ODw';
const challengeId = 'EBESExQVFhcYGRobHB0eHw';
const accountId = 'MDEyMzQ1Njc4OTo7PD0-Pw';
const nonce = 'ICEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj8';
const publicKey = 'BGD-1LolWp0xyWHrdMY1bWjASbiSO2H6bOZpYi5g8p-2eQP-EAi4vJmkGunpVii8ZPLxsgwtfp9Rd6PClNRGIpk';

/**
 * Every example is signed for real, by the test key of signed-bytes.test.ts (RFC 6979 §A.2.5,
 * playing both the device and the server), over origin https://login.example.com. The
 * last block checks that each one verifies, so the spec's examples double as test vectors.
 */
const SIG = {
  enroll: 'DkpnkSnihacLOr3d7xjARuYWNsg1fQEZZkMBgO3QoulKHqb-W-zOd15lHAZ9eEXdO5jtiu5aSOkj_mQsZBdsyQ',
  auth: 'r_9t2DWEgRsyU4nNI4bSfy2UyZhRYsAzttmpJ9lGbLR2dNbCkDKCiy1bSYcDJ_trhKUpoPJwJxHyjo04YnMOAQ',
  push: 'u8Wq8guouDA1aYzrGppeZyalIbRfQisglzQUy4bCX8dBU-7lX-8FVbzCvPzfLN8v_mcnyQ8PkRf1Ef5bRttOyQ',
  pushSetup: 'C0YI3ClBDeN-s-nDTS09FBMpfr3n7olLJ382b_H-Q1koHkWUBh_H_gKjUaPUvC1JthRDZi5gdW9k6nFQ_QT2QQ',
  pushV1: 'HXdg-V6WoHLfBx9OABa7jjMNI3YxizboMKCAIugZwUg14MMGK-r-3sGBCTOTd8b0teLMeTNPhWTHLZyz8fde8A',
  respond: 'EqSgFS2ltvLm38pFqc8ZJYyA4peIGwMvGIklpeCWHvs07pdXS6SP400fG78IoyA-if-FwkHnlvmliJ6HIpxk7w',
  poll: 'OoQjkkptwHfJmbhpJGbmluiY4rI0PGJgS_fqKiGmA6w26C_WK3v_wK1_oXAQ0DSggeoqFj2l9WKsEyDdzKASpw',
  setup: 'icFnSAe8UHKZj8JDzKYSyo40xyL7hAWugYf-Ru50RP1wIta7vtVQ66l-Mw9Xff8NlDRN9WHmaMJP45b3aB8v2g',
  disable: 'E3g3219BgPs0k5yOCo_f886WI6RJE7P1kLkbp4TdqREDoQTikc2wFX0LNPgzmedDyt8gTDH04AYcO2muPGE9Hg',
  unenroll: 'magqrIzzzyuo-fj7Zd7wNXdC7dNQRfWuC2mqrpxySmApzAwRcVwN-JqCYiNrUlD7L3Ms4M_0Ocy6LXCS6dlAMw',
};

const enroll = {
  type: 'enroll',
  code: '0123456789ABCDEFGHJKMNPQRSQ9',
  publicKey,
  deviceName: 'Chrome on Zoë’s laptop',
  clientVersion: '1.0.0',
  capabilities: ['number_match', 'passwordless', 'report'],
  proof: SIG.enroll,
};
const enrolled = {
  type: 'enrolled',
  origin: 'https://login.example.com',
  deviceId,
  accountId,
  upn: 'zoe@example.com',
  displayName: 'Zoë Martin',
  tenant: 'Example Corp',
  serverPublicKey: publicKey,
};
/** What the push examples ask: the request of the push golden vectors. */
const pushContent = {
  deviceId,
  challengeId,
  nonce,
  kind: 'passwordless',
  app: 'My Account',
  context: { ip: '203.0.113.7', location: 'Zürich, CH', browser: 'Firefox 140 on Linux', time: 1790000000000 },
  expiresAt: 1790000090000,
};
/** A v2 push carries the canonical JSON of what it asks, as the very text signed. */
const request = { type: 'request', v: 2, deviceId, challengeId, signed: canonicalJson(pushContent), serverSignature: SIG.push };
const setupRequest = {
  ...request,
  signed: canonicalJson({ ...pushContent, kind: 'passwordless_setup', app: 'pushkey' }),
  serverSignature: SIG.pushSetup,
};
const requestV1 = { type: 'request', ...pushContent, serverSignature: SIG.pushV1 };
const response = {
  type: 'response',
  challengeId,
  deviceId,
  decision: 'approve',
  number: '42',
  clientVersion: '1.0.0',
  capabilities: ['number_match', 'passwordless', 'report'],
  signature: SIG.respond,
};
const poll = { type: 'poll', deviceId, timestamp: 1790000000000, signature: SIG.poll };

/** Every message of the protocol by its `type`, with the parser that reads it. */
const EXAMPLES: Record<string, { parse: (input: unknown) => unknown; example: Record<string, unknown> }> = {
  'enroll': { parse: parseEnrollRequest, example: enroll },
  'enrolled': { parse: parseEnrolled, example: enrolled },
  'hello': { parse: parseServerFrame, example: { type: 'hello', nonce, time: 1790000000000 } },
  'auth': { parse: parseDeviceFrame, example: { type: 'auth', deviceId, signature: SIG.auth } },
  'ready': { parse: parseServerFrame, example: { type: 'ready', deviceId } },
  'ping': { parse: parseServerFrame, example: { type: 'ping', time: 1790000020000 } },
  'pong': { parse: parseDeviceFrame, example: { type: 'pong', time: 1790000020000 } },
  'request': { parse: parseServerFrame, example: request },
  'request_v1': { parse: parseServerFrame, example: requestV1 },
  'cancel': { parse: parseServerFrame, example: { type: 'cancel', deviceId, challengeId } },
  'revoked': { parse: parseServerFrame, example: { type: 'revoked', deviceId } },
  'error': { parse: parseServerFrame, example: { type: 'error', error: 'signature_invalid', message: 'The channel signature does not verify', deviceId } },
  'response': { parse: parseDeviceResponse, example: response },
  'result': { parse: parseDeviceAnswer, example: { type: 'result', challengeId, outcome: 'approved' } },
  'poll': { parse: parseDeviceCommand, example: poll },
  'passwordless_setup': {
    parse: parseDeviceCommand,
    example: { type: 'passwordless_setup', deviceId, timestamp: 1790000000001, signature: SIG.setup, password: 'correct horse battery staple', clientVersion: '1.0.0' },
  },
  'passwordless_disable': { parse: parseDeviceCommand, example: { type: 'passwordless_disable', deviceId, timestamp: 1790000000002, signature: SIG.disable } },
  'unenroll': { parse: parseDeviceCommand, example: { type: 'unenroll', deviceId, timestamp: 1790000000003, signature: SIG.unenroll } },
  'pending': { parse: parseDeviceAnswer, example: { type: 'pending', requests: [request] } },
  'setup_started': { parse: parseDeviceAnswer, example: { type: 'setup_started', request: setupRequest } },
  'ok': { parse: parseDeviceAnswer, example: { type: 'ok' } },
};

/** Asserts that `run` throws PushkeyError('bad_request') whose message names `field`. */
function expectBadRequest(run: () => unknown, field: string) {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PushkeyError);
  expect((caught as PushkeyError).code).toBe('bad_request');
  expect((caught as PushkeyError).message).toContain(`"${field}"`);
}

const without = (obj: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(obj).filter(([k]) => k !== key));

describe('parsers accept the valid examples', () => {
  for (const [type, { parse, example }] of Object.entries(EXAMPLES)) {
    it(`accepts a valid ${type}`, () => {
      expect(parse(structuredClone(example))).toEqual(example);
    });
  }

  it('reads every server frame and every device answer through its union parser', () => {
    expect(parsePushRequest(request)).toEqual(request);
    expect(parsePushRequest(requestV1)).toEqual(requestV1);
    expect(parseResult(EXAMPLES['result']!.example)).toEqual(EXAMPLES['result']!.example);
    expect(parseDeviceAnswer(enrolled)).toEqual(enrolled);
  });

  it('accepts deny and report with an empty number', () => {
    expect(parseDeviceResponse({ ...response, decision: 'deny', number: '' }).decision).toBe('deny');
    expect(parseDeviceResponse({ ...response, decision: 'report', number: '' }).decision).toBe('report');
  });

  it('reads an activation code as typed (spaces, groups, case, O for 0) into its canonical form', () => {
    expect(parseEnrollRequest({ ...enroll, code: '  0123456789ABCDEFGHJKMNPQRSQ9\n' }).code).toBe('0123456789ABCDEFGHJKMNPQRSQ9');
    expect(parseEnrollRequest({ ...enroll, code: 'o123-4567-89ab-cdef-ghjk-mnpq-rsq9' }).code).toBe('0123456789ABCDEFGHJKMNPQRSQ9');
  });

  it('rejects a mistyped or old-format activation code, naming the field', () => {
    expectBadRequest(() => parseEnrollRequest({ ...enroll, code: '0123456789ABCDEFGHJKMNPQRSQ8' }), 'code');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, code: 'QEFCQ0RFRkdISUpLTE1OTw' }), 'code');
  });

  it('drops unknown fields instead of passing them on', () => {
    expect(parseDeviceCommand({ ...poll, extra: 'ignored' })).toEqual(poll);
  });
});

describe('parsers reject malformed input with bad_request naming the field', () => {
  it('rejects a missing field', () => {
    expectBadRequest(() => parseDeviceResponse(without(response, 'challengeId')), 'challengeId');
    expectBadRequest(() => parseEnrollRequest(without(enroll, 'proof')), 'proof');
    expectBadRequest(() => parseDeviceCommand(without(poll, 'timestamp')), 'timestamp');
    expectBadRequest(() => parseServerFrame(without(request, 'serverSignature')), 'serverSignature');
    expectBadRequest(() => parseServerFrame(without(request, 'signed')), 'signed');
    expectBadRequest(() => parseServerFrame(without(requestV1, 'nonce')), 'nonce');
    expectBadRequest(() => parseDeviceFrame({ type: 'auth', deviceId }), 'signature');
  });

  it('rejects a field of the wrong type', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, number: 42 }), 'number');
    expectBadRequest(() => parseDeviceCommand({ ...poll, timestamp: '1790000000000' }), 'timestamp');
    expectBadRequest(() => parseDeviceCommand({ ...poll, timestamp: 1790000000000.5 }), 'timestamp');
    expectBadRequest(() => parseDeviceCommand({ ...poll, timestamp: -1 }), 'timestamp');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, capabilities: 'number_match' }), 'capabilities');
    expectBadRequest(() => parsePushRequest({ ...requestV1, context: { ...requestV1.context, time: null } }), 'context.time');
    expectBadRequest(() => parsePushRequest({ ...request, signed: { app: 'My Account' } }), 'signed');
  });

  it('rejects bad base64url', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, deviceId: 'AAECAwQFBgcICQoLDA0OD+' }), 'deviceId');
    expectBadRequest(() => parseDeviceResponse({ ...response, signature: SIG.respond.slice(0, 84) + '==' }), 'signature');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, publicKey: publicKey.slice(1) }), 'publicKey');
    expectBadRequest(() => parseServerFrame({ type: 'hello', nonce: 'short', time: 1 }), 'nonce');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, code: 'QEFCQ0RFRkdISUpLTE1O' }), 'code'); // 120 bits: too short
  });

  it('rejects approve without a number', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, number: '' }), 'number');
  });

  it('rejects deny or report with a number', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, decision: 'deny' }), 'number');
    expectBadRequest(() => parseDeviceResponse({ ...response, decision: 'report' }), 'number');
  });

  it('rejects a number that is not 2 to 8 digits', () => {
    for (const number of ['4', '123456789', '4a', ' 42', '４２']) expectBadRequest(() => parseDeviceResponse({ ...response, number }), 'number');
  });

  it('rejects an unknown decision, kind or error code', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, decision: 'maybe' }), 'decision');
    expectBadRequest(() => parseServerFrame({ ...requestV1, kind: 'sms' }), 'kind');
    expectBadRequest(() => parseServerFrame({ ...request, v: 3 }), 'v');
    expectBadRequest(() => parseServerFrame({ type: 'error', error: 'oops', message: '' }), 'error');
  });

  it('rejects an unknown type, or a type sent to the wrong boundary', () => {
    expectBadRequest(() => parseServerFrame({ type: 'welcome', nonce }), 'type');
    expectBadRequest(() => parseDeviceFrame({ type: 'hello', nonce, time: 1 }), 'type');
    expectBadRequest(() => parseDeviceCommand({ ...poll, type: 'respond' }), 'type');
    expectBadRequest(() => parseDeviceResponse({ ...response, type: 'poll' }), 'type');
    expectBadRequest(() => parseDeviceAnswer({ type: 'enrolled!' }), 'type');
    expectBadRequest(() => parseDeviceCommand({}), 'type');
  });

  it('rejects control characters in labels (they would break the signed layout)', () => {
    expectBadRequest(() => parseEnrollRequest({ ...enroll, deviceName: 'two\nlines' }), 'deviceName');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, deviceName: '' }), 'deviceName');
    expectBadRequest(() => parsePushRequest({ ...requestV1, app: 'tab\there' }), 'app');
    expectBadRequest(() => parsePushRequest({ ...request, signed: request.signed + '\n' }), 'signed');
    expectBadRequest(() => parseEnrolled({ ...enrolled, tenant: 'x'.repeat(129) }), 'tenant');
  });

  it('reads a device name trimmed, 1 to 64 printable characters', () => {
    expect(parseEnrollRequest({ ...enroll, deviceName: '  Chromium on Linux 2 ' }).deviceName).toBe('Chromium on Linux 2');
    expect(parseEnrollRequest({ ...enroll, deviceName: 'é'.repeat(64) }).deviceName).toHaveLength(64);
    expect(parseEnrollRequest({ ...enroll, deviceName: 'Zoë’s 👩‍💻 laptop' }).deviceName).toBe('Zoë’s 👩‍💻 laptop');
    for (const name of ['   ', 'x'.repeat(65), 'a\u2028b', 'evil\u202Egnp.exe', 'a\u2066b', '\uE000', '\uD800']) {
      expectBadRequest(() => parseEnrollRequest({ ...enroll, deviceName: name }), 'deviceName');
    }
  });

  it('rejects an origin with a path, a trailing slash or another scheme', () => {
    for (const origin of ['https://login.example.com/', 'https://login.example.com/path', 'ftp://login.example.com', 'login.example.com', 'HTTPS://LOGIN.example.com']) {
      expectBadRequest(() => parseEnrolled({ ...enrolled, origin }), 'origin');
    }
  });

  it('rejects bad client versions and capabilities', () => {
    expectBadRequest(() => parseDeviceResponse({ ...response, clientVersion: '1.0' }), 'clientVersion');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, capabilities: ['Number-Match'] }), 'capabilities.0');
    expectBadRequest(() => parseEnrollRequest({ ...enroll, capabilities: Array(17).fill('x') }), 'capabilities');
  });

  it('rejects a passwordless_setup without the password', () => {
    const setup = EXAMPLES['passwordless_setup']!.example;
    expectBadRequest(() => parseDeviceCommand({ ...setup, password: '' }), 'password');
    expectBadRequest(() => parseDeviceCommand(without(setup, 'password')), 'password');
  });

  it('rejects input that is not an object', () => {
    for (const input of [null, undefined, 42, 'response', []]) {
      expect(() => parseDeviceResponse(input)).toThrow(PushkeyError);
    }
  });
});

describe('parseJson', () => {
  it('parses JSON', () => {
    expect(parseJson('{"type":"ok"}', 'body')).toEqual({ type: 'ok' });
  });

  it('answers bad_request naming what it read instead of throwing a SyntaxError', () => {
    for (const text of ['', '{', '{"type":', 'undefined', "{'a':1}"]) {
      let caught: unknown;
      try {
        parseJson(text, 'request body');
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(PushkeyError);
      expect((caught as PushkeyError).code).toBe('bad_request');
      expect((caught as PushkeyError).message).toContain('request body');
    }
  });
});

describe('readErrorAnswer', () => {
  it('reads { error, message } into a PushkeyError', () => {
    const err = readErrorAnswer({ error: 'number_mismatch', message: 'The number does not match' });
    expect(err).toBeInstanceOf(PushkeyError);
    expect(err?.code).toBe('number_mismatch');
    expect(err?.message).toBe('The number does not match');
  });

  it('keeps the details, such as the minimum client version of client_update_required', () => {
    const err = readErrorAnswer({ error: 'client_update_required', message: 'Update required', details: { minClientVersion: '1.2.0' } });
    expect(err?.code).toBe('client_update_required');
    expect(err?.details).toEqual({ minClientVersion: '1.2.0' });
    expect(readErrorAnswer({ error: 'conflict', message: 'x' })?.details).toBeUndefined();
  });

  it('answers null for anything else', () => {
    expect(readErrorAnswer({ error: 'teapot', message: '' })).toBeNull();
    expect(readErrorAnswer({ type: 'ok' })).toBeNull();
    expect(readErrorAnswer(null)).toBeNull();
  });
});

describe('docs/protocol.md', () => {
  const doc = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
  const blocks = [...doc.matchAll(/```json example=([a-z0-9_-]+)\n([\s\S]*?)```/g)].map((m) => ({ name: m[1]!, json: m[2]! }));

  it('shows a JSON example for every message', () => {
    expect(new Set(blocks.map((b) => b.name))).toEqual(new Set([...Object.keys(EXAMPLES), 'error-answer']));
  });

  it('shows only examples that parse, equal to the ones tested here', () => {
    for (const { name, json } of blocks) {
      const value = parseJson(json, `example ${name}`);
      if (name === 'error-answer') {
        expect(readErrorAnswer(value), name).not.toBeNull();
        continue;
      }
      const entry = EXAMPLES[name]!;
      expect(entry.parse(value), name).toEqual(entry.example);
    }
  });

  it('lists every error code in the error table', () => {
    const rows = [...doc.matchAll(/^\| `([a-z_]+)` \| (\d{3}) \|/gm)].map((m) => m[1]);
    expect(rows.sort()).toEqual([...ERROR_CODES].sort());
  });

  it('signs every example for real: each signature verifies with the test key', async () => {
    const origin = 'https://login.example.com';
    const key = parsePublicKey(publicKey)!;
    const verifies = (sig: string, bytes: Uint8Array) => verifyPortable(fromB64u(sig)!, bytes, key);
    const opens = async (r: unknown) => (await openPush(origin, parsePushRequest(r), (sig, bytes) => verifies(sig, bytes))) !== null;
    const byName = Object.fromEntries(blocks.map((b) => [b.name, JSON.parse(b.json)]));

    expect(verifies(byName['enroll'].proof, enrollBytes({ origin, ...byName['enroll'] }))).toBe(true);
    expect(verifies(byName['auth'].signature, channelAuthBytes({ origin, nonce: byName['hello'].nonce, deviceId: byName['auth'].deviceId }))).toBe(true);
    for (const r of [byName['request'], byName['request_v1'], byName['pending'].requests[0], byName['setup_started'].request]) {
      expect(await opens(r)).toBe(true);
    }
    // The v2 examples sign what the v1 one carries: the same request, read back whole.
    expect(await openPush(origin, parsePushRequest(byName['request']), verifies)).toEqual(pushContent);
    // The server rebuilds the response's bytes with the nonce it stored for the request.
    const answer = byName['response'];
    expect(verifies(answer.signature, respondBytes({ origin, nonce: pushContent.nonce, ...answer }))).toBe(true);
    for (const type of ['poll', 'passwordless_setup', 'passwordless_disable', 'unenroll'] as DeviceCommandType[]) {
      const cmd = byName[type];
      expect(verifies(cmd.signature, commandBytes({ type, origin, deviceId: cmd.deviceId, timestamp: cmd.timestamp })), type).toBe(true);
    }
    expect(byName['enrolled'].serverPublicKey).toBe(publicKey);
  });
});
