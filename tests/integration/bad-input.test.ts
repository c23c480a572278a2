// Bad input never yields a 500 and never crashes the server: every route (the browser API's
// route table in protocol/http, and the device protocol's) answers malformed JSON, wrong
// types, missing fields, oversized bodies, unknown ids and bad base64url with a 4xx and
// `{ error, message }`, where error is a code from protocol/errors.ts. The route list comes
// from the table, so a new route is covered the day it is added.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorCode } from '../../protocol/errors.ts';
import { discoverRoutes } from '../support/routes.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';

const UNKNOWN_ID = 'AAAAAAAAAAAAAAAAAAAAAA'; // well-formed, matches nothing
const BAD_B64 = 'AAAA+AAAA/AAAAAAAAAA=='; // 22 characters, not base64url
const ID = 'BBBBBBBBBBBBBBBBBBBBBB';

type Answer = { status: number; body: any; text: string };

async function send(srv: TestServer, method: string, url: string, opts: { body?: string; contentType?: string; cookie?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.body !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
  if (opts.cookie) headers.cookie = opts.cookie;
  const res = await fetch(srv.origin + url, { method, headers, body: opts.body });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  return { status: res.status, body, text };
}

/** A refusal as the API promises it: 4xx, a known code, a message, no stack. */
function expectCleanRefusal(a: Answer, what: string): void {
  expect(a.status, `${what} → ${a.status} ${a.text}`).toBeGreaterThanOrEqual(400);
  expect(a.status, `${what} → ${a.status} ${a.text}`).toBeLessThan(500);
  expect(isErrorCode(a.body?.error), `${what}: error code in ${a.text}`).toBe(true);
  expect(typeof a.body.message, `${what}: message`).toBe('string');
  expect(a.body.message.length).toBeGreaterThan(0);
  expect(a.text).not.toMatch(/at .*\.ts:\d+|node_modules|Error:/);
}

/** Either accepted (2xx, for routes that ignore a body) or refused cleanly — never a 5xx. */
function expectNo500(a: Answer, what: string): void {
  expect(a.status, `${what} → ${a.status} ${a.text}`).toBeLessThan(500);
  if (a.status >= 400) expectCleanRefusal(a, what);
}

const sessionCookie = (c: HttpClient) => `pk_session=${c.cookie('pk_session')}`;

describe('bad input', () => {
  let srv: TestServer;
  const routes = discoverRoutes();

  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => srv?.close());

  it('finds the routes of every router file', () => {
    expect(routes.length).toBeGreaterThanOrEqual(30);
    for (const p of ['/api/device/enroll', '/api/device/respond', '/api/device/command', '/api/signin/start', '/api/me/devices/:id', '/api/admin/users/:id/tap']) {
      expect(routes.map((r) => r.path)).toContain(p);
    }
  });

  // One case per part of the API (sign-in, device, me, admin, …), so each walks a share of the
  // route table and a slow machine never meets one case's time limit with the whole of it.
  const areaOf = (path: string) => path.split('/')[2] ?? '';
  const areas = [...new Set(routes.map((r) => areaOf(r.path)))];
  it.each(areas)('answers every route under /api/%s, signed in as a global admin, with junk in every place, never with a 500', async (area) => {
    const junkBodies: Array<[string, string, string?]> = [
      ['malformed JSON', '{"a":'],
      ['a JSON string', '"text"'],
      ['a JSON number', '42'],
      ['an array', '[1,2,3]'],
      ['an empty object', '{}'],
      ['wrong types', JSON.stringify({ username: 1, flowId: 2, password: [], pass: {}, code: null, deviceId: true, type: 7, enabled: 'yes', upn: 3, displayName: {}, lifetimeMinutes: 'ten', unlock: 'x' })],
      ['bad base64url ids', JSON.stringify({ flowId: BAD_B64, challengeId: BAD_B64, deviceId: BAD_B64 })],
      ['unknown ids', JSON.stringify({ flowId: UNKNOWN_ID, challengeId: UNKNOWN_ID, deviceId: UNKNOWN_ID })],
      ['a prototype key', '{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}'],
      ['deep nesting', '['.repeat(2000) + ']'.repeat(2000)],
      ['plain text', 'username=alice', 'text/plain'],
      ['an unsupported charset', '{}', 'application/json; charset=ibm500'],
    ];
    let admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const bobId = ((await admin.get(`/api/admin/users?q=bob`)).body.users as Array<{ id: string }>)[0]!.id;
    for (const route of routes.filter((r) => areaOf(r.path) === area)) {
      // Sign-out routes end the session they are called with: the admin signs in again after them.
      if (!(await admin.get('/api/me')).body.user) admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      const ids: Array<[string, string]> = [['unknown id', UNKNOWN_ID], ['bad base64url id', encodeURIComponent(BAD_B64)], ['bad percent-encoding', '%E0%A4%A'], ['a long id', 'A'.repeat(3000)]];
      // With a real user's id the body is parsed too.
      if (route.path.includes('/users/:id')) ids.push(['a real user id', bobId]);
      for (const [idName, id] of ids) {
        const url = route.path.replace(/:\w+/g, id);
        if (url === route.path && idName !== 'unknown id') continue;
        const real = idName === 'a real user id';
        const what = `${route.method} ${url.slice(0, 80)}`;
        if (route.method === 'GET' || route.method === 'DELETE') {
          const a = await send(srv, route.method, url, { cookie: sessionCookie(admin) });
          if (url !== route.path && !real) expectCleanRefusal(a, `${what} (${idName})`);
          else expectNo500(a, what);
          for (const q of ['?flowId=' + BAD_B64, '?flowId=' + UNKNOWN_ID, '?flowId=a&flowId=b', '?limit=abc&offset=-1', '?q=' + 'x'.repeat(500), '?wait=2&flowId=' + UNKNOWN_ID]) {
            expectNo500(await send(srv, route.method, url + q, { cookie: sessionCookie(admin) }), `${what}${q.slice(0, 40)}`);
          }
          continue;
        }
        for (const [name, body, contentType] of junkBodies) {
          const a = await send(srv, route.method, url, { body, contentType, cookie: sessionCookie(admin) });
          if ((url !== route.path && !real) || name === 'malformed JSON' || name === 'an unsupported charset') expectCleanRefusal(a, `${what} with ${name} (${idName})`);
          else expectNo500(a, `${what} with ${name}`);
        }
      }
    }
    expect((await send(srv, 'GET', '/api/health')).status).toBe(200);
  });

  it('refuses a body over 16 kB on every route that takes one with payload_too_large', async () => {
    const big = JSON.stringify({ username: 'a@b.c', padding: 'x'.repeat(17 * 1024) });
    for (const route of routes.filter((r) => ['POST', 'PUT', 'PATCH'].includes(r.method))) {
      const a = await send(srv, route.method, route.path.replace(/:\w+/g, UNKNOWN_ID), { body: big });
      expectCleanRefusal(a, `${route.method} ${route.path}`);
      expect(a.body.error).toBe('payload_too_large');
      expect(a.status).toBe(413);
    }
  });

  it('refuses every route that needs a session with unauthenticated when there is none, or a forged one', async () => {
    for (const route of routes.filter((r) => r.path.startsWith('/api/me') || r.path.startsWith('/api/admin'))) {
      const url = route.path.replace(/:\w+/g, UNKNOWN_ID);
      for (const cookie of [undefined, 'pk_session=' + 'A'.repeat(43), 'pk_session=%%%', 'pk_session=']) {
        const a = await send(srv, route.method, url, { cookie, body: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}' });
        expectCleanRefusal(a, `${route.method} ${url} cookie=${cookie}`);
        expect(a.body.error, `${route.method} ${url}`).toBe('unauthenticated');
      }
    }
  });

  it('refuses admin routes to a plain user with forbidden', async () => {
    const alice = await signIn(srv.origin, srv.users.alice!.upn, srv.users.alice!.password);
    for (const route of routes.filter((r) => r.path.startsWith('/api/admin'))) {
      const url = route.path.replace(/:\w+/g, UNKNOWN_ID);
      const a = await send(srv, route.method, url, { cookie: sessionCookie(alice), body: ['GET', 'DELETE'].includes(route.method) ? undefined : '{}' });
      expectCleanRefusal(a, `${route.method} ${url}`);
      expect(a.body.error).toBe('forbidden');
    }
  });

  it('refuses numbers past what a Date or a 64-bit column holds, in queries and bodies, before anything changes', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    for (const url of ['/api/admin/users?offset=1e20', '/api/admin/users?offset=100000000000000000000', '/api/admin/users?limit=99999', '/api/admin/signins?from=100000000000000000000', '/api/admin/audit?to=9000000000000000', '/api/admin/signins/chart?from=-5']) {
      expect(await admin.get(url), url).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
    const bob = (await admin.get(`/api/admin/users?q=${encodeURIComponent(srv.users.bob!.upn)}`)).body.users[0].id as string;
    const issued = await admin.post(`/api/admin/users/${bob}/tap`, {});
    expect(issued.status).toBe(201);
    for (const startsAt of [9e15, Date.now() + 31 * 24 * 3_600_000]) {
      expect(await admin.post(`/api/admin/users/${bob}/tap`, { startsAt }), String(startsAt)).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
    // The refused requests replaced nothing: the pass issued first is still the user's.
    expect((await admin.get(`/api/admin/users/${bob}/methods`)).body.tap.id).toBe(issued.body.tap.id);
  });

  describe('field by field', () => {
    const samples: Record<string, Record<string, unknown>> = {
      '/api/device/enroll': {
        type: 'enroll',
        code: '0123456789ABCDEFGHJKMNPQRSQ9',
        publicKey: 'A'.repeat(87),
        deviceName: 'Device',
        clientVersion: '1.0.0',
        capabilities: ['number_match'],
        proof: 'A'.repeat(86),
      },
      '/api/device/respond': {
        type: 'response',
        challengeId: ID,
        deviceId: ID,
        decision: 'approve',
        number: '42',
        clientVersion: '1.0.0',
        capabilities: ['number_match'],
        signature: 'A'.repeat(86),
      },
      '/api/device/command': { type: 'passwordless_setup', deviceId: ID, timestamp: Date.now(), signature: 'A'.repeat(86), password: 'pw', clientVersion: '1.0.0' },
      '/api/signin/start': { username: 'alice@pushkey.test' },
      '/api/signin/password': { flowId: ID, password: 'pw' },
      '/api/signin/passwordless': { flowId: ID },
      '/api/signin/resend': { flowId: ID },
      '/api/signin/tap': { flowId: ID, pass: 'ABCDEFGH' },
    };
    const wrongValues: unknown[] = [null, 0, -1, 1.5, 1e300, true, '', ' ', 'x'.repeat(5000), BAD_B64, '\u0000\n', [], [1], {}, { $gt: '' }];

    it('refuses every wrong value of every field, and every missing field, cleanly', async () => {
      for (const [url, sample] of Object.entries(samples)) {
        expectNo500(await send(srv, 'POST', url, { body: JSON.stringify(sample) }), `${url} sample`);
        for (const field of Object.keys(sample)) {
          const { [field]: _, ...missing } = sample;
          const a = await send(srv, 'POST', url, { body: JSON.stringify(missing) });
          expectCleanRefusal(a, `${url} without ${field}`);
          if (url !== '/api/signin/start') expect(a.body.error).toBe('bad_request');
          for (const value of wrongValues) {
            expectNo500(await send(srv, 'POST', url, { body: JSON.stringify({ ...sample, [field]: value }) }), `${url} ${field}=${JSON.stringify(value).slice(0, 30)}`);
          }
        }
      }
    });

    it('names the field that is wrong', async () => {
      const a = await send(srv, 'POST', '/api/device/respond', { body: JSON.stringify({ ...samples['/api/device/respond'], challengeId: BAD_B64 }) });
      expect(a.body).toMatchObject({ error: 'bad_request' });
      expect(a.body.message).toContain('challengeId');
      const b = await send(srv, 'POST', '/api/device/respond', { body: JSON.stringify({ ...samples['/api/device/respond'], number: '' }) });
      expect(b.body.message).toContain('number');
    });

    it('answers well-formed but unknown ids with the matching code', async () => {
      const respond = await send(srv, 'POST', '/api/device/respond', { body: JSON.stringify(samples['/api/device/respond']) });
      expect(respond.body.error).toBe('challenge_unknown');
      const command = await send(srv, 'POST', '/api/device/command', { body: JSON.stringify({ type: 'poll', deviceId: ID, timestamp: 1, signature: 'A'.repeat(86) }) });
      expect(command.body.error).toBe('device_unknown');
      const flow = await send(srv, 'POST', '/api/signin/passwordless', { body: JSON.stringify({ flowId: ID }) });
      expect(flow.body.error).toBe('flow_invalid');
      const status = await send(srv, 'GET', `/api/signin/status?flowId=${ID}`);
      expect(status.body.error).toBe('flow_invalid');
      const enroll = await send(srv, 'POST', '/api/device/enroll', { body: JSON.stringify(samples['/api/device/enroll']) });
      expect(enroll.body.error).toBe('bad_request'); // all-zero key: not on the curve
    });
  });

  describe('random bodies (fast-check)', () => {
    const id = fc.stringMatching(/^[A-Za-z0-9_+/=-]{20,24}$/);
    const anyValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), id, fc.constant(ID), fc.string({ maxLength: 100 }));
    const messageLike = fc.record(
      {
        type: fc.oneof(fc.constantFrom('enroll', 'response', 'poll', 'passwordless_setup', 'passwordless_disable', 'unenroll', 'auth'), anyValue),
        code: anyValue,
        publicKey: anyValue,
        deviceName: anyValue,
        challengeId: anyValue,
        deviceId: anyValue,
        decision: fc.oneof(fc.constantFrom('approve', 'deny', 'report'), anyValue),
        number: fc.oneof(fc.stringMatching(/^\d{0,9}$/), anyValue),
        clientVersion: fc.oneof(fc.constantFrom('1.0.0', '0.0.0', '999999.999999.999999'), anyValue),
        capabilities: fc.oneof(fc.array(fc.constantFrom('number_match', 'passwordless', 'report', 'X')), anyValue),
        signature: fc.oneof(fc.stringMatching(/^[A-Za-z0-9_-]{86}$/), anyValue),
        proof: anyValue,
        timestamp: fc.oneof(fc.integer(), fc.double(), anyValue),
        password: anyValue,
      },
      { requiredKeys: [] },
    );

    for (const url of ['/api/device/enroll', '/api/device/respond', '/api/device/command']) {
      it(`never answers ${url} with a 500, whatever JSON it gets`, async () => {
        await fc.assert(
          fc.asyncProperty(fc.oneof(fc.jsonValue({ maxDepth: 3 }), messageLike), async (body) => {
            const a = await send(srv, 'POST', url, { body: JSON.stringify(body) });
            expect(a.status, `${JSON.stringify(body)} → ${a.text}`).toBeLessThan(500);
            expectCleanRefusal(a, url);
          }),
          { numRuns: 150 },
        );
        expect((await send(srv, 'GET', '/api/health')).status).toBe(200);
      });
    }
  });
});
