// The PostgreSQL path: two app instances on one database. A sign-in handled by instance 1
// reaches a device connected to instance 2 through LISTEN/NOTIFY, and a response sent to
// either instance is consumed exactly once.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../server/app.ts';
import type { Deps } from '../../server/domain/deps.ts';
import { seedDemoTenant } from '../../server/seed.ts';
import { openPostgres } from '../../server/storage/postgres/repository.ts';
import { noLimiters } from '../../server/transport/http/rate-limit.ts';
import { postgresBus } from '../../server/transport/push/pg-bus.ts';
import { buildDeps } from '../../server/wiring.ts';
import pino from 'pino';
import { demoPassword, HttpClient, ManualClock, signIn } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `pk_test_${process.pid}_${Date.now().toString(36)}`;

interface Instance {
  url: string;
  deps: Deps;
  app: App;
  server: Server;
}

async function listen(): Promise<{ server: Server; url: string }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('PostgreSQL with two instances', () => {
  const clock = new ManualClock();
  const instances: Instance[] = [];
  let origin = '';

  beforeAll(async () => {
    const first = await listen();
    origin = first.url; // the public origin both instances serve (a load balancer in production)
    for (const { server, url } of [first, await listen()]) {
      const repo = await openPostgres({ connectionString: DATABASE_URL, schema });
      const bus = await postgresBus(DATABASE_URL, pino({ level: 'silent' }), schema);
      const deps = await buildDeps({ repo, bus, origin, clock });
      const app = createApp(deps, { limiters: noLimiters() });
      app.attach(server);
      instances.push({ url, deps, app, server });
    }
    await seedDemoTenant(instances[0]!.deps, demoPassword);
    // The second instance sees the seed and does not seed again.
    expect(await seedDemoTenant(instances[1]!.deps, demoPassword)).toBeNull();
  });

  afterAll(async () => {
    for (const i of instances) {
      await i.app.close();
      i.server.closeAllConnections();
      await new Promise<void>((r) => i.server.close(() => r()));
      await i.deps.bus.close();
      await i.deps.repo.close();
    }
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

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
