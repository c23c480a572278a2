// PostgreSQL (pg), for many instances on one database. Only what is PostgreSQL's own lives
// here: the pool, the schema, migrations under an advisory lock, and advisory locks for
// count-then-insert. LISTEN/NOTIFY is the push bus's (server/transport/push/pg-bus.ts).
import pg from 'pg';
import { Kysely, PostgresDialect, sql } from 'kysely';
import type { Repository } from '../repository.ts';
import type { Schema } from '../schema.ts';
import { migrations } from '../migrations.ts';
import { composeRepository } from '../stores.ts';
import { transactionEngine, type Db, type Engine, type SharedEngine } from '../engine.ts';
import { CONNECT_TIMEOUT_MS } from './connect.ts';
import { SettingsCache } from '../settings-cache.ts';
import { announced, settingsVersion } from './settings-version.ts';
import pino, { type Logger } from 'pino';

const SCHEMA_RE = /^[a-z_][a-z0-9_]*$/;
/** Any constant will do; it only has to be the same for every instance. */
const MIGRATION_LOCK = 7_146_011;

export interface PostgresOptions {
  connectionString: string;
  /** A schema to use instead of public (tests isolate themselves this way). Created if missing. */
  schema?: string;
  max?: number;
  /** Where the settings channel logs that it was lost and found again (default: nowhere). */
  log?: Logger;
  /** How long the settings channel waits before listening again (default: listener.ts's backoff). */
  reconnectDelayMs?: (attempt: number) => number;
}

/** How long a setting is served from memory at most: the bound should an announcement be lost (an instance killed between a commit and its NOTIFY). */
const SETTINGS_MAX_AGE_MS = 30_000;

/** The pool is public for the rate limiters, which keep their counts in the same database (rate_limits). */
export type PostgresRepository = Repository & { readonly pool: pg.Pool };

export async function openPostgres(opts: PostgresOptions): Promise<PostgresRepository> {
  if (opts.schema && !SCHEMA_RE.test(opts.schema)) throw new TypeError(`openPostgres: bad schema name "${opts.schema}"`);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    // A database that does not answer fails the request (503) instead of holding it forever.
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  // An idle client that the server ends (restart, failover, idle timeout) must not crash the
  // process; the next query takes a new one.
  pool.on('error', () => {});
  // The pool listens only to idle clients. One that is checked out (a transaction, or a query
  // through Kysely) when the database ends it emits 'error' with nobody listening, which also
  // crashes the process: its query fails on its own (503), and the pool drops it when released.
  pool.on('connect', (client) => client.on('error', () => {}));
  if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
  await migrate(pool);
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }) });
  // Each text gets a name, under which every connection parses and plans it once.
  const names = new Map<string, string>();
  const changes = await settingsVersion(opts.connectionString, opts.schema, opts.log ?? pino({ level: 'silent' }), opts.reconnectDelayMs);
  const settings = new SettingsCache(() => changes.version(), { maxAgeMs: SETTINGS_MAX_AGE_MS, committed: (key) => changes.announce(pool, key) });
  const shared: SharedEngine = { insertionOrder: 'seq', skipLocked: true, bytewise: 'C', compiled: new Map(), settings };
  // Transaction-scoped advisory locks, taken in the order given, serialise every instance.
  const lock = async (trx: Db, key: string) => {
    await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
  };
  const transaction: Engine['transaction'] = (keys, fn) =>
    db.transaction().execute(async (trx) => {
      const tx = transactionEngine(shared, trx, lock);
      const result = await tx.transaction(keys, fn);
      // Delivered to every instance at COMMIT, and not at all if it rolls back.
      if (tx.settings?.wrote.size) await sql`select pg_notify(${changes.channel}, ${announced(tx.settings.wrote)})`.execute(trx);
      return result;
    });
  const repo = composeRepository({
    ...shared,
    db,
    transaction,
    serialized: (keys, fn) => transaction(keys, (tx) => fn(tx.db)),
    async query(text, parameters) {
      let name = names.get(text);
      if (name === undefined) names.set(text, (name = `pushkey_${names.size + 1}`));
      const r = await pool.query({ name, text, values: [...parameters] });
      return { rows: r.rows, changes: r.rowCount ?? 0 };
    },
    read: async (text, parameters) => (await pool.query(text, [...parameters])).rows,
    async ping() {
      const { rows } = await pool.query<{ ro: string }>("select current_setting('transaction_read_only') as ro");
      // What a write would meet: SQLSTATE 25006, read_only_sql_transaction.
      if (rows[0]?.ro === 'on') throw Object.assign(new Error('The database is read-only.'), { code: '25006' });
    },
    // Kysely's destroy ends the pool.
    async close() {
      await changes.close();
      await db.destroy();
    },
  });
  return { ...repo, pool };
}

async function migrate(pool: pg.Pool): Promise<void> {
  const steps = migrations('postgres');
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows: done } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    for (let i = done[0]!.n; i < steps.length; i++) {
      await client.query('BEGIN');
      try {
        await client.query(steps[i]!);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}
