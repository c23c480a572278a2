// The parent's side of support/server-process.ts: a test server in a process of its own, with
// alice enrolled and passwordless, whose CPU time per sign-in the parent reads while it drives
// the sign-ins. A server alone in its process is what production runs; two servers in one
// process share a heap, a collector and V8's inline caches, and slow each other unevenly.
import { fork } from 'node:child_process';
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

export async function serverWithAlice(options: ProcessOptions): Promise<ServerChild> {
  // BENCH_SERVER_NODE_ARGS: node options for the server alone, to profile it where its CPU is
  // spent (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", or "--perf-basic-prof" under perf record).
  const nodeArgs = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  // The clock stands still within a round, so requests do not expire; the throttle's budget is its largest.
  const all: ProcessOptions = { policy: { requestLifetimeSeconds: 600 }, monitoring: { throttlePerWindow: 500, throttleWindowMinutes: 60 }, ...options };
  const child = fork(new URL('./server-process.ts', import.meta.url), [JSON.stringify(all)], { execArgv: ['--import', 'tsx', ...nodeArgs], stdio: 'inherit' });
  const next = () => new Promise<Record<string, number | string>>((resolve) => child.once('message', (m) => resolve(m as Record<string, number | string>)));
  const hello = await next();
  let now = Number(hello.now);
  const srv = { origin: String(hello.origin), users: demoUsers(), clock: { now: () => now } };
  const cpuUs = async () => {
    child.send('cpu');
    return Number((await next()).cpuUs);
  };
  const alice = await enrollUser(srv, 'alice');
  await upgradeToPasswordless(alice);
  const signIn = () => signInPasswordless(srv, alice);
  for (let i = 0; i < 50; i++) await signIn();
  return {
    async round(signIns) {
      if (signIns > MAX_ROUND) throw new RangeError(`at most ${MAX_ROUND} sign-ins a round`);
      child.send({ advance: 2 * 3_600_000 });
      now = Number((await next()).now);
      const before = await cpuUs();
      for (let i = 0; i < signIns; i++) await signIn();
      return ((await cpuUs()) - before) / signIns;
    },
    async stop() {
      alice.device.close();
      await new Promise<void>((resolve) => (child.once('exit', () => resolve()), child.send('stop')));
    },
  };
}
