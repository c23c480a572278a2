// The database ends connections (a restart, a failover, an idle timeout): each instance keeps
// running and serving, listens again, and whatever was pushed meanwhile still reaches the
// device. Only this test's own connections are ended (by application name).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, startCluster, type Cluster } from '../support/postgres.ts';
import { demoPassword, HttpClient, ManualClock, signIn } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

const APP = `pk_blink_${process.pid}`;
const clock = new ManualClock();
let cluster: Cluster;

beforeAll(async () => {
  // A second before each bus listens again: long enough to see an instance cut off, and to push meanwhile.
  cluster = await startCluster({ name: 'blink', count: 2, clock, applicationName: APP, busReconnectDelayMs: () => 1_000 });
});
afterAll(async () => cluster?.close());

async function endIdleConnections(): Promise<number> {
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  try {
    const r = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'idle'`, [APP]);
    return r.rowCount ?? 0;
  } finally {
    await admin.end();
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('PostgreSQL connections ended by the database', () => {
  it('keeps serving, says it is unhealthy until it listens again, and delivers what was pushed meanwhile', async () => {
    const [one, two] = [cluster.instances[0]!, cluster.instances[1]!];
    const upn = 'dave@pushkey.test';
    const me = await signIn(one.url, upn, demoPassword('dave'));
    const act = await me.post('/api/me/authenticator/activation');
    const device = await SoftDevice.enroll(cluster.origin, act.body.code, { now: () => clock.now() });
    await device.connect(two.url);
    // A publish opens each bus's publisher connection, which then sits idle.
    for (const i of cluster.instances) i.deps.bus.publish({ type: 'challenge', challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 200));

    // Storage pools, publisher pools and both LISTEN connections are idle now.
    expect(await endIdleConnections()).toBeGreaterThanOrEqual(4);
    await until('instance 2 to notice', () => !two.deps.bus.listening());
    // Cut off, instance 2 says so to a load balancer.
    expect((await fetch(`${two.url}/api/health`)).status).toBe(503);

    // Meanwhile a sign-in on instance 1 pushes to the device on instance 2, which may not hear it…
    const browser = new HttpClient(one.url);
    const start = await browser.post('/api/signin/start', { username: upn });
    const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: demoPassword('dave') });
    expect(pw.status, JSON.stringify(pw.body)).toBe(200);
    // …but once instance 2 listens again it re-sends what is pending to its connected devices.
    await until('instance 2 to listen again', () => two.deps.bus.listening());
    expect((await fetch(`${two.url}/api/health`)).status).toBe(200);
    const push = await device.nextPush(5_000);
    expect(push.challengeId).toBe(pw.body.challenge.challengeId);

    // No unhandled 'error' took either process down, and the answer lands as usual.
    const answer = await fetch(`${two.url}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await device.buildResponse(push, 'approve', pw.body.challenge.number)) });
    expect(answer.status).toBe(200);
    expect((await browser.get(`/api/signin/status?flowId=${start.body.flowId}&wait=1`)).body.status).toBe('signed_in');
    device.close();
  });
});
