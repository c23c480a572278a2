// The Repository contract on SQLite: a fresh file per test, reopened in place.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RepositoryHarness, describeRepositoryContract, makeUser } from '../repository.contract.ts';
import type { Repository } from '../repository.ts';
import { describeMethodsContract } from '../methods.contract.ts';
import { Kysely, SqliteDialect } from 'kysely';
import { SIGN_IN_METHOD_BITS, migrations } from '../migrations.ts';
import type { Schema } from '../schema.ts';
import { signInsMatching } from '../stores/sign-ins.ts';
import type { SignInFilter } from '../../domain/types.ts';
import { describeAppsContract } from '../apps.contract.ts';
import { describeProtocolEventsContract } from '../protocol-events.contract.ts';
import { openSqlite } from './open.ts';
import { expectFixtureRecords } from '../fixtures/expect-records.ts';

const root = mkdtempSync(path.join(tmpdir(), 'pushkey-repo-'));
const files = new WeakMap<Repository, string>();
let n = 0;

function open(filename: string): Repository {
  const repo = openSqlite({ filename });
  files.set(repo, filename);
  return repo;
}

const harness = (): RepositoryHarness => ({
  // Both suites share the folder; the first one's cleanup may have removed it.
  open: async () => (mkdirSync(root, { recursive: true }), open(path.join(root, `db-${++n}.sqlite`))),
  async reopen(repo) {
    const filename = files.get(repo)!;
    await repo.close();
    return open(filename);
  },
  cleanup: async () => rmSync(root, { recursive: true, force: true }),
});

describeRepositoryContract('SQLite', harness);
describeMethodsContract('SQLite', harness);
describeAppsContract('SQLite', harness);
describeProtocolEventsContract('SQLite', harness);

describe('SQLite migrations', () => {
  it('records how many ran, and reopening neither reruns nor fails', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-mig-'));
    const filename = path.join(dir, 'p.db');
    try {
      const user = makeUser();
      let repo = openSqlite({ filename });
      await repo.createUser(user);
      await repo.close();
      repo = openSqlite({ filename });
      await repo.close();
      const db = new Database(filename, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(migrations('sqlite').length);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
      repo = openSqlite({ filename });
      expect(await repo.getUser(user.id)).toEqual(user);
      await repo.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('works in memory', async () => {
    const repo = openSqlite({ filename: ':memory:' });
    const user = makeUser();
    await repo.createUser(user);
    expect(await repo.getUser(user.id)).toEqual(user);
    await repo.close();
  });

  it('upgrades a file written by the previous repository at its last migration, losing nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-upgrade-'));
    const filename = path.join(dir, 'old.db');
    try {
      const old = new Database(filename);
      old.exec(readFileSync(new URL('../fixtures/sqlite-v5.sql', import.meta.url), 'utf8'));
      expect(old.pragma('user_version', { simple: true })).toBe(5);
      old.close();
      const repo = openSqlite({ filename });
      await expectFixtureRecords(repo);
      await repo.close();
      const db = new Database(filename, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(migrations('sqlite').length);
      db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the sign-in log on SQLite', () => {
  const FILTERS: Array<Omit<SignInFilter, 'limit' | 'offset'>> = [
    {},
    { userId: 'u' },
    { upn: 'alice' },
    { result: 'failure' },
    { app: 'App' },
    { ip: '192.0.2.1' },
    { from: 1, to: 2 },
    ...SIGN_IN_METHOD_BITS.map((method) => ({ method })),
    { method: 'passkey', result: 'success', from: 1 },
    { upn: 'alice', result: 'failure', from: 1, to: 2 },
  ];

  it('reads every filter through an index, never the whole table', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-plan-'));
    const filename = path.join(dir, 'plan.db');
    try {
      await openSqlite({ filename }).close();
      const db = new Database(filename, { readonly: true });
      const kysely = new Kysely<Schema>({ dialect: new SqliteDialect({ database: db }) });
      for (const f of FILTERS) {
        const { sql, parameters } = signInsMatching({ db: kysely, insertionOrder: 'rowid', bytewise: 'BINARY' }, f).selectAll().limit(200).compile();
        const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...parameters) as { detail: string }[]).map((r) => r.detail);
        const reads = plan.filter((d) => /\bsignins\b/.test(d));
        expect(reads, `${JSON.stringify(f)}: ${plan.join(' | ')}`).toHaveLength(1);
        expect(reads[0], `${JSON.stringify(f)}: ${plan.join(' | ')}`).toMatch(/USING (COVERING )?INDEX signins_/);
      }
      await kysely.destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a setting that another process wrote to the same file since it was last read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-settings-'));
    const filename = path.join(dir, 's.db');
    const repo = openSqlite({ filename });
    const other = new Database(filename);
    try {
      await repo.setSetting('policy.sms', 'one');
      expect(await repo.getSetting('policy.sms')).toBe('one');
      other.prepare("update settings set value = 'two' where key = 'policy.sms'").run();
      expect(await repo.getSetting('policy.sms')).toBe('two');
      expect(await repo.getSetting('tenant.name')).toBeNull();
      other.prepare("insert into settings (key, value) values ('tenant.name', 'Contoso')").run();
      expect(await repo.getSetting('tenant.name')).toBe('Contoso');
    } finally {
      other.close();
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads the log off the main thread, seeing every write committed before', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-reader-'));
    const repo = openSqlite({ filename: path.join(dir, 'r.db') });
    try {
      const user = makeUser();
      await repo.createUser(user);
      const at = 1_800_000_000_000;
      const entry = { id: 'f'.repeat(22), at, userId: user.id, upn: user.upn, app: 'App', ip: '', location: '', browser: '', os: '', result: 'in_progress' as const, expiresAt: at + 1, failureCode: null, reason: null, requirement: 'none' as const, methods: [], steps: [] };
      await repo.upsertSignIn(entry);
      const threads = new Set<number>();
      const { Worker } = await import('node:worker_threads');
      const spawned = Worker.prototype.postMessage;
      Worker.prototype.postMessage = function (this: InstanceType<typeof Worker>, ...args: Parameters<typeof spawned>) {
        threads.add(this.threadId);
        return spawned.apply(this, args);
      };
      try {
        expect(await repo.listSignIns({ limit: 10 })).toEqual([entry]);
        await repo.upsertSignIn({ ...entry, result: 'success' });
        expect((await repo.listSignIns({ limit: 10 }))[0]!.result).toBe('success');
      } finally {
        Worker.prototype.postMessage = spawned;
      }
      expect(threads.size).toBe(1);
    } finally {
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
