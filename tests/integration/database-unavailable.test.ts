// The database goes away (it refuses connections; every open one is ended): every route of the
// app answers 503 `unavailable` with words that say so, or what it would answer without the
// database; never a 500, never a session. /api/health/live stays 200 while ready says 503, and
// once the database is back the same instance serves again without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_UNAVAILABLE } from '../../server/storage/unavailable.ts';
import { createFaultDatabase, type FaultDatabase } from '../support/fault-db.ts';
import { startCluster, type Cluster } from '../support/postgres.ts';
import { discoverRoutes } from '../support/routes.ts';
import { ROUTES } from '../../protocol/http/index.ts';
import { demoPassword, demoUpn, HttpClient, ManualClock, signIn } from '../support/server.ts';

const PUBLIC = new Set(ROUTES.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`));
const ID = 'A'.repeat(22);

describe('PostgreSQL unavailable', () => {
  let db: FaultDatabase;
  let cluster: Cluster;
  beforeAll(async () => {
    db = await createFaultDatabase('down');
    cluster = await startCluster({ name: 'down', count: 1, clock: new ManualClock(), databaseUrl: db.url });
  });
  afterAll(async () => {
    await db?.allowConnections(true);
    await cluster?.close();
    await db?.drop();
  });

  it('answers 503 unavailable on every route that needs the database, never 500 and never a session, and serves again once it is back', async () => {
    const origin = cluster.origin;
    const admin = await signIn(origin, demoUpn('admin'), demoPassword('admin'));
    expect((await fetch(`${origin}/api/health/ready`)).status).toBe(200);

    await db.allowConnections(false);
    const answers = [];
    for (const r of discoverRoutes()) {
      const path = r.path.replace(/:[a-zA-Z]+/g, ID);
      const res = await admin.call(r.method, path, r.method === 'GET' || r.method === 'DELETE' ? undefined : {});
      answers.push({ route: `${r.method} ${r.path}`, status: res.status, body: res.body as { error?: string; message?: string } | null });
    }
    expect(answers.filter((a) => a.status >= 500 && a.status !== 503), 'no route fails with a 500').toEqual([]);
    for (const a of answers.filter((x) => x.status === 503)) expect(a.body, a.route).toMatchObject({ error: 'unavailable' });
    // Every route that needs a signed-in caller looks up the session first, so each says why it cannot.
    const signedIn = answers.filter((a) => !PUBLIC.has(a.route) && !a.route.includes(' /api/device/'));
    expect(signedIn.length).toBeGreaterThan(30);
    for (const a of signedIn) expect({ route: a.route, ...a.body }).toEqual({ route: a.route, error: 'unavailable', message: DATABASE_UNAVAILABLE });

    // Signing in fails closed: no session cookie.
    const browser = new HttpClient(origin);
    const start = await browser.post('/api/signin/start', { username: demoUpn('alice') });
    expect(start).toMatchObject({ status: 503, body: { error: 'unavailable' } });
    expect(browser.hasCookie('pk_session')).toBe(false);

    expect((await fetch(`${origin}/api/health/live`)).status).toBe(200);
    const ready = await fetch(`${origin}/api/health/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ error: 'unavailable', message: expect.stringMatching(/database/) });

    await db.allowConnections(true);
    const again = await signIn(origin, demoUpn('alice'), demoPassword('alice'));
    expect(again.hasCookie('pk_session')).toBe(true);
    expect((await admin.get('/api/me')).status).toBe(200);
  });
});
