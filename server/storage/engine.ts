// What the stores need from a database engine: the shared query builder, plus the few
// things SQLite and PostgreSQL cannot share (how to take a write lock, which column keeps
// insertion order, whether a sweep may skip rows others locked, which collation is bytewise,
// how to run an already compiled statement).
import type { Kysely } from 'kysely';
import type { Schema } from './schema.ts';

export type Db = Kysely<Schema>;

export interface Engine {
  readonly db: Db;
  /**
   * Runs `fn` in one transaction that excludes every other writer of the same `keys` until it
   * ends, on any instance: count-then-insert inside it cannot be raced.
   */
  serialized<T>(keys: readonly string[], fn: (db: Db) => Promise<T>): Promise<T>;
  /** Orders rows as they were inserted, for ties between equal timestamps: SQLite's rowid, PostgreSQL's seq. */
  readonly insertionOrder: 'rowid' | 'seq';
  /** PostgreSQL: a sweep skips rows another instance's sweep holds instead of waiting on them. */
  readonly skipLocked: boolean;
  /** Byte order, the same on every engine and locale (SQLite's default; PostgreSQL's follows the database locale). */
  readonly bytewise: 'BINARY' | 'C';
  /**
   * Runs SQL that prepared.ts compiled, outside any transaction, without the query builder:
   * SQLite's cached statement, PostgreSQL's named prepared statement. With `first`, only
   * the first row is wanted (SQLite stops there).
   */
  query(sql: string, parameters: readonly unknown[], first?: boolean): Promise<{ rows: unknown[]; changes: number }>;
  close(): Promise<void>;
}
