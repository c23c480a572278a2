// Prepared queries: compiled once per shape, and once for every engine that shares the
// compiled map (the root and each transaction), however often their store is built.
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transactionEngine, type Db, type Engine, type SharedEngine } from './engine.ts';
import { buildStore, prepared } from './prepared.ts';
import type { Schema } from './schema.ts';

describe('prepared queries', () => {
  let db: Db;
  const shared: SharedEngine = { insertionOrder: 'rowid', skipLocked: false, bytewise: 'BINARY', compiled: new Map(), settings: null };
  const engine = (): Engine => transactionEngine(shared, db, async () => {});
  let builds = 0;
  /** A store of two queries, counting how often the builder of either runs. */
  const settingsOf = (e: Engine) =>
    buildStore('settings-test', () => ({
      value: prepared(e, (key: string) => (builds++, e.db.selectFrom('settings').select('value').where('key', '=', key))),
      keys: prepared(e, (f: { above?: string }) => {
        builds++;
        const q = e.db.selectFrom('settings').select('key').orderBy('key');
        return f.above === undefined ? q : q.where('key', '>', f.above);
      }),
    }));

  beforeAll(async () => {
    db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    await sql`create table settings (key text primary key, value text not null)`.execute(db);
    await sql`insert into settings values ('a', '1'), ('b', '2'), ('c', '3')`.execute(db);
  });
  afterAll(async () => db.destroy());

  it('compiles each query shape once for every engine sharing the compiled map, and keeps the queries of one store apart', async () => {
    builds = 0;
    for (let i = 0; i < 3; i++) {
      // A new store over a new engine each time, as the root and each set of transaction stores build their own.
      const store = settingsOf(engine());
      expect(await store.value.first('b')).toEqual({ value: '2' });
      expect(await store.keys.all({})).toEqual([{ key: 'a' }, { key: 'b' }, { key: 'c' }]);
      expect(await store.keys.all({ above: 'a' })).toEqual([{ key: 'b' }, { key: 'c' }]);
    }
    // One per shape: the value query, and the key list with and without its filter.
    expect(builds).toBe(3);
  });

  it('refuses a query prepared outside the building of a store, which would have no name', () => {
    const e = engine();
    expect(() => prepared(e, (key: string) => e.db.selectFrom('settings').select('value').where('key', '=', key))).toThrow(TypeError);
  });
});
