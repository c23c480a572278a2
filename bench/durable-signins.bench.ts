// Durable sign-ins per second: 16 users sign in passwordless at once, again and again (start,
// push, signed answer, status poll: every write of a sign-in), on SQLite with
// synchronous=FULL, which survives power loss. Clients and server share this process, as
// the other HTTP benchmarks. Baseline, same run: raw better-sqlite3 on a file of its own,
// WAL and FULL, two writes per sign-in (the least a sign-in that is logged can commit).
// The same sign-ins at synchronous=NORMAL are printed beside them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { systemActor } from '../server/domain/monitoring/audit.ts';
import { createUser } from '../server/domain/users/users.ts';
import { enrollUser, signInPasswordless, upgradeToPasswordless, type EnrolledUser } from '../tests/support/flows.ts';
import { ManualClock, startServer } from '../tests/support/server.ts';
import { durationMs, measure, printTable, verdict, type Row } from './lib.ts';

const CONCURRENCY = 16;

async function pushkeyLoop(synchronous: 'FULL' | 'NORMAL'): Promise<Row> {
  const clock = new ManualClock();
  const srv = await startServer({ clock, sqliteSynchronous: synchronous, policy: { requestLifetimeSeconds: 600 }, monitoring: { throttlePerWindow: 500, throttleWindowMinutes: 1 } });
  const people: EnrolledUser[] = [];
  try {
    for (let i = 0; i < CONCURRENCY; i++) {
      const upn = `bench${i}@pushkey.test`;
      const password = `Bench-${i}-Passw0rd!`;
      await createUser(srv.deps, systemActor, { upn, displayName: `Bench ${i}`, password, groups: [], roles: ['user'] });
      srv.users[`bench${i}`] = { upn, password };
      const u = await enrollUser(srv, `bench${i}`);
      await upgradeToPasswordless(u);
      people.push(u);
    }
    const signIn = (u: EnrolledUser) => signInPasswordless(srv, u);
    // Each round moves the clock past the push throttle's window (a minute), so that no user runs out of budget.
    const round = async () => {
      clock.advance(61_000);
      await Promise.all(people.map(signIn));
    };
    return await measure({ name: `pushkey, ${CONCURRENCY} at once, synchronous=${synchronous}`, batch: CONCURRENCY, run: round }, durationMs);
  } finally {
    for (const u of people) u.device.close();
    await srv.close();
  }
}

function rawLoop(): Row {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-bench-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE signins (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, result TEXT NOT NULL)');
    const insert = db.prepare("INSERT INTO signins (at, result) VALUES (?, 'in_progress')");
    const finish = db.prepare("UPDATE signins SET result = 'success' WHERE id = ?");
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      const id = insert.run(Date.now()).lastInsertRowid;
      finish.run(id);
      n++;
    }
    const seconds = (performance.now() - start) / 1000;
    return { name: 'raw SQLite, two writes per sign-in, synchronous=FULL', ops: n / seconds, perOpUs: (seconds * 1e6) / n };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const raw = rawLoop();
  const full = await pushkeyLoop('FULL');
  const normal = await pushkeyLoop('NORMAL');
  printTable('Durable sign-ins per second, SQLite', [raw, full, normal], raw.name);
  verdict({
    row: 'durable sign-ins/s, SQLite FULL',
    figure: `${full.ops.toFixed(0)}/s (NORMAL: ${normal.ops.toFixed(0)}/s)`,
    baseline: `raw SQLite, two writes per sign-in, FULL: ${raw.ops.toFixed(0)}/s`,
    ratio: `${((100 * full.ops) / raw.ops).toFixed(0)}% of raw`,
    target: '≥ 1,500/s',
    met: full.ops >= 1500,
  });
}
