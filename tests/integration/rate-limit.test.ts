// Rate limits, the first line of the handlers that guess-prone input reaches: activation
// codes, passwords and passes, device answers, sign-in status polls. Answered 429 rate_limited, per IP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimiters } from '../../server/transport/http/rate-limit.ts';
import { HttpClient, startServer, type TestServer } from '../support/server.ts';

async function hammer(srv: TestServer, path: string, times: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(srv.origin + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    statuses.push(res.status);
    if (res.status === 429) expect(await res.json()).toMatchObject({ error: 'rate_limited', message: expect.stringMatching(/Try again in \d+ s/) });
  }
  return statuses;
}

describe('rate limits', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer({ app: { limiters: defaultLimiters() } });
  });
  afterAll(async () => srv?.close());

  it('allows 20 enrollment attempts a minute per IP, then answers rate_limited', async () => {
    const s = await hammer(srv, '/api/device/enroll', 21);
    expect(s.slice(0, 20).every((x) => x === 400)).toBe(true);
    expect(s[20]).toBe(429);
  });

  it('allows 30 sign-in steps a minute per IP, whatever the step', async () => {
    const c = new HttpClient(srv.origin);
    const start = await c.post('/api/signin/start', { username: srv.users.alice!.upn });
    expect(start.status).toBe(200);
    const s = await hammer(srv, '/api/signin/password', 30);
    expect(s.slice(0, 29).every((x) => x === 400)).toBe(true);
    expect(s[29]).toBe(429);
    expect((await c.post('/api/signin/tap', { flowId: start.body.flowId, pass: 'x' })).status).toBe(429);
  });

  it('allows 120 device answers and commands a minute per IP', async () => {
    const s = await hammer(srv, '/api/device/respond', 121);
    expect(s.slice(0, 120).every((x) => x === 400)).toBe(true);
    expect(s[120]).toBe(429);
    expect((await hammer(srv, '/api/device/command', 1))[0]).toBe(429);
  });

  it('allows 300 sign-in status polls a minute per IP', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 301; i++) statuses.push((await fetch(`${srv.origin}/api/signin/status?flowId=AAAAAAAAAAAAAAAAAAAAAA`)).status);
    expect(statuses.slice(0, 300).every((x) => x === 400)).toBe(true); // flow_invalid: no such flow
    expect(statuses[300]).toBe(429);
  });
});
