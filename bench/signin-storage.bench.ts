// The sign-in path's storage, before and after storage was written once: the repository
// that shipped with hand-written SQL (bench/baseline, the baseline) against today's shared
// Kysely queries, both on SQLite synchronous=NORMAL in WAL mode. Measured twice: the
// repository operations of one passwordless sign-in (10 writes, 17 reads, as the domain
// issues them; the statements each side runs for them are counted too), and the whole
// sign-in end to end over HTTP and WebSocket, in the server's CPU time.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openSqlite } from '../server/storage/sqlite/open.ts';
import type { Repository } from '../server/storage/repository.ts';
import type { User } from '../server/domain/types.ts';
import { openSqlite as openBaseline } from './baseline/sqlite-repository.ts';
import { durationMs, measureInterleaved, median, printTable, verdict } from './lib.ts';
import { MAX_ROUND, serverWithAlice } from './support/server-child.ts';

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

/**
 * The whole sign-in on each repository, each server in a process of its own (as in
 * production), rounds alternated and their order flipped every other round. The figure is
 * the server process's CPU time per sign-in (the clients' work is not in it); the ratio is
 * the median of the rounds' ratios, and the rounds' quartiles say how far to trust it.
 */
async function endToEnd(rounds: number, signIns: number): Promise<{ before: number; after: number; ratio: number; low: number; high: number }> {
  const sides = [await serverWithAlice({ sqliteSynchronous: 'NORMAL', baselineStorage: true }), await serverWithAlice({ sqliteSynchronous: 'NORMAL' })];
  try {
    const cpu: number[][] = [[], []];
    for (let r = 0; r < rounds; r++) for (const k of r % 2 ? [1, 0] : [0, 1]) cpu[k]!.push(await sides[k]!.round(signIns));
    const ratios = cpu[1]!.map((x, r) => x / cpu[0]![r]!).sort((x, y) => x - y);
    const at = (q: number) => ratios[Math.round(q * (ratios.length - 1))]!;
    return { before: median(cpu[0]!), after: median(cpu[1]!), ratio: median(ratios), low: at(0.25), high: at(0.75) };
  } finally {
    for (const s of sides) await s.stop();
  }
}

export async function run(): Promise<void> {
  const before = await statementsPerSignIn(openBaseline);
  const after = await statementsPerSignIn(openSqlite);
  process.stdout.write(`\nStatements per passwordless sign-in: ${before} ${BASELINE}, ${after} ${SHARED}\n`);
  // Each statement is a round trip on PostgreSQL: the shared queries must not add any.
  if (after > before) throw new Error(`The shared stores run ${after} statements per sign-in, the baseline ${before}`);
  await repositoryLoops();
  const rounds = Number(process.env.BENCH_ROUNDS ?? 12);
  const signIns = Math.min(MAX_ROUND, Number(process.env.BENCH_SIGNINS ?? 300));
  const e = await endToEnd(rounds, signIns);
  process.stdout.write(
    [
      `\nPasswordless sign-in end to end over HTTP and WebSocket (start, push, approve, status, session, log), SQLite NORMAL, each server in a process of its own, ${rounds} alternated rounds of ${signIns}`,
      `server CPU per sign-in: ${e.before.toFixed(0)} µs ${BASELINE}, ${e.after.toFixed(0)} µs ${SHARED}`,
      `after ÷ before, median of the rounds: ${e.ratio.toFixed(3)} (quartiles ${e.low.toFixed(3)} to ${e.high.toFixed(3)})`,
    ].join('\n') + '\n',
  );
  verdict({
    row: 'sign-in path, storage written once',
    figure: `${e.after.toFixed(0)} µs server CPU per sign-in`,
    baseline: `the hand-written repository ${e.before.toFixed(0)} µs`,
    ratio: `${e.ratio.toFixed(2)}× before (quartiles ${e.low.toFixed(2)}–${e.high.toFixed(2)})`,
    target: 'no slower (≤ 1.00×)',
    met: e.ratio <= 1,
  });
}
