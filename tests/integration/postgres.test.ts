// The PostgreSQL path: two app instances on one database. A sign-in handled by instance 1
// reaches a device connected to instance 2 through LISTEN/NOTIFY, and a response sent to
// either instance is consumed exactly once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoTenant } from '../../server/seed.ts';
import type { PostgresRepository } from '../../server/storage/postgres/open.ts';
import { syncedLimiter, type Queryable, type SyncedLimiter } from '../../server/transport/http/synced-limiter.ts';
import { startCluster, type Cluster, type Instance } from '../support/postgres.ts';
import { demoPassword, HttpClient, ManualClock, signIn } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

describe('PostgreSQL with two instances', () => {
  const clock = new ManualClock();
  const instances: Instance[] = [];
  let cluster: Cluster;
  let origin = '';

  beforeAll(async () => {
    cluster = await startCluster({ name: 'core', clock });
    instances.push(...cluster.instances);
    origin = cluster.origin;
    // The second instance sees the seed and does not seed again.
    expect(await seedDemoTenant(instances[1]!.deps, demoPassword)).toBeNull();
  });
  afterAll(async () => cluster?.close());

  it('shares one server key, so a device pinned by instance 1 trusts pushes from instance 2', () => {
    expect(instances[0]!.deps.serverKey.publicKey).toBe(instances[1]!.deps.serverKey.publicKey);
  });

  it('delivers a push MFA started on instance 1 to a device connected to instance 2', async () => {
    const [one, two] = [instances[0]!, instances[1]!];
    const upn = 'carol@pushkey.test';
    const me = await signIn(one.url, upn, demoPassword('carol'));
    const act = await me.post('/api/me/authenticator/activation');
    const device = await SoftDevice.enroll(origin, act.body.code, { now: () => clock.now() });
    await device.connect(two.url);

    const browser = new HttpClient(one.url);
    const start = await browser.post('/api/signin/start', { username: upn });
    const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: demoPassword('carol') });
    expect(pw.body.status).toBe('mfa_required');
    const push = await device.nextPush();
    expect(push.challengeId).toBe(pw.body.challenge.challengeId);

    // The browser on instance 1 long-polls; the answer goes to instance 2 and wakes it through the bus.
    const waiting = browser.get(`/api/signin/status?flowId=${start.body.flowId}&wait=1`);
    const answers = await Promise.all([
      fetch(`${two.url}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await device.buildResponse(push, 'approve', pw.body.challenge.number)) }),
      fetch(`${one.url}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(await device.buildResponse(push, 'approve', pw.body.challenge.number)) }),
    ]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    expect((await waiting).body.status).toBe('signed_in');
    device.close();
  });

  it('closes a revoked device socket on the other instance at once', async () => {
    const [one, two] = [instances[0]!, instances[1]!];
    const me = await signIn(one.url, 'dave@pushkey.test', demoPassword('dave'));
    const device = await SoftDevice.enroll(origin, (await me.post('/api/me/authenticator/activation')).body.code);
    await device.connect(two.url);
    const closed = device.closed();
    expect((await me.del(`/api/me/devices/${device.deviceId}`)).status).toBe(200);
    expect((await device.next((f) => f.type === 'revoked')).type).toBe('revoked');
    expect(await closed).toBe(4003);
  });
});

describe('PostgreSQL rate limits', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster({ name: 'limits', clock: new ManualClock(), sharedLimits: true, limitSyncMs: 3_600_000 });
  });
  afterAll(async () => cluster?.close());

  it('counts one limit for all instances: 30 sign-in starts a minute per address, wherever they land', async () => {
    const start = (i: Instance) => new HttpClient(i.url).post('/api/signin/start', { username: 'alice@pushkey.test' });
    const [one, two] = cluster.instances as [Instance, Instance];
    for (let n = 0; n < 30; n++) expect((await start(n % 2 ? two : one)).status, `start ${n + 1}`).toBe(200);
    for (const i of [one, two]) expect(await start(i)).toMatchObject({ status: 429, body: { error: 'rate_limited', message: expect.stringMatching(/^Too many requests/) } });
    // The counts are rows of rate_limits, in the instances' schema.
    const { rows } = await (one.deps.repo as PostgresRepository).pool.query("SELECT key, points FROM rate_limits WHERE key LIKE 'signin:%'");
    expect(rows).toEqual([{ key: 'signin:127.0.0.1', points: 32 }]);
  });

  it('shares the device throttle, 120 answers a minute per address, at the next sync and with no database write per answer', async () => {
    const [one, two] = cluster.instances as [Instance, Instance];
    const answer = (i: Instance) => fetch(`${i.url}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }).then((r) => r.status);
    const pool = (one.deps.repo as PostgresRepository).pool;
    const deviceRows = async () => (await pool.query("SELECT key, points FROM rate_limits WHERE key LIKE 'device:%'")).rows;
    const sync = (i: Instance) => (i.limiters.device as SyncedLimiter).sync();
    for (let n = 0; n < 70; n++) expect(await answer(one)).toBe(400);
    expect(await deviceRows()).toEqual([]);
    await sync(one);
    expect(await deviceRows()).toEqual([{ key: 'device:127.0.0.1', points: 70 }]);
    // Instance two learns of one's answers at its first sync after its own first: 50 in all reach the limit for both.
    expect(await answer(two)).toBe(400);
    await sync(two);
    for (let n = 0; n < 49; n++) expect(await answer(two)).toBe(400);
    expect(await answer(two)).toBe(429);
    await sync(two);
    await sync(one);
    expect(await answer(one)).toBe(429);
    expect(await deviceRows()).toEqual([{ key: 'device:127.0.0.1', points: 120 }]);
  });

  it('keeps counting a shared throttle while the database is away, and shares those hits once it is back', async () => {
    const pool = (cluster.instances[0]!.deps.repo as PostgresRepository).pool;
    let down = true;
    const flaky: Queryable = { query: (text, values) => (down ? Promise.reject(new Error('connection refused')) : pool.query(text, values)) as never };
    const l = syncedLimiter('away', 3, 60, flaky, { syncMs: 3_600_000 });
    for (let n = 0; n < 3; n++) await l.hit('198.51.100.7');
    await l.sync();
    await expect(l.hit('198.51.100.7')).rejects.toMatchObject({ code: 'rate_limited' });
    down = false;
    await l.close();
    expect((await pool.query("SELECT points FROM rate_limits WHERE key = 'away:198.51.100.7'")).rows).toEqual([{ points: 3 }]);
  });
});
