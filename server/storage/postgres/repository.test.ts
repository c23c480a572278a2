// The Repository contract on PostgreSQL: one throwaway schema per test, reopened with a new pool.
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { type RepositoryHarness, describeRepositoryContract } from '../repository.contract.ts';
import type { Repository } from '../repository.ts';
import { describeMethodsContract } from '../methods.contract.ts';
import { describeAppsContract } from '../apps.contract.ts';
import { describeProtocolEventsContract } from '../protocol-events.contract.ts';
import { openPostgres } from './open.ts';
import { migrations } from '../migrations.ts';
import { expectFixtureRecords } from '../fixtures/expect-records.ts';

const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const prefix = `pk_contract_${process.pid}_${Date.now().toString(36)}`;
const schemas = new WeakMap<Repository, string>();
const created: string[] = [];
let n = 0;

async function open(schema: string): Promise<Repository> {
  const repo = await openPostgres({ connectionString: DATABASE_URL, schema, max: 4 });
  schemas.set(repo, schema);
  return repo;
}

const harness = (): RepositoryHarness => ({
  async open() {
    const schema = `${prefix}_${++n}`;
    created.push(schema);
    return open(schema);
  },
  async reopen(repo) {
    const schema = schemas.get(repo)!;
    await repo.close();
    return open(schema);
  },
  async cleanup() {
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    for (const s of created) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
    await admin.end();
  },
});

describeRepositoryContract('PostgreSQL', harness);
describeMethodsContract('PostgreSQL', harness);
describeAppsContract('PostgreSQL', harness);
describeProtocolEventsContract('PostgreSQL', harness);

describe('PostgreSQL migrations', () => {
  it('upgrade a schema written by the previous repository at its last migration, losing nothing', async () => {
    const schema = `${prefix}_upgrade`;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(readFileSync(new URL('../fixtures/postgres-v6.sql', import.meta.url), 'utf8').replaceAll('__schema__', schema));
      const repo = await openPostgres({ connectionString: DATABASE_URL, schema, max: 2 });
      await expectFixtureRecords(repo);
      await repo.close();
      const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${schema}.schema_migrations`);
      expect(rows[0]!.n).toBe(migrations('postgres').length);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});
