// A PostgreSQL database of one benchmark run's own on the machine's server (tests' DATABASE_URL),
// dropped by the returned function.
import pg from 'pg';
import { DATABASE_URL } from '../../tests/support/postgres.ts';

export async function ownDatabase(tag: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `pk_bench_${tag}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const u = new URL(DATABASE_URL);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
