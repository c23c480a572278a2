// The fault suite: two pushkey processes on the machine's PostgreSQL (a database of their own,
// dropped after), one public origin, browsers on instance A and authenticators connected to
// instance B, so that every push crosses the bus. Faults are injected while sign-ins flow:
//   1. every pooled and LISTEN connection ended (pg_terminate_backend), three times;
//   2. the database read-only, then writable again;
//   3. 50 parallel approvals of one request, split across the instances;
//   4. instance B killed with SIGKILL while its authenticators reconnect to A.
// A sign-in counts as acknowledged when the browser was handed a session. After each fault
// every acknowledged session must still open My Account on the other instance (lost: 0), no
// answer may be a 500, and no instance may have exited but the one the suite killed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MONITORING_POLICY } from '../../server/domain/monitoring/monitoring.ts';
import { createFaultDatabase, type FaultDatabase } from '../support/fault-db.ts';
import { demoPasswords, spawnInstance, type ChildInstance } from '../support/child-instances.ts';
import { HttpClient } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

const USERS = ['alice', 'bob', 'carol', 'dave'];
const SIGN_INS_PER_USER = 5;
const upn = (name: string) => `${name}@pushkey.test`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One browser address per sign-in: behind the suite's one "proxy" the per-address rate limits never meet. */
let address = 0;
const browserAt = (url: string) => {
  const b = new HttpClient(url);
  address++;
  b.headers['x-forwarded-for'] = `198.51.${(address >> 8) & 255}.${address & 255}`;
  return b;
};

interface Tally {
  sent: number;
  acknowledged: number;
  /** Refused with 503 unavailable somewhere on the way: nothing was promised. */
  unavailable: number;
  /** Anything else that went wrong (a 500, a push that never came): must stay 0. */
  failed: string[];
  sessions: string[];
}
const tally = (): Tally => ({ sent: 0, acknowledged: 0, unavailable: 0, failed: [], sessions: [] });

describe('faults: two instances on PostgreSQL', () => {
  let db: FaultDatabase;
  let dir: string;
  let a: ChildInstance;
  let b: ChildInstance;
  let passwords: Record<string, string>;
  const devices = new Map<string, SoftDevice>();
  /** Each user's My Account browser, signed in before the authenticator was added. */
  const accounts = new Map<string, HttpClient>();
  const report: string[] = [];

  beforeAll(async () => {
    db = await createFaultDatabase('suite');
    dir = mkdtempSync(path.join(tmpdir(), 'pushkey-faults-'));
    a = await spawnInstance('A', { databaseUrl: db.url, dataDir: path.join(dir, 'a') });
    b = await spawnInstance('B', { databaseUrl: db.url, dataDir: path.join(dir, 'b'), origin: a.url });
    passwords = demoPasswords(path.join(dir, 'a'));
    // Bursts of sign-ins for one user are the point here, not the push throttle.
    const policy = await signInWithPassword(a.url, 'policy');
    expect((await policy.put('/api/admin/policies/monitoring', { ...DEFAULT_MONITORING_POLICY, throttlePerWindow: 500, throttleOutstanding: 20 })).status).toBe(200);
    for (const name of USERS) {
      const me = await signInWithPassword(a.url, name);
      const act = await me.post('/api/me/authenticator/activation');
      const device = await SoftDevice.enroll(a.url, act.body.code, { deviceName: `${name}'s authenticator` });
      await device.connect(b.url);
      devices.set(name, device);
      accounts.set(name, me);
    }
  }, 120_000);

  afterAll(async () => {
    for (const i of [a, b]) if (i?.exit() && i.exit()!.signal !== 'SIGKILL') process.stdout.write(`\n${i.name} exited ${JSON.stringify(i.exit())}:\n${i.lastWords()}\n`);
    for (const d of devices.values()) d.close();
    await a?.stop();
    await b?.stop();
    await db?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    if (report.length) process.stdout.write(`\nfault suite (two instances on PostgreSQL)\n${report.join('\n')}\n\n`);
  });

  async function signInWithPassword(url: string, name: string): Promise<HttpClient> {
    const c = browserAt(url);
    const start = await c.post('/api/signin/start', { username: upn(name) });
    const pw = await c.post('/api/signin/password', { flowId: start.body.flowId, password: passwords[upn(name)] });
    if (pw.body.status !== 'signed_in') throw new Error(`${name}: ${JSON.stringify(pw.body)}`);
    return c;
  }

  /** POSTs the device's answer to one instance, with its own address. */
  async function respond(device: SoftDevice, url: string, push: Parameters<SoftDevice['buildResponse']>[0], number: string) {
    const res = await fetch(`${url}/api/device/respond`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${address++ & 255}` },
      body: JSON.stringify(await device.buildResponse(push, 'approve', number)),
    });
    return { status: res.status, body: (await res.json()) as { outcome?: string; error?: string } };
  }

  /**
   * Password on A, push to the device on B (through the bus), approval to A or B, then the
   * browser's status until it holds a session. A 503 ends the attempt (a person would try again);
   * an answer whose ack was lost (503, then 409 on the retry) is an approval like any other.
   */
  async function signInOnce(name: string, t: Tally, answerAt: string, browserUrl = a.url): Promise<void> {
    t.sent++;
    const device = devices.get(name)!;
    const c = browserAt(browserUrl);
    const fail = (what: string, r: { status: number; body: unknown }) => {
      if (r.status === 503) t.unavailable++;
      else t.failed.push(`${name} ${what}: ${r.status} ${JSON.stringify(r.body)}`);
    };
    const start = await c.post('/api/signin/start', { username: upn(name) });
    if (start.status !== 200) return fail('start', start);
    const pw = await c.post('/api/signin/password', { flowId: start.body.flowId, password: passwords[upn(name)] });
    if (pw.status !== 200 || pw.body.status !== 'mfa_required') return fail('password', pw);
    const { challengeId, number } = pw.body.challenge as { challengeId: string; number: string };
    let frame;
    try {
      frame = await device.next((f) => f.type === 'request' && f.challengeId === challengeId, 15_000);
    } catch {
      return void t.failed.push(`${name}: the push for ${challengeId} never reached the device`);
    }
    if (frame.type !== 'request') throw new Error('not a request');
    for (let tries = 0; ; tries++) {
      const r = await respond(device, answerAt, frame, number);
      if (r.status === 200 || (tries > 0 && r.body.error === 'challenge_consumed')) break;
      if (r.status !== 503 || tries === 20) return fail('respond', r);
      await sleep(100);
    }
    for (let tries = 0; ; tries++) {
      const s = await c.get(`/api/signin/status?flowId=${start.body.flowId}`);
      if (s.status === 200 && s.body.status === 'signed_in' && c.hasCookie('pk_session')) break;
      if (s.status === 200 && s.body.status === 'pending') continue;
      if (s.status !== 503 || tries === 20) return fail('status', s);
      await sleep(100);
    }
    t.acknowledged++;
    t.sessions.push(c.cookie('pk_session')!);
  }

  /** Every user signs in SIGN_INS_PER_USER times, one after another, all users at once. */
  const flow = (t: Tally, answerAt: (i: number) => string) =>
    Promise.all(USERS.map(async (name) => {
      for (let i = 0; i < SIGN_INS_PER_USER; i++) await signInOnce(name, t, answerAt(i));
    }));

  /** How many acknowledged sessions no longer open My Account (asked of `url`). */
  async function lost(t: Tally, url: string): Promise<number> {
    let missing = 0;
    for (const session of t.sessions) {
      const me = new HttpClient(url);
      me.headers.cookie = `pk_session=${session}`;
      if ((await me.get('/api/me')).status !== 200) missing++;
    }
    return missing;
  }

  async function ready(url: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while ((await fetch(`${url}/api/health/ready`).then((r) => r.status, () => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error(`${url} not ready after ${ms} ms`);
      await sleep(100);
    }
  }

  function record(fault: string, t: Tally, missing: number, running: ChildInstance[]) {
    const up = running.map((i) => `${i.name} ${i.exit() ? `exited ${JSON.stringify(i.exit())}` : 'up'}`).join(', ');
    report.push(`  ${fault.padEnd(46)} sent ${t.sent}, acknowledged ${t.acknowledged}, refused 503 ${t.unavailable}, failed ${t.failed.length}, lost ${missing}; ${up}`);
    expect(t.failed).toEqual([]);
    expect(missing).toBe(0);
    for (const i of running) expect(i.exit(), `${i.name} exited:\n${i.lastWords()}`).toBeNull();
  }

  it('pushes from A reach a device on B: cross-instance latency', async () => {
    const device = devices.get('alice')!;
    const me = accounts.get('alice')!;
    const samples: number[] = [];
    for (let i = 0; i < 30; i++) {
      const arrived = device.next((f) => f.type === 'request', 5_000);
      const t0 = performance.now();
      const test = await me.post('/api/me/authenticator/test', {});
      expect(test.status).toBe(200);
      await arrived;
      samples.push(performance.now() - t0);
      await me.del(`/api/me/authenticator/test/${test.body.challengeId}`);
    }
    samples.sort((x, y) => x - y);
    const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!.toFixed(1);
    report.push(`  cross-instance push (request on A → device on B, ${samples.length} pushes): median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${at(1)} ms`);
  });

  it('every pooled and LISTEN connection ended three times while sign-ins flow', async () => {
    const t = tally();
    let ended = 0;
    const faults = (async () => {
      for (let k = 0; k < 3; k++) {
        await sleep(400);
        ended += await db.terminateAll();
      }
    })();
    await Promise.all([flow(t, (i) => (i % 2 ? a.url : b.url)), faults]);
    expect(ended).toBeGreaterThanOrEqual(6);
    await Promise.all([ready(a.url), ready(b.url)]);
    // After the faults, everyone signs in once more: both instances serve again.
    for (const name of USERS) await signInOnce(name, t, b.url);
    record(`connections ended (${ended} in 3 rounds)`, t, await lost(t, b.url), [a, b]);
    expect(t.acknowledged).toBeGreaterThanOrEqual(USERS.length);
  });

  it('the database read-only, then writable again', async () => {
    const t = tally();
    await signInOnce('alice', t, a.url);
    await db.readOnly(true);
    // Nothing can be written: sign-ins are refused with 503, readiness says so, nothing exits.
    for (const name of USERS) await signInOnce(name, t, a.url);
    expect(t.unavailable).toBe(USERS.length);
    for (const i of [a, b]) expect((await fetch(`${i.url}/api/health/ready`)).status).toBe(503);
    expect((await fetch(`${a.url}/api/health/live`)).status).toBe(200);
    await db.readOnly(false);
    await Promise.all([ready(a.url), ready(b.url)]);
    for (const name of USERS) await signInOnce(name, t, b.url);
    record('database read-only, then writable', t, await lost(t, a.url), [a, b]);
    expect(t.acknowledged).toBe(1 + USERS.length);
  });

  it('50 parallel approvals of one request, split across the instances: exactly one wins', async () => {
    const t = tally();
    const device = devices.get('bob')!;
    const c = browserAt(a.url);
    t.sent++;
    const start = await c.post('/api/signin/start', { username: upn('bob') });
    const pw = await c.post('/api/signin/password', { flowId: start.body.flowId, password: passwords[upn('bob')] });
    const { challengeId, number } = pw.body.challenge as { challengeId: string; number: string };
    const frame = await device.next((f) => f.type === 'request' && f.challengeId === challengeId, 15_000);
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => respond(device, i % 2 ? a.url : b.url, frame as Parameters<SoftDevice['buildResponse']>[0], number)));
    const won = answers.filter((r) => r.status === 200 && r.body.outcome === 'approved');
    expect(won).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409 && r.body.error === 'challenge_consumed')).toHaveLength(49);
    const s = await c.get(`/api/signin/status?flowId=${start.body.flowId}`);
    expect(s.body.status).toBe('signed_in');
    t.acknowledged++;
    t.sessions.push(c.cookie('pk_session')!);
    record('50 parallel approvals (1 won, 49 consumed)', t, await lost(t, b.url), [a, b]);
  });

  it('instance B killed with SIGKILL while its devices reconnect to A', async () => {
    const t = tally();
    // Requests pushed just before the kill wait in the database; each device gets them again when it reconnects to A.
    const pending = await Promise.all(
      USERS.map(async (name) => {
        const c = browserAt(a.url);
        t.sent++;
        const start = await c.post('/api/signin/start', { username: upn(name) });
        const pw = await c.post('/api/signin/password', { flowId: start.body.flowId, password: passwords[upn(name)] });
        return { name, c, flowId: start.body.flowId as string, ...(pw.body.challenge as { challengeId: string; number: string }) };
      }),
    );
    await b.kill9();
    await Promise.all(
      [...devices.values()].map(async (d) => {
        await d.closed();
        // The extension reconnects to the origin; the load balancer now sends it to A.
        await d.connect(a.url);
      }),
    );
    for (const p of pending) {
      const device = devices.get(p.name)!;
      const frame = await device.next((f) => f.type === 'request' && f.challengeId === p.challengeId, 15_000);
      expect((await respond(device, a.url, frame as Parameters<SoftDevice['buildResponse']>[0], p.number)).status).toBe(200);
      const s = await p.c.get(`/api/signin/status?flowId=${p.flowId}`);
      if (s.body.status === 'signed_in') {
        t.acknowledged++;
        t.sessions.push(p.c.cookie('pk_session')!);
      } else t.failed.push(`${p.name}: ${JSON.stringify(s.body)}`);
    }
    // And sign-ins go on with A alone.
    for (const name of USERS) await signInOnce(name, t, a.url);
    expect(b.exit()).toMatchObject({ signal: 'SIGKILL' });
    record('B killed (SIGKILL), devices reconnect to A', t, await lost(t, a.url), [a]);
    report.push(`  no instance exited on its own: A up throughout, B ended only by the suite's SIGKILL`);
  });
});
