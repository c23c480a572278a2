// `npm start` on a current build and an existing data directory, from the command to the
// line saying the server listens. Baseline: a bare node:http server started the same way.
// Runs alternate, so that load from other processes falls on both alike.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, spawnServer } from '../tests/support/spawn-server.ts';
import { median, verdict } from './lib.ts';

const RUNS = Number(process.env.BENCH_START_RUNS ?? 7);
/** How `npm start` ran before it skipped a current build and ran the bundle: every start rebuilt, then tsx transpiled at load. */
const BEFORE = ['-c', 'npm run build >/dev/null 2>&1 && exec node_modules/.bin/tsx server/main.ts'];
const BARE = "import { createServer } from 'node:http'; createServer((q, r) => r.end()).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening')); process.on('SIGTERM', () => process.exit(0));";

async function timeStart(command: string, args: string[], env: Record<string, string>, ready: RegExp): Promise<number> {
  const t0 = performance.now();
  const s = await spawnServer(command, args, { ...env, PORT: String(await freePort()) }, ready);
  const ms = performance.now() - t0;
  await s.stop();
  return ms;
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-bench-start-'));
  const bare = path.join(dir, 'bare.mjs');
  writeFileSync(bare, BARE);
  // Not a terminal: the server says it listens in its log, at info.
  const env = { DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info' };
  const ready = /pushkey is running/;
  try {
    // The first start builds whatever is stale and seeds the data directory; it is not counted.
    await timeStart('npm', ['start'], env, ready);
    const ours: number[] = [];
    const node: number[] = [];
    const baseline: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      baseline.push(await timeStart('node', [bare], {}, /listening/));
      ours.push(await timeStart('npm', ['start'], env, ready));
      node.push(await timeStart('node', ['server/start.mjs'], env, ready));
    }
    const before: number[] = [];
    for (let i = 0; i < 3; i++) before.push(await timeStart('sh', BEFORE, env, ready));
    const [o, n, b, was] = [median(ours), median(node), median(baseline), median(before)];
    process.stdout.write(`\nStart on a current build, median of ${RUNS}: npm start ${o.toFixed(0)} ms (of which npm's own start ${(o - n).toFixed(0)} ms: node server/start.mjs ${n.toFixed(0)} ms), bare node:http ${b.toFixed(0)} ms; as npm start was before (build, then tsx), median of 3: ${was.toFixed(0)} ms\n`);
    verdict({ row: '`npm start` on an existing build', figure: `${o.toFixed(0)} ms (before: ${was.toFixed(0)} ms)`, baseline: `bare node:http ${b.toFixed(0)} ms`, ratio: `${(o / b).toFixed(1)}×`, target: '≤ 1,500 ms', met: o <= 1500 });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
