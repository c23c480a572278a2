// The admin sign-in log at 1M rows (BENCH_LOG_ROWS): how long each filter an admin uses
// takes, and how long it holds the event loop that every sign-in of the instance shares.
// Baseline, same file, same run: the queries as they were before the log had its indexes
// (upn LIKE '%…%', `(@x IS NULL OR …)`, the method found in the JSON), on the main thread:
// the repository kept under bench/baseline.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { openSqlite } from '../server/storage/sqlite/open.ts';
import type { Repository } from '../server/storage/repository.ts';
import type { SignInFilter } from '../server/domain/types.ts';
import { CHART_LIMIT } from '../server/domain/monitoring/signin-log.ts';
import { SIGN_IN_METHOD_BITS } from '../server/storage/migrations.ts';
import { openSqlite as openBaseline } from './baseline/sqlite-repository.ts';
import { median, verdict } from './lib.ts';

const ROWS = Number(process.env.BENCH_LOG_ROWS ?? 1_000_000);
const USERS = 1000;
const DAY = 86_400_000;
const NOW = 1_800_000_000_000;
const RUNS = Number(process.env.BENCH_LOG_RUNS ?? 5);

/** 1M attempts over 30 days: 1,000 users, five apps, 10,000 IPs, mostly password + push. */
function seed(filename: string): void {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const bit = (m: string) => 1 << SIGN_IN_METHOD_BITS.indexOf(m as (typeof SIGN_IN_METHOD_BITS)[number]);
  const steps = (first: string, last: string, result: string) =>
    JSON.stringify([{ method: first, detail: 'password verified', result: 'success', at: 0, durationMs: 800 }, { method: last, detail: 'number matched', result, at: 0, durationMs: 4200 }]);
  // Which methods attempt i used: 1 in 40 by SMS, 1 in 20 passwordless, the rest password + push.
  const kinds = [
    { methods: '["password","authenticator"]', bits: bit('password') | bit('authenticator'), ended: 'authenticator', steps: steps('password', 'authenticator', 'success') },
    { methods: '["passwordless"]', bits: bit('passwordless'), ended: 'passwordless', steps: steps('passwordless', 'passwordless', 'success') },
    { methods: '["sms"]', bits: bit('sms'), ended: 'sms', steps: steps('sms', 'sms', 'success') },
  ];
  db.exec(`CREATE TEMP TABLE kinds (k INTEGER PRIMARY KEY, methods TEXT, bits INTEGER, ended TEXT, steps TEXT)`);
  const put = db.prepare('INSERT INTO kinds VALUES (?, ?, ?, ?, ?)');
  kinds.forEach((k, i) => put.run(i, k.methods, k.bits, k.ended, k.steps));
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${ROWS - 1})
    INSERT INTO signins (id, at, user_id, upn, app, ip, location, browser, os, result, expires_at, failure_code, reason, requirement, methods_json, steps_json, method_bits, ended_with)
    SELECT printf('f%021d', i), ${NOW} - ${30 * DAY} + i * ${Math.floor((30 * DAY) / ROWS)}, printf('u%05d', i % ${USERS}), printf('user%d@bench.test', i % ${USERS}),
      printf('App %d', i % 5), printf('10.0.%d.%d', (i / 250) % 40, i % 250), 'Paris, FR', 'Chrome', 'Linux',
      CASE WHEN i % 50 = 7 THEN 'failure' ELSE 'success' END, ${NOW} + ${DAY},
      CASE WHEN i % 50 = 7 THEN 'denied' ELSE NULL END, NULL, 'multifactor',
      k.methods, k.steps, k.bits, k.ended
    FROM n JOIN kinds k ON k.k = CASE WHEN i % 40 = 3 THEN 2 WHEN i % 20 = 1 THEN 1 ELSE 0 END;
  `);
  db.close();
}

const FILTERS: Array<{ name: string; filter: Omit<SignInFilter, 'limit'> }> = [
  { name: 'newest page', filter: {} },
  { name: 'one user (exact)', filter: { userId: 'u00421' } },
  { name: 'UPN starts with "user42"', filter: { upn: 'user42' } },
  { name: 'failures, last 7 days', filter: { result: 'failure', from: NOW - 7 * DAY } },
  { name: 'method SMS', filter: { method: 'sms' } },
  { name: 'application and IP', filter: { app: 'App 3', ip: '10.0.17.33' } },
  { name: 'method passkey (none match)', filter: { method: 'passkey' } },
];

interface Timing {
  ms: number;
  /** The longest the event loop went without a turn while the query ran. */
  heldMs: number;
}

async function time(run: () => Promise<unknown>): Promise<Timing> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  // A timer that keeps the loop turning, so that a hold shows in the histogram.
  const tick = setInterval(() => {}, 1);
  // The histogram counts a delay from its second sample on.
  await new Promise((resolve) => setTimeout(resolve, 5));
  const t0 = performance.now();
  await run();
  const ms = performance.now() - t0;
  // One more turn, so that a hold that ended with the query is sampled.
  await new Promise((resolve) => setTimeout(resolve, 2));
  clearInterval(tick);
  h.disable();
  return { ms, heldMs: h.max / 1e6 };
}

async function timeAll(repo: Repository, runs: number): Promise<{ name: string; ms: number; heldMs: number }[]> {
  const cases = [
    ...FILTERS.map((f) => ({ name: f.name, run: () => Promise.all([repo.endExpiredSignIns(NOW, { failureCode: 'abandoned', reason: '' }), repo.listSignIns({ ...f.filter, limit: 200 })]) })),
    { name: `chart (newest ${CHART_LIMIT.toLocaleString()})`, run: () => repo.chartSignIns({}, CHART_LIMIT) },
  ];
  const out = [];
  for (const c of cases) {
    await c.run();
    const t: Timing[] = [];
    for (let i = 0; i < runs; i++) t.push(await time(c.run));
    out.push({ name: c.name, ms: median(t.map((x) => x.ms)), heldMs: Math.max(...t.map((x) => x.heldMs)) });
  }
  return out;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-bench-log-'));
  const filename = path.join(dir, 'log.db');
  try {
    await openSqlite({ filename }).close();
    const t0 = performance.now();
    seed(filename);
    process.stdout.write(`\nSign-in log: ${ROWS.toLocaleString()} rows seeded in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);
    const ours = openSqlite({ filename });
    const after = await timeAll(ours, RUNS);
    await ours.close();
    const old = openBaseline({ filename });
    // The old queries take seconds each at this size: fewer runs.
    const before = await timeAll(old, Math.min(RUNS, 2));
    await old.close();
    const width = Math.max(...after.map((r) => r.name.length));
    process.stdout.write(
      [
        `Sign-in log queries, ${ROWS.toLocaleString()} rows, median ms (and the longest the event loop was held)`,
        `${'filter'.padEnd(width)}  ${'indexed, reader thread'.padStart(24)}  ${'before (baseline)'.padStart(20)}`,
        ...after.map((r, i) => `${r.name.padEnd(width)}  ${`${r.ms.toFixed(1)} (${r.heldMs.toFixed(1)})`.padStart(24)}  ${`${before[i]!.ms.toFixed(1)} (${before[i]!.heldMs.toFixed(1)})`.padStart(20)}`),
      ].join('\n') + '\n',
    );
    const worst = Math.max(...after.map((r) => r.ms));
    const held = Math.max(...after.map((r) => r.heldMs));
    const worstBefore = Math.max(...before.map((r) => r.ms));
    const heldBefore = Math.max(...before.map((r) => r.heldMs));
    verdict({
      row: 'sign-in log filter, 1M rows',
      figure: `slowest filter ${worst.toFixed(1)} ms, event loop held ≤ ${held.toFixed(1)} ms`,
      baseline: `before: slowest ${worstBefore.toFixed(0)} ms, loop held ${heldBefore.toFixed(0)} ms`,
      ratio: `${(worstBefore / worst).toFixed(0)}× faster`,
      target: '≤ 50 ms, never blocks sign-ins',
      met: worst <= 50 && held <= 50,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
