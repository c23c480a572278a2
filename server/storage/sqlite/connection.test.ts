// The one connection: a holder has it alone until it settles, whoever else asks meanwhile.
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { oneConnection, type OneConnection } from './connection.ts';

describe('one SQLite connection', () => {
  let one: OneConnection;
  afterEach(async () => one.db.destroy());

  const open = async () => {
    one = oneConnection(new Database(':memory:'));
    await sql`create table t (n integer)`.execute(one.db);
  };
  const insert = (n: number) => sql`insert into t values (${n})`;
  const order = async () => (await sql<{ n: number }>`select n from t order by rowid`.execute(one.db)).rows.map((r) => r.n);

  it('runs the queries from outside after the holder settles, in the order asked', async () => {
    await open();
    let release!: () => void;
    const held = one.hold(async (db) => {
      await insert(1).execute(db);
      await new Promise<void>((resolve) => (release = resolve));
      await insert(2).execute(db);
    });
    const outside = insert(3).execute(one.db);
    const next = one.hold(async (db) => void (await insert(4).execute(db)));
    // Let everything that could run run before the holder goes on.
    for (let i = 0; i < 20; i++) await Promise.resolve();
    release();
    await Promise.all([held, outside, next]);
    expect(await order()).toEqual([1, 2, 3, 4]);
  });

  it('passes the connection on when a holder throws', async () => {
    await open();
    await expect(one.hold(() => Promise.reject(new Error('undo')))).rejects.toThrow('undo');
    await one.hold(async (db) => void (await insert(5).execute(db)));
    expect(await order()).toEqual([5]);
  });
});
