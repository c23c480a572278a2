// The Repository contract on SQLite: a fresh file per test, reopened in place.
import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type RepositoryHarness, describeRepositoryContract, makeUser } from '../repository.contract.ts';
import type { Repository } from '../repository.ts';
import { describeMethodsContract } from '../methods.contract.ts';
import { migrations } from '../migrations.ts';
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
