// SQLite (better-sqlite3 12, WAL, foreign keys): the default storage, one file, one process.
// Only what is SQLite's own lives here: pragmas, the migration counter, the statement
// cache, and the write lock for count-then-insert (BEGIN IMMEDIATE).
import Database from 'better-sqlite3';
import { CompiledQuery, Kysely, SqliteDialect } from 'kysely';
import type { Repository } from '../repository.ts';
import { transactionEngine, type Engine, type SharedEngine } from '../engine.ts';
import type { Schema } from '../schema.ts';
import { migrations } from '../migrations.ts';
import { composeRepository } from '../stores.ts';
import { sqliteReader } from './reader.ts';
import { SettingsCache } from '../settings-cache.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** FULL survives power loss; NORMAL is ~10× faster in WAL mode and loses at most the last commits on power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openSqlite(opts: SqliteOptions): Repository {
  const db = new Database(opts.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  const statements = cachingStatements(db);
  // Kysely's driver holds the one connection for a whole transaction (its mutex), so the
  // stores' transactions are atomic although better-sqlite3 itself is synchronous.
  const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: statements }) });
  // This connection writes everything this process writes; another process's commits change data_version.
  const dataVersion = db.prepare('pragma data_version').pluck();
  const settings = new SettingsCache(() => dataVersion.get() as number);
  const shared: SharedEngine = { insertionOrder: 'rowid', skipLocked: false, bytewise: 'BINARY', compiled: new Map(), settings };
  // A database in memory is this connection's alone: its long reads stay here.
  const reader = opts.filename === ':memory:' ? null : sqliteReader(opts.filename);
  /** A compiled statement on the one connection, which the caller holds (or no transaction is open). */
  const run = (text: string, parameters: readonly unknown[], first?: boolean) => {
    const s = statements.prepare(text);
    if (!s.reader) return { rows: [], changes: Number(s.run(parameters).changes) };
    if (!first) return { rows: s.all(parameters), changes: 0 };
    const row: unknown = s.get(parameters);
    return { rows: row === undefined ? [] : [row], changes: 0 };
  };
  // One file has one write lock, and every transaction takes it first (BEGIN IMMEDIATE): the
  // keys need no lock of their own. The transaction holds the one connection (the driver's
  // mutex) from BEGIN to COMMIT, so its compiled queries run on the statements directly, past
  // the query builder's executor, which cost more than SQLite's work for each of them.
  const direct: Engine['query'] = async (text, parameters, first) => run(text, parameters, first);
  const transaction: Engine['transaction'] = (keys, fn) =>
    kysely.connection().execute(async (conn) => {
      run('begin immediate', []);
      try {
        const result = await transactionEngine(shared, conn, async () => {}, direct).transaction(keys, fn);
        run('commit', []);
        return result;
      } catch (err) {
        // A failed COMMIT (SQLITE_BUSY, a full disk) may leave the transaction open: end it.
        if (db.inTransaction) run('rollback', []);
        throw err;
      }
    });
  return composeRepository({
    ...shared,
    db: kysely,
    transaction,
    serialized: (keys, fn) => transaction(keys, (tx) => fn(tx.db)),
    async query(text, parameters, first) {
      // While a transaction holds the one connection, a statement run on it directly would
      // join that transaction: wait for it through the driver's mutex like any other query.
      if (db.inTransaction) {
        const r = await kysely.executeQuery(CompiledQuery.raw(text, [...parameters]));
        return { rows: r.rows, changes: Number(r.numAffectedRows ?? 0) };
      }
      return run(text, parameters, first);
    },
    async ping() {
      statements.prepare('select 1').get();
    },
    read: async (text, parameters) => (reader ? reader.all(text, parameters) : (await kysely.executeQuery(CompiledQuery.raw(text, [...parameters]))).rows),
    async close() {
      await reader?.close();
      await kysely.destroy();
    },
  });
}

function migrate(db: Database.Database): void {
  const steps = migrations('sqlite');
  let current = db.pragma('user_version', { simple: true }) as number;
  // Before the list was shared, SQLite's fifth step was the sign-in expiry, which is the
  // sixth of the shared list (the fifth, PostgreSQL's rate limits, does nothing here).
  if (current === 5 && hasColumn(db, 'signins', 'expires_at')) current = 6;
  for (let i = current; i < steps.length; i++) {
    db.transaction(() => {
      db.exec(steps[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

const hasColumn = (db: Database.Database, table: string, column: string): boolean =>
  (db.pragma(`table_info(${table})`) as { name: string }[]).some((c) => c.name === column);

/** The statements the stores build are few and repeat on every request: prepare each once, for Kysely and Engine.query alike (measured in bench/signin-storage.bench.ts). */
function cachingStatements(db: Database.Database, max = 500): { close(): void; prepare(text: string): Database.Statement } {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(text: string) {
      let s = cache.get(text);
      if (!s) {
        if (cache.size >= max) cache.clear();
        s = db.prepare(text);
        cache.set(text, s);
      }
      return s;
    },
  };
}
