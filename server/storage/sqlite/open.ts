// SQLite (better-sqlite3 12, WAL, foreign keys): the default storage, one file, one process.
// Only what is SQLite's own lives here: pragmas, the migration counter, the statement
// cache, and the write lock for count-then-insert (BEGIN IMMEDIATE).
import Database from 'better-sqlite3';
import { CompiledQuery } from 'kysely';
import type { Repository } from '../repository.ts';
import { transactionEngine, type Engine, type SharedEngine } from '../engine.ts';
import { migrations } from '../migrations.ts';
import { composeRepository } from '../stores.ts';
import { sqliteReader } from './reader.ts';
import { oneConnection } from './connection.ts';
import { SettingsCache } from '../settings-cache.ts';
import { walDurability, type Durability } from './durability.ts';

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /**
   * FULL (the default): a commit is on the disk before it is acknowledged, and survives power
   * loss (durability.ts: the WAL flushed off the event loop, one flush for the commits made
   * meanwhile). NORMAL: acknowledged once in the WAL; power loss can roll back the last commits.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How the WAL is flushed under FULL (tests hold a flush open with it). */
  flush?: Parameters<typeof walDurability>[1];
}

export function openSqlite(opts: SqliteOptions): Repository {
  const db = new Database(opts.filename);
  db.pragma('journal_mode = WAL');
  const full = (opts.synchronous ?? 'FULL') === 'FULL';
  db.pragma(`synchronous = ${full ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  // Past the migrations, FULL is kept by durability.ts, which flushes what NORMAL leaves unflushed before answering.
  db.pragma('synchronous = NORMAL');
  const durability = full && opts.filename !== ':memory:' ? walDurability(`${opts.filename}-wal`, opts.flush) : null;
  const statements = cachingStatements(db, durability);
  // A transaction holds the one connection from BEGIN to COMMIT (connection.ts), so the
  // stores' transactions are atomic although better-sqlite3 itself is synchronous.
  const { db: kysely, hold } = oneConnection(statements);
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
  // keys need no lock of their own. The transaction holds the one connection from BEGIN to
  // COMMIT, so its compiled queries run on the statements directly, past the query builder's
  // executor, which cost more than SQLite's work for each of them.
  const direct: Engine['query'] = async (text, parameters, first) => run(text, parameters, first);
  // Prepared apart from the cache: BEGIN, outside a transaction, is no commit of its own.
  const [begin, commit, rollback] = ['begin immediate', 'commit', 'rollback'].map((text) => db.prepare(text)) as [Database.Statement, Database.Statement, Database.Statement];
  const transaction: Engine['transaction'] = async (keys, fn) => {
    let mark = 0;
    const result = await hold(async (held) => {
      begin.run();
      try {
        const value = await transactionEngine(shared, held, async () => {}, direct).transaction(keys, fn);
        commit.run();
        mark = durability?.committed() ?? 0;
        return value;
      } catch (err) {
        // A failed COMMIT (SQLITE_BUSY, a full disk) may leave the transaction open: end it.
        if (db.inTransaction) rollback.run();
        throw err;
      }
    });
    // Flushed after the connection is free again: the next transactions commit meanwhile and share the next flush.
    await durability?.flushed(mark);
    return result;
  };
  const repository = composeRepository({
    ...shared,
    db: kysely,
    transaction,
    serialized: (keys, fn) => transaction(keys, (tx) => fn(tx.db)),
    async query(text, parameters, first) {
      // While a transaction holds the one connection, a statement run on it directly would
      // join that transaction: wait for it through the query builder like any other query.
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
      await durability?.close();
    },
  });
  return durability ? acknowledgedWhenFlushed(repository, durability) : repository;
}

/**
 * Methods whose writes outside a unit of work acknowledge nothing to anyone, so they answer
 * without waiting for a flush; the next flush, which any later commit waits for, carries them
 * (the WAL is one sequence). A push's delivery trace is one per sign-in, written after the push
 * went out: waiting for it cost one flush of five per sign-in.
 */
const UNACKNOWLEDGED: ReadonlySet<keyof Repository> = new Set(['appendProtocolEvent']);

/**
 * Every method answers only once what it committed is on the disk. A write outside a
 * transaction commits by itself (cachingStatements counts it); a method that committed
 * nothing, which is most reads, answers at once.
 */
function acknowledgedWhenFlushed(repository: Repository, durability: Durability): Repository {
  const wrapped = { ...repository };
  for (const [name, method] of Object.entries(repository) as [keyof Repository, (...args: unknown[]) => Promise<unknown>][]) {
    if (name === 'atomically' || name === 'close' || name === 'ping' || UNACKNOWLEDGED.has(name)) continue;
    (wrapped as Record<string, unknown>)[name] = async (...args: unknown[]) => {
      const before = durability.latest;
      const result = await method(...args);
      if (durability.latest !== before) await durability.flushed(durability.latest);
      return result;
    };
  }
  return wrapped;
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

/**
 * The statements the stores build are few and repeat on every request: prepare each once, for
 * Kysely and Engine.query alike (measured in bench/signin-storage.bench.ts). Every statement
 * runs right after it is prepared, in the same synchronous stretch, so a write prepared
 * outside a transaction is a commit for `durability`.
 */
function cachingStatements(db: Database.Database, durability: Durability | null, max = 500): { close(): void; prepare(text: string): Database.Statement } {
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
      if (durability && !s.reader && !db.inTransaction) durability.committed();
      return s;
    },
  };
}
