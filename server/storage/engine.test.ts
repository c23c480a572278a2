// The lent engine: one set of stores serves every transaction, each only while it is open.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { lentEngine, transactionEngine, type SharedEngine } from './engine.ts';
import type { Schema } from './schema.ts';

describe('lent engine', () => {
  const db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
  const shared: SharedEngine = { insertionOrder: 'rowid', skipLocked: false, bytewise: 'BINARY', compiled: new Map(), settings: null };
  const answering = (answer: string) => transactionEngine(shared, db, async () => {}, async () => ({ rows: [answer], changes: 0 }));
  afterAll(async () => db.destroy());

  it('runs each query on the transaction it is lent to at the time', async () => {
    const lent = lentEngine(shared);
    expect(await lent.lend(answering('first'), () => lent.engine.query('select 1', []))).toEqual({ rows: ['first'], changes: 0 });
    expect(await lent.lend(answering('second'), () => lent.engine.query('select 1', []))).toEqual({ rows: ['second'], changes: 0 });
    // What every transaction shares is the root's, lent or not.
    expect(lent.engine.compiled).toBe(shared.compiled);
    expect(lent.engine.insertionOrder).toBe('rowid');
  });

  it("refuses what a transaction brings outside a lending: a store that kept it when built, or a unit of work's repository after the unit", async () => {
    const lent = lentEngine(shared);
    expect(() => lent.engine.db).toThrow(TypeError);
    expect(() => lent.engine.settings).toThrow(TypeError);
    await lent.lend(answering('done'), async () => {});
    expect(() => lent.engine.query('select 1', [])).toThrow(TypeError);
  });

  it('is lent to one open transaction at a time', async () => {
    const lent = lentEngine(shared);
    await lent.lend(answering('outer'), async () => {
      await expect(lent.lend(answering('inner'), async () => {})).rejects.toThrow(TypeError);
      // Still the outer one's.
      expect(await lent.engine.query('select 1', [])).toEqual({ rows: ['outer'], changes: 0 });
    });
  });
});
