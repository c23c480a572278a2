// The parent's side of support/server-process.ts: a test server in a process of its own, with
// alice enrolled and passwordless, whose CPU time per sign-in the parent reads while it drives
// the sign-ins. A server alone in its process is what production runs; two servers in one
// process share a heap, a collector and V8's inline caches, and slow each other unevenly.
import { fork as forkProcess } from 'node:child_process';
import WebSocket from 'ws';
import { postJson } from '../../devkit/device.ts';
import { enrollUser, signInPasswordless, upgradeToPasswordless } from '../../tests/support/flows.ts';
import { demoUsers } from '../../tests/support/server.ts';
import type { ProcessOptions } from './server-process.ts';

export interface ServerChild {
  /** CPU µs of the server process per sign-in, over `signIns` passwordless sign-ins one after another. */
  round(signIns: number): Promise<number>;
  stop(): Promise<void>;
}

// At most the push throttle's budget per window (500): the clock moves past the window before each round.
export const MAX_ROUND = 400;

interface Forked {
  origin: string;
  now: number;
  /** Sends a message and resolves with the child's answer. */
  ask(m: unknown): Promise<Record<string, number | string>>;
  cpuUs(): Promise<number>;
  stop(): Promise<void>;
}

/** Forks `script` (server-process.ts, or another that speaks its messages) and waits for its hello. */
async function fork(script: string, args: string[]): Promise<Forked> {
  // BENCH_SERVER_NODE_ARGS: node options for the server alone, to profile it where its CPU is
  // spent (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", or "--perf-basic-prof" under perf record).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = forkProcess(new URL(script, import.meta.url), args, { execArgv: ['--import', 'tsx', ...nodeArgs], stdio: 'inherit' });
  const next = () => new Promise<Record<string, number | string>>((resolve) => child.once('message', (m) => resolve(m as Record<string, number | string>)));
  const hello = await next();
  const ask = (m: unknown) => (child.send(m as string), next());
  return {
    origin: String(hello.origin),
    now: Number(hello.now),
    ask,
    cpuUs: async () => Number((await ask('cpu')).cpuUs),
    stop: () => new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send('stop'))),
  };
}

/** CPU µs of `child` per sign-in over `signIns` runs of `signIn`, one after another. */
async function perSignIn(child: Forked, signIns: number, signIn: () => Promise<void>): Promise<number> {
  const before = await child.cpuUs();
  for (let i = 0; i < signIns; i++) await signIn();
  return ((await child.cpuUs()) - before) / signIns;
}

export async function serverWithAlice(options: ProcessOptions): Promise<ServerChild> {
  // The clock stands still within a round, so requests do not expire; the throttle's budget is its largest.
  const all: ProcessOptions = { policy: { requestLifetimeSeconds: 600 }, monitoring: { throttlePerWindow: 500, throttleWindowMinutes: 60 }, ...options };
  const child = await fork('./server-process.ts', [JSON.stringify(all)]);
  let now = child.now;
  const srv = { origin: child.origin, users: demoUsers(), clock: { now: () => now } };
  const alice = await enrollUser(srv, 'alice');
  await upgradeToPasswordless(alice);
  const signIn = () => signInPasswordless(srv, alice);
  for (let i = 0; i < 50; i++) await signIn();
  return {
    async round(signIns) {
      if (signIns > MAX_ROUND) throw new RangeError(`at most ${MAX_ROUND} sign-ins a round`);
      now = Number((await child.ask({ advance: 2 * 3_600_000 })).now);
      return perSignIn(child, signIns, signIn);
    },
    async stop() {
      alice.device.close();
      await child.stop();
    },
  };
}

/** The same messages through a bare node:http + ws server (support/bare-transport.ts): what the transport alone costs. */
export async function bareTransport(): Promise<ServerChild> {
  const child = await fork('./bare-transport.ts', []);
  const device = new WebSocket(child.origin.replace(/^http/, 'ws'));
  await new Promise((resolve, reject) => (device.once('open', resolve), device.once('error', reject)));
  const push = () => new Promise<Record<string, unknown>>((resolve) => device.once('message', (m) => resolve(JSON.parse(String(m)) as Record<string, unknown>)));
  const signIn = async () => {
    const start = await postJson<{ flowId: string }>(`${child.origin}/start`, { upn: 'alice@pushkey.test' });
    const pushed = push();
    const flow = await postJson<{ challenge: { challengeId: string; number: string } }>(`${child.origin}/passwordless`, { flowId: start.body.flowId });
    const p = await pushed;
    await postJson(`${child.origin}/respond`, { challengeId: p.challengeId, nonce: p.nonce, decision: 'approve', number: flow.body.challenge.number, signature: 'A'.repeat(86) });
    await (await fetch(`${child.origin}/status?flowId=${start.body.flowId}`)).json();
  };
  for (let i = 0; i < 50; i++) await signIn();
  return {
    round: (signIns) => perSignIn(child, signIns, signIn),
    async stop() {
      device.close();
      await child.stop();
    },
  };
}
