// The sign-in path's storage, before and after storage was written once: the repository
// that shipped with hand-written SQL (bench/baseline, the baseline) against today's shared
// Kysely queries, both on SQLite synchronous=NORMAL in WAL mode. Measured twice: the
// repository operations of one passwordless sign-in (10 writes, 17 reads, as the domain
// issues them; the statements each side runs for them are counted too), and the whole
// sign-in end to end over HTTP and WebSocket, in CPU time and wall time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../server/storage/sqlite/open.ts';
import type { Repository } from '../server/storage/repository.ts';
import type { User } from '../server/domain/types.ts';
import { enrollUser, signInPasswordless, upgradeToPasswordless } from '../tests/support/flows.ts';
import { ManualClock, startServer } from '../tests/support/server.ts';
import { openSqlite as openBaseline } from './baseline/sqlite-repository.ts';
import { durationMs, measureInterleaved, median, printTable } from './lib.ts';

type Open = typeof openSqlite;
const BASELINE = 'hand-written SQL (before)';
const SHARED = 'shared Kysely queries (after)';

/** One passwordless sign-in as the domain drives the repository: policies re-read, flow, request, answer, session, logs. */
export async function oneSignIn(repo: Repository, user: User, deviceId: string, i: number): Promise<void> {
  const now = 1_800_000_000_000 + i * 1000;
  const id = (tag: string) => `${tag}${i.toString(36)}`.padEnd(22, '_');
  const flowId = id('f');
  const challengeId = id('c');
  for (const key of ['policy.authenticator', 'policy.monitoring', 'policy.methods', 'tenant.name']) await repo.getSetting(key);
  await repo.getUserByUpn(user.upn);
  await repo.createFlow({ id: flowId, secretHash: 'h', userId: user.id, upn: user.upn, state: 'identified', createdAt: now, expiresAt: now + 900_000, challengeId: null, methods: [], completedAt: null, ip: '127.0.0.1', browser: 'Chrome', app: 'bench', requiredAcr: null });
  const entry = { id: flowId, at: now, userId: user.id, upn: user.upn, app: 'bench', ip: '127.0.0.1', location: '', browser: 'Chrome', os: 'Linux', result: 'in_progress' as const, expiresAt: now + 900_000, failureCode: null, reason: null, requirement: 'none' as const, methods: [], steps: [] };
  await repo.upsertSignIn(entry);
  await repo.getFlow(flowId);
  await repo.listUserDevices(user.id);
  await repo.challengeStats(user.id, now - 600_000, now);
  await repo.createChallenge({ id: challengeId, userId: user.id, deviceId: null, kind: 'passwordless', nonce: 'n'.repeat(22), number: '42', app: 'bench', ip: '127.0.0.1', location: '', browser: 'Chrome', createdAt: now, expiresAt: now + 90_000, status: 'pending', answeredAt: null, answeredBy: null, flowId, userVerified: false });
  await repo.updateFlow(flowId, { challengeId, state: 'awaiting_push' });
  await repo.getDevice(deviceId);
  await repo.getChallenge(challengeId);
  await repo.getUser(user.id);
  await repo.consumeChallenge(challengeId, { status: 'approved', answeredAt: now + 1, answeredBy: deviceId }, now + 1);
  await repo.updateDevice(deviceId, { lastUsedAt: now + 1 });
  await repo.getFlow(flowId);
  await repo.getChallenge(challengeId);
  await repo.getUser(user.id);
  await repo.completeFlow(flowId, now + 2);
  await repo.createSession({ idHash: id('s'), userId: user.id, createdAt: now + 2, lastSeenAt: now + 2, methods: ['passwordless'], ip: '127.0.0.1', browser: 'Chrome' });
  await repo.signInHistory(user.id, '127.0.0.1', '', flowId);
  await repo.upsertSignIn({ ...entry, result: 'success', requirement: 'multifactor', methods: ['passwordless'] });
  await repo.listAlerts({ userId: user.id, kind: 'new_location', since: now - 3_600_000, limit: 1 });
  await repo.getSession(id('s'));
  await repo.touchSession(id('s'), now + 3);
}

interface Bench {
  signIn: () => Promise<void>;
  done: () => Promise<void>;
}

async function setUp(open: Open): Promise<Bench> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-bench-'));
  const repo = open({ filename: path.join(dir, 'bench.db'), synchronous: 'NORMAL' });
  const user: User = { id: 'u'.repeat(22), upn: 'alice@bench.test', displayName: 'Alice', passwordHash: 'x', groups: [], roles: ['user'], disabled: false, createdAt: 0, passwordFailures: 0, pushFailures: 0, lockedUntil: 0, pushPausedUntil: 0, passwordResetAt: 0, risk: null };
  await repo.createUser(user);
  const deviceId = 'd'.repeat(22);
  await repo.createDevice({ id: deviceId, userId: user.id, publicKey: 'B'.repeat(87), name: 'bench', clientVersion: '1.0.0', capabilities: ['number_match'], passwordless: true, createdAt: 0, lastUsedAt: null, revokedAt: null, lastCommandAt: 0 });
  let i = 0;
  return {
    signIn: () => oneSignIn(repo, user, deviceId, i++),
    done: async () => {
      await repo.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Both repositories in alternating slices, each for durationMs in all. */
async function repositoryLoops(): Promise<void> {
  const before = await setUp(openBaseline);
  const after = await setUp(openSqlite);
  const { rows, medianRatios } = await measureInterleaved(
    [
      { name: BASELINE, run: before.signIn },
      { name: SHARED, run: after.signIn },
    ],
    durationMs,
  );
  await before.done();
  await after.done();
  printTable('Storage of one passwordless sign-in (10 writes, 17 reads), SQLite NORMAL, interleaved in 100 ms slices', rows, BASELINE);
  process.stdout.write(`median over the slices: ${medianRatios[1]!.toFixed(2)} × baseline\n`);
}

type Execute = (this: Database.Statement, ...params: unknown[]) => unknown;
const EXECUTES = ['run', 'get', 'all', 'iterate'] as const;

/**
 * Statements one sign-in runs (BEGIN and COMMIT included): every execution of a
 * better-sqlite3 statement, which both repositories run everything through, counted outside
 * the timed loops.
 */
async function statementsPerSignIn(open: Open, signIns = 20): Promise<number> {
  const probe = new Database(':memory:');
  const proto: Record<(typeof EXECUTES)[number], Execute> = Object.getPrototypeOf(probe.prepare('select 1'));
  probe.close();
  const originals = EXECUTES.map((m) => proto[m]);
  const b = await setUp(open);
  await b.signIn();
  let count = 0;
  EXECUTES.forEach((m, k) => {
    const original = originals[k]!;
    proto[m] = function (...params) {
      count++;
      return original.apply(this, params);
    };
  });
  try {
    for (let n = 0; n < signIns; n++) await b.signIn();
  } finally {
    EXECUTES.forEach((m, k) => (proto[m] = originals[k]!));
    await b.done();
  }
  return count / signIns;
}

interface HttpSide {
  name: string;
  signIn: () => Promise<void>;
  done: () => Promise<void>;
}

async function httpSide(name: string, open: Open): Promise<HttpSide> {
  const clock = new ManualClock();
  const srv = await startServer({ clock, sqliteSynchronous: 'NORMAL', openRepository: open });
  const alice = await enrollUser(srv, 'alice');
  await upgradeToPasswordless(alice);
  return {
    name,
    signIn: async () => {
      // Past the push throttle's and fatigue rule's windows: each sign-in is an ordinary one.
      clock.advance(3_600_000);
      await signInPasswordless(srv, alice);
    },
    done: async () => {
      alice.device.close();
      await srv.close();
    },
  };
}

/**
 * Both servers in this process, in alternating batches, each batch timed in CPU (process.cpuUsage)
 * and wall time. The client's share of the CPU (the browser's requests, the software device's
 * signing) is the same on both sides, so the difference is the servers'. CPU time is what a
 * loaded machine disturbs least: other processes lengthen the wall time of a batch, not the
 * cycles it runs. Returns the per-sign-in median of each, and the median of the per-round ratios.
 */
async function httpLoops(sides: HttpSide[], batch: number, minRounds: number): Promise<{ name: string; cpuUs: number; wallUs: number; cpuRatio: number; wallRatio: number }[]> {
  for (const s of sides) for (let i = 0; i < batch; i++) await s.signIn();
  const cpu: number[][] = sides.map(() => []);
  const wall: number[][] = sides.map(() => []);
  const spent = sides.map(() => 0);
  for (let round = 0; round < minRounds || Math.min(...spent) < durationMs; round++) {
    // Every other round in reverse, so that neither side always runs first.
    const order = round % 2 ? [...sides.keys()].reverse() : [...sides.keys()];
    for (const k of order) {
      const started = performance.now();
      const before = process.cpuUsage();
      for (let i = 0; i < batch; i++) await sides[k]!.signIn();
      const used = process.cpuUsage(before);
      const ms = performance.now() - started;
      spent[k]! += ms;
      cpu[k]!.push((used.user + used.system) / batch);
      wall[k]!.push((ms * 1000) / batch);
    }
  }
  const ratio = (v: number[][], k: number) => median(v[k]!.map((x, r) => x / v[0]![r]!));
  return sides.map((s, k) => ({ name: s.name, cpuUs: median(cpu[k]!), wallUs: median(wall[k]!), cpuRatio: ratio(cpu, k), wallRatio: ratio(wall, k) }));
}

export async function run(): Promise<void> {
  const before = await statementsPerSignIn(openBaseline);
  const after = await statementsPerSignIn(openSqlite);
  process.stdout.write(`\nStatements per passwordless sign-in: ${before} ${BASELINE}, ${after} ${SHARED}\n`);
  // Each statement is a round trip on PostgreSQL: the shared queries must not add any.
  if (after > before) throw new Error(`The shared stores run ${after} statements per sign-in, the baseline ${before}`);
  await repositoryLoops();
  const sides = [await httpSide(BASELINE, openBaseline), await httpSide(SHARED, openSqlite)];
  const batch = 20;
  const rows = await httpLoops(sides, batch, 10);
  for (const s of sides) await s.done();
  const width = Math.max(...rows.map((r) => r.name.length));
  process.stdout.write(
    [
      `\nPasswordless sign-in end to end over HTTP (start, push, approve, status), SQLite NORMAL, both servers in this process, alternating batches of ${batch}  (baseline: ${BASELINE})`,
      `${'case'.padEnd(width)}  ${'CPU µs'.padStart(8)}  ${'wall µs'.padStart(8)}  ${'CPU × base'.padStart(10)}  ${'wall × base'.padStart(11)}`,
      `${'-'.repeat(width)}  ${'-'.repeat(8)}  ${'-'.repeat(8)}  ${'-'.repeat(10)}  ${'-'.repeat(11)}`,
      ...rows.map((r) => `${r.name.padEnd(width)}  ${r.cpuUs.toFixed(0).padStart(8)}  ${r.wallUs.toFixed(0).padStart(8)}  ${(r.cpuUs / rows[0]!.cpuUs).toFixed(2).padStart(10)}  ${(r.wallUs / rows[0]!.wallUs).toFixed(2).padStart(11)}`),
    ].join('\n') + '\n',
  );
  // Per sign-in, client included (the same on both sides); the medians are over the batches.
  process.stdout.write(`CPU per sign-in, ratio of medians: ${(rows[1]!.cpuUs / rows[0]!.cpuUs).toFixed(2)} × baseline (median of the per-round ratios ${rows[1]!.cpuRatio.toFixed(2)}); wall ${(rows[1]!.wallUs / rows[0]!.wallUs).toFixed(2)} ×\n`);
}
