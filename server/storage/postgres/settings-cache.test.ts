// Settings in memory on PostgreSQL, with two repositories on one schema as two instances: a
// value read once is served from memory; a write on either instance, in a transaction or not,
// reaches the other's cache once it commits; while the settings channel is down every read
// goes to the database, and once it is back the cache starts over.
import pg from 'pg';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Repository } from '../repository.ts';
import { openPostgres } from './open.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `pk_settings_${process.pid}_${Date.now().toString(36)}`;
const admin = new pg.Client({ connectionString: DATABASE_URL });
const created: string[] = [];
let n = 0;

afterAll(async () => {
  for (const s of created) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
  await admin.end();
});

async function twoInstances(): Promise<{ a: Repository; b: Repository; schema: string; behindTheirBacks: (key: string, value: string) => Promise<void>; close: () => Promise<void> }> {
  if (n === 0) await admin.connect();
  const schema = `${prefix}_${++n}`;
  created.push(schema);
  const a = await openPostgres({ connectionString: DATABASE_URL, schema, max: 2 });
  const b = await openPostgres({ connectionString: DATABASE_URL, schema, max: 2, reconnectDelayMs: () => 1_500 });
  return {
    a,
    b,
    schema,
    // A write no instance announces: what only a cache would hide. (Announced writes made just
    // before a read could land after it and drop what it cached; these never do.)
    behindTheirBacks: async (key, value) =>
      void (await admin.query(`INSERT INTO ${schema}.settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`, [key, value])),
    close: async () => {
      await a.close();
      await b.close();
    },
  };
}

describe('PostgreSQL settings in memory, across instances', () => {
  it('serves a value read once from memory, and drops it when another instance writes it', async () => {
    const { a, b, behindTheirBacks, close } = await twoInstances();
    await behindTheirBacks('policy.test', 'v1');
    expect(await b.getSetting('policy.test')).toBe('v1');
    await behindTheirBacks('policy.test', 'unannounced');
    expect(await b.getSetting('policy.test')).toBe('v1');
    await a.setSetting('policy.test', 'v2');
    await vi.waitFor(async () => expect(await b.getSetting('policy.test')).toBe('v2'));
    await close();
  });

  it('announces a write inside a transaction at its commit, and nothing when it rolls back', async () => {
    const { a, b, behindTheirBacks, close } = await twoInstances();
    await behindTheirBacks('policy.test', 'v1');
    expect(await b.getSetting('policy.test')).toBe('v1');
    await behindTheirBacks('policy.test', 'unannounced');
    await expect(
      a.atomically(async (tx) => {
        await tx.setSetting('policy.test', 'rolled back');
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    // Nothing was announced: b still serves what it held (the unannounced write shows it never asked again).
    await new Promise((r) => setTimeout(r, 200));
    expect(await b.getSetting('policy.test')).toBe('v1');
    await a.atomically((tx) => tx.replaceSetting('policy.test', 'unannounced', 'v3'));
    await vi.waitFor(async () => expect(await b.getSetting('policy.test')).toBe('v3'));
    await close();
  });

  it('reads every setting from the database while its channel is down, and caches again once it is back', async () => {
    const { a, b, schema, behindTheirBacks, close } = await twoInstances();
    await behindTheirBacks('policy.test', 'v1');
    expect(await b.getSetting('policy.test')).toBe('v1');
    // The database ends b's settings LISTEN connection, as a restart or failover would.
    const { rowCount } = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = 'LISTEN ${schema}_settings'`);
    expect(rowCount).toBeGreaterThan(0);
    await vi.waitFor(async () => {
      await behindTheirBacks('policy.test', 'unannounced 1');
      expect(await b.getSetting('policy.test')).toBe('unannounced 1');
    });
    // Still deaf (it waits 1.5 s to listen again): a second change shows at once too, so nothing is held.
    await behindTheirBacks('policy.test', 'unannounced 2');
    expect(await b.getSetting('policy.test')).toBe('unannounced 2');
    // Listening again: the next value read is held again. Each try starts from a write a
    // announces, which b has heard once it reads it (or read while still deaf).
    let tries = 0;
    await vi.waitFor(
      async () => {
        const value = `after ${++tries}`;
        await a.setSetting('policy.test', value);
        await vi.waitFor(async () => expect(await b.getSetting('policy.test')).toBe(value));
        await behindTheirBacks('policy.test', 'hidden');
        expect(await b.getSetting('policy.test')).toBe(value);
      },
      { timeout: 8_000, interval: 100 },
    );
    await close();
  });
});
