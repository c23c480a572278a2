// A PostgreSQL database of a test's own on the machine's server, that the test can take away
// and give back: end every connection to it, refuse new ones, make it read-only. Dropped after.
import pg from 'pg';
import { DATABASE_URL } from './postgres.ts';

export interface FaultDatabase {
  name: string;
  url: string;
  /** Ends every connection to the database (pg_terminate_backend); answers how many. */
  terminateAll(): Promise<number>;
  /** Refuses (false) or accepts (true) new connections; refusing also ends the open ones. */
  allowConnections(allow: boolean): Promise<void>;
  /** Every new transaction read-only (true) or not: open connections are ended so that the next ones take it. */
  readOnly(on: boolean): Promise<void>;
  drop(): Promise<void>;
}

const urlFor = (name: string) => {
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

export async function createFaultDatabase(tag: string): Promise<FaultDatabase> {
  const name = `pk_fault_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  admin.on('error', () => {});
  await admin.query(`CREATE DATABASE ${name}`);
  const terminateAll = async () =>
    (await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name])).rowCount ?? 0;
  return {
    name,
    url: urlFor(name),
    terminateAll,
    async allowConnections(allow) {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS ${allow}`);
      if (!allow) await terminateAll();
    },
    async readOnly(on) {
      await admin.query(on ? `ALTER DATABASE ${name} SET default_transaction_read_only = on` : `ALTER DATABASE ${name} RESET default_transaction_read_only`);
      await terminateAll();
    },
    async drop() {
      await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`).catch(() => {});
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
