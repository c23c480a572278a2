// Durable sign-ins per second on PostgreSQL: 64 users sign in passwordless at once, again and
// again (start, "use an app instead", the push, the signed answer, the status poll: every write
// of a sign-in), on one instance with the production storage and bus (the cluster of
// tests/support/postgres.ts, its pool of 10) on a database of this run's own on the machine's
// server, created and dropped here; the server commits synchronously (synchronous_commit as
// the server has it). Clients and server share this process, as the other HTTP benchmarks.
// Rate limits are off, as in the SQLite row (every client here is one address); what they cost
// is printed apart, before and after the throttles left the database. Baseline, same run: raw
// pg, 64 connections, two writes per sign-in (the least a sign-in that is logged can commit),
// 64 at once.
import pg from 'pg';
import { systemActor } from '../server/domain/monitoring/audit.ts';
import { DEFAULT_MONITORING_POLICY, setMonitoringPolicy } from '../server/domain/monitoring/monitoring.ts';
import { setAuthenticatorPolicy, getAuthenticatorPolicy } from '../server/domain/policies/policy.ts';
import { createUser } from '../server/domain/users/users.ts';
import { openPostgres } from '../server/storage/postgres/open.ts';
import { defaultLimiters, limiter, type Limiters } from '../server/transport/http/rate-limit.ts';
import { enrollUser, signInPasswordless, upgradeToPasswordless, type EnrolledUser } from '../tests/support/flows.ts';
import { startCluster } from '../tests/support/postgres.ts';
import { ManualClock } from '../tests/support/server.ts';
import { ownDatabase } from './support/own-database.ts';
import { durationMs, measure, printTable, verdict, type Row } from './lib.ts';

const CONCURRENCY = 64;

async function pushkeyLoop(url: string): Promise<Row> {
  const clock = new ManualClock();
  const cluster = await startCluster({ name: 'signins', count: 1, clock, databaseUrl: url });
  const { deps } = cluster.instances[0]!;
  const users: Record<string, { upn: string; password: string }> = {};
  const served = { origin: cluster.origin, users, clock };
  const people: EnrolledUser[] = [];
  try {
    await setAuthenticatorPolicy(deps.repo, { ...(await getAuthenticatorPolicy(deps.repo)), requestLifetimeSeconds: 600 });
    await setMonitoringPolicy(deps.repo, { ...DEFAULT_MONITORING_POLICY, throttleOutstanding: 20, throttlePerWindow: 500, throttleWindowMinutes: 1, reportPauseMinutes: 0 });
    for (let i = 0; i < CONCURRENCY; i++) {
      const upn = `bench${i}@pushkey.test`;
      const password = `Bench-${i}-Passw0rd!`;
      await createUser(deps, systemActor, { upn, displayName: `Bench ${i}`, password, groups: [], roles: ['user'] });
      users[`bench${i}`] = { upn, password };
      const u = await enrollUser(served, `bench${i}`);
      await upgradeToPasswordless(u);
      people.push(u);
    }
    // Each round moves the clock past the push throttle's window (a minute), so that no user runs out of budget.
    const round = async () => {
      clock.advance(61_000);
      await Promise.all(people.map((u) => signInPasswordless(served, u)));
    };
    const cpu0 = process.cpuUsage();
    const at0 = performance.now();
    const row = await measure({ name: `pushkey, ${CONCURRENCY} at once, PostgreSQL`, batch: CONCURRENCY, run: round }, durationMs);
    const cpu = process.cpuUsage(cpu0);
    const signIns = row.ops * ((performance.now() - at0) / 1000);
    // Clients and server share this process: what it spent per sign-in says whether the run waited on CPU or on the database.
    process.stdout.write(`pushkey: this process's CPU per sign-in (server and clients) ${((cpu.user + cpu.system) / 1000 / signIns).toFixed(1)} ms\n`);
    return row;
  } finally {
    for (const u of people) u.device.close();
    await cluster.close();
  }
}

async function rawLoop(url: string): Promise<Row> {
  const pool = new pg.Pool({ connectionString: url, max: CONCURRENCY });
  try {
    await pool.query('CREATE TABLE raw_signins (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, result TEXT NOT NULL)');
    const one = async () => {
      const { rows } = await pool.query<{ id: string }>("INSERT INTO raw_signins (at, result) VALUES ($1, 'in_progress') RETURNING id", [Date.now()]);
      await pool.query("UPDATE raw_signins SET result = 'success' WHERE id = $1", [rows[0]!.id]);
    };
    const round = () => Promise.all(Array.from({ length: CONCURRENCY }, one));
    return await measure({ name: `raw PostgreSQL, two writes per sign-in, ${CONCURRENCY} at once`, batch: CONCURRENCY, run: round }, durationMs);
  } finally {
    await pool.end();
  }
}

/**
 * The rate limits a passwordless sign-in passes in production on PostgreSQL (two sign-in steps,
 * the device's answer, the status poll), 64 sign-ins at once, each from an address of its own:
 * all four counted in the database on every hit, as before, against the default limiters (the
 * device and poll throttles in memory, shared once a second).
 */
async function limitLoops(url: string): Promise<Row[]> {
  const repo = await openPostgres({ connectionString: url });
  let address = 0;
  const loop = (name: string, l: Limiters) => {
    const one = async () => {
      const ip = `10.${(address >> 16) & 255}.${(address >> 8) & 255}.${address++ & 255}`;
      await l.signIn.hit(ip);
      await l.signIn.hit(ip);
      await l.device.hit(ip);
      await l.poll.hit(ip);
    };
    return { name, batch: CONCURRENCY, run: () => Promise.all(Array.from({ length: CONCURRENCY }, one)) };
  };
  const store = { kind: 'postgres', pool: repo.pool } as const;
  const everyHit: Limiters = { signIn: limiter('signin', 30, 60, store), device: limiter('device', 120, 60, store), enroll: limiter('enroll', 20, 60, store), poll: limiter('poll', 300, 60, store) };
  const current = defaultLimiters(store);
  try {
    const before = await measure(loop("a sign-in's 4 rate-limit hits, each in the database", everyHit), durationMs);
    const after = await measure(loop("a sign-in's 4 rate-limit hits, device and poll shared each second", current), durationMs);
    return [before, after];
  } finally {
    await current.close?.();
    await repo.close();
  }
}

export async function run(): Promise<void> {
  const db = await ownDatabase('signins');
  try {
    const raw = await rawLoop(db.url);
    const pushkey = await pushkeyLoop(db.url);
    printTable('Durable sign-ins per second, PostgreSQL', [raw, pushkey], raw.name);
    const limits = await limitLoops(db.url);
    printTable('Rate limits of a sign-in on PostgreSQL, 64 at once (sign-ins/s)', limits, limits[0]!.name);
    verdict({
      row: 'durable sign-ins/s, PostgreSQL',
      figure: `${pushkey.ops.toFixed(0)}/s, ${CONCURRENCY} at once`,
      baseline: `raw PostgreSQL, two writes per sign-in, ${CONCURRENCY} at once: ${raw.ops.toFixed(0)}/s`,
      ratio: `${((100 * pushkey.ops) / raw.ops).toFixed(0)}% of raw`,
      target: '≥ 1,500/s',
      met: pushkey.ops >= 1500,
    });
  } finally {
    await db.drop();
  }
}
