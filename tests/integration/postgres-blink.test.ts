// The database ends connections (a restart, a failover, an idle timeout): the instance keeps
// running and serving. Only this test's own connections are ended (by application name).
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, startCluster, type Cluster } from '../support/postgres.ts';
import { HttpClient, ManualClock } from '../support/server.ts';

const APP = `pk_blink_${process.pid}`;
let cluster: Cluster;

beforeAll(async () => {
  cluster = await startCluster({ name: 'blink', count: 1, clock: new ManualClock(), applicationName: APP });
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

describe('PostgreSQL connections ended by the database', () => {
  it('keeps serving after its idle storage and push-bus connections are ended', async () => {
    const browser = new HttpClient(cluster.origin);
    expect((await browser.post('/api/signin/start', { username: 'alice@pushkey.test' })).status).toBe(200);
    // A publish opens the bus's publisher connection, which then sits idle.
    cluster.instances[0]!.deps.bus.publish({ type: 'challenge', challengeId: 'AAAAAAAAAAAAAAAAAAAAAA', status: 'cancelled' });
    await new Promise((r) => setTimeout(r, 200));

    // Storage pool, publisher pool and the LISTEN connection are all idle now.
    expect(await endIdleConnections()).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 300));

    // No unhandled 'error' took the process down, and the next requests take new connections.
    expect((await browser.post('/api/signin/start', { username: 'bob@pushkey.test' })).status).toBe(200);
    expect((await browser.get('/api/health')).status).toBe(200);
  });
});
