// What the stores need from a database engine: the shared query builder, plus the few
// things SQLite and PostgreSQL cannot share (how to take a write lock, which column keeps
// insertion order, whether a sweep may skip rows others locked, which collation is bytewise,
// how to run an already compiled statement).
import { CompiledQuery, type Kysely } from 'kysely';
import type { Schema } from './schema.ts';
import type { SettingsCache, SettingsView, TransactionSettings } from './settings-cache.ts';

export type Db = Kysely<Schema>;

/** A query prepared.ts compiled for one shape of its arguments: its SQL text, and where each parameter's value comes from. */
export interface CompiledShape {
  sql: string;
  fill: ((args: readonly unknown[]) => unknown)[];
}

export interface Engine {
  readonly db: Db;
  /**
   * Runs `fn` over one transaction, with an engine whose every query runs in it: all of its
   * writes commit together, or none when `fn` throws. Until it ends it excludes every other
   * transaction naming one of the same `keys`, on any instance: count-then-insert inside it
   * cannot be raced. Inside a transaction this joins it, taking the keys there.
   */
  transaction<T>(keys: readonly string[], fn: (tx: Engine) => Promise<T>): Promise<T>;
  /** `transaction` for a store that needs only the transaction's query builder. */
  serialized<T>(keys: readonly string[], fn: (db: Db) => Promise<T>): Promise<T>;
  /** Orders rows as they were inserted, for ties between equal timestamps: SQLite's rowid, PostgreSQL's seq. */
  readonly insertionOrder: 'rowid' | 'seq';
  /** PostgreSQL: a sweep skips rows another instance's sweep holds instead of waiting on them. */
  readonly skipLocked: boolean;
  /** Byte order, the same on every engine and locale (SQLite's default; PostgreSQL's follows the database locale). */
  readonly bytewise: 'BINARY' | 'C';
  /**
   * prepared.ts's compiled queries, by query name and then shape: one map for the root engine
   * and every engine of its transactions, so that a store built for them compiles nothing anew.
   */
  readonly compiled: Map<string, Map<string, CompiledShape>>;
  /** Settings kept in memory (settings-cache.ts), or null where the engine keeps none. */
  readonly settings: SettingsView | null;
  /**
   * Runs SQL that prepared.ts compiled, without the query builder: outside a transaction
   * SQLite's cached statement, PostgreSQL's named prepared statement; inside one, on its
   * connection. With `first`, only the first row is wanted (SQLite stops there).
   */
  query(sql: string, parameters: readonly unknown[], first?: boolean): Promise<{ rows: unknown[]; changes: number }>;
  /**
   * Runs a compiled read that may touch many rows (the logs an admin reads) where it cannot
   * hold up the requests of others: SQLite's reader thread, a PostgreSQL pool connection;
   * inside a transaction, on its connection.
   */
  read(sql: string, parameters: readonly unknown[]): Promise<unknown[]>;
  /** Resolves when the database answers and takes writes; rejects with the engine's own error otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** What the engine of a transaction has from its root engine. */
export type SharedEngine = Pick<Engine, 'insertionOrder' | 'skipLocked' | 'bytewise' | 'compiled'> & { readonly settings: SettingsCache | null };

/**
 * The engine of one open transaction `trx` of `root`. `lock` takes one key's lock for the rest
 * of the transaction (SQLite's transaction already holds the only write lock there is).
 * `direct` runs compiled SQL on the transaction's connection past the query builder's
 * executor, where the engine can (SQLite's statements, the connection being held).
 */
export function transactionEngine(root: SharedEngine, trx: Db, lock: (trx: Db, key: string) => Promise<void>, direct?: Engine['query']): Engine & { readonly settings: TransactionSettings | null } {
  const tx: Engine & { readonly settings: TransactionSettings | null } = {
    insertionOrder: root.insertionOrder,
    skipLocked: root.skipLocked,
    bytewise: root.bytewise,
    compiled: root.compiled,
    settings: root.settings?.within() ?? null,
    db: trx,
    async transaction(keys, fn) {
      for (const key of keys) await lock(trx, key);
      return fn(tx);
    },
    serialized: (keys, fn) => tx.transaction(keys, (t) => fn(t.db)),
    query:
      direct ??
      (async (text, parameters) => {
        const r = await trx.executeQuery(CompiledQuery.raw(text, [...parameters]));
        return { rows: r.rows as unknown[], changes: Number(r.numAffectedRows ?? 0) };
      }),
    read: async (text, parameters) => (await tx.query(text, parameters)).rows,
    async ping() {
      await trx.executeQuery(CompiledQuery.raw('select 1'));
    },
    close: () => Promise.reject(new TypeError('close: a transaction is not the repository; close the repository itself')),
  };
  return tx;
}

/**
 * An engine that stands for whichever transaction it is lent to, so that stores built over it
 * once serve every transaction after (stores.ts). Outside a lending, everything a transaction
 * brings (db, settings, query, …) throws: a store reads them as it runs, never as it is built.
 */
export interface LentEngine {
  readonly engine: Engine;
  /** Runs `fn` with `engine` standing for `tx`, until `fn` settles. */
  lend<T>(tx: Engine, fn: () => Promise<T>): Promise<T>;
}

export function lentEngine(root: Pick<Engine, 'insertionOrder' | 'skipLocked' | 'bytewise' | 'compiled'>): LentEngine {
  let tx: Engine | null = null;
  const current = (): Engine => {
    if (!tx) throw new TypeError("A transaction's engine was read outside a transaction: a unit of work's repository serves until the unit ends, and a store reads the engine as it runs, not as it is built");
    return tx;
  };
  const engine: Engine = {
    insertionOrder: root.insertionOrder,
    skipLocked: root.skipLocked,
    bytewise: root.bytewise,
    compiled: root.compiled,
    get settings() {
      return current().settings;
    },
    get db() {
      return current().db;
    },
    transaction: (keys, fn) => current().transaction(keys, fn),
    serialized: (keys, fn) => current().serialized(keys, fn),
    query: (text, parameters, first) => current().query(text, parameters, first),
    read: (text, parameters) => current().read(text, parameters),
    ping: () => current().ping(),
    close: () => current().close(),
  };
  return {
    engine,
    async lend(t, fn) {
      if (tx) throw new TypeError('lentEngine: already lent to an open transaction');
      tx = t;
      try {
        return await fn();
      } finally {
        tx = null;
      }
    },
  };
}
