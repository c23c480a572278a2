// SMS and passkey ceremonies on PostgreSQL with two instances: a code sent by one instance
// is checked by the other, racing sends through both never pass the limit, and a passkey
// ceremony started on one is consumed once whichever instance the answers reach.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../server/app.ts';
import type { Deps } from '../../server/domain/deps.ts';
import { SMS_LIMITS } from '../../server/domain/sms.ts';
import { seedDemoTenant } from '../../server/seed.ts';
import { openPostgres } from '../../server/storage/postgres/repository.ts';
import { noLimiters } from '../../server/transport/http/rate-limit.ts';
import { postgresBus } from '../../server/transport/push/pg-bus.ts';
import { buildDeps } from '../../server/wiring.ts';
import { demoPassword, demoUpn, HttpClient, ManualClock, signIn } from '../support/server.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `pk_methods_${process.pid}_${Date.now().toString(36)}`;

interface Instance {
  url: string;
  deps: Deps;
  app: App;
  server: Server;
}

describe('PostgreSQL with two instances: SMS and passkey ceremonies', () => {
  const clock = new ManualClock();
  const instances: Instance[] = [];
  const codeOf = async (number: string) => /^(\d{6})/.exec((await instances[0]!.deps.repo.listOutbox({ channel: 'sms', to: number, limit: 1 }))[0]!.text)![1]!;
  /** A browser of instance `i` that typed the user name. */
  const startAt = async (i: number, name: string) => {
    const b = new HttpClient(instances[i]!.url);
    const start = await b.post('/api/signin/start', { username: demoUpn(name) });
    return { b, flowId: start.body.flowId as string };
  };

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const repo = await openPostgres({ connectionString: DATABASE_URL, schema });
      const bus = await postgresBus(DATABASE_URL, pino({ level: 'silent' }), schema);
      // One public origin (a load balancer in front of both), as in production.
      const deps = await buildDeps({ repo, bus, origin: instances[0]?.url ?? url, clock });
      const app = createApp(deps, { limiters: noLimiters() });
      app.attach(server);
      instances.push({ url, deps, app, server });
    }
    await seedDemoTenant(instances[0]!.deps, demoPassword);
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

  it('verifies on instance 2 the phone added on instance 1, and signs in with a code sent by one and checked by the other', async () => {
    const me1 = await signIn(instances[0]!.url, demoUpn('alice'), demoPassword('alice'));
    const add = await me1.post('/api/me/phone', { number: '+15551230001' });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    // The same session cookie, presented to the other instance.
    const me2 = new HttpClient(instances[1]!.url);
    me2.headers.cookie = `pk_session=${me1.cookie('pk_session')}`;
    expect((await me2.post('/api/me/phone/verify', { codeId: add.body.codeId, code: await codeOf('+15551230001') })).body).toMatchObject({ verified: true });

    const s = await startAt(1, 'alice');
    const sent = await s.b.post('/api/signin/sms/send', { flowId: s.flowId });
    const code = await codeOf('+15551230001');
    const at1 = new HttpClient(instances[0]!.url);
    at1.headers.cookie = `pk_flow=${s.b.cookie('pk_flow')}`;
    const answers = await Promise.all([
      at1.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code }),
      s.b.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code }),
    ]);
    expect(answers.filter((a) => a.body.status === 'signed_in')).toHaveLength(1);
  });

  it('never sends past the per-user limit when sends race through both instances', async () => {
    clock.advance(SMS_LIMITS.sendWindowMs);
    const flows = await Promise.all(Array.from({ length: 12 }, (_, i) => startAt(i % 2, 'alice')));
    const sent = await Promise.all(flows.map((f) => f.b.post('/api/signin/sms/send', { flowId: f.flowId })));
    expect(sent.filter((r) => r.status === 200)).toHaveLength(SMS_LIMITS.maxSendsPerUser);
    expect(sent.filter((r) => r.status === 429).every((r) => r.body.error === 'rate_limited')).toBe(true);
  });

  it('consumes a passkey ceremony once, whichever instance the answers reach', async () => {
    const s = await startAt(0, 'bob');
    const options = await s.b.post('/api/signin/passkey/options', { flowId: s.flowId });
    expect(options.status).toBe(200);
    const at2 = new HttpClient(instances[1]!.url);
    at2.headers.cookie = `pk_flow=${s.b.cookie('pk_flow')}`;
    const junk = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' }, clientExtensionResults: {} };
    const answers = await Promise.all([s.b, at2, s.b, at2].map((c) => c.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: options.body.ceremonyId, response: junk })));
    // One answer takes the ceremony (and is refused: no such passkey); every other finds it spent.
    expect(answers.map((a) => a.body.error).sort()).toEqual(['challenge_consumed', 'challenge_consumed', 'challenge_consumed', 'device_unknown']);
  });
});
