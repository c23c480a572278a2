// npm run bench, every benchmark at tiny sizes: each must run to its end and print its row of
// the targets table. Figures at these sizes mean nothing and are not looked at (the machine
// is shared; bench/README.md says how to read a real run).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const TINY = {
  BENCH_MS: '60',
  BENCH_SIGNINS: '8',
  BENCH_ROUNDS: '2',
  BENCH_DEVICES: '40',
  BENCH_PUSHES: '20',
  BENCH_LOG_ROWS: '3000',
  BENCH_LOG_RUNS: '1',
  BENCH_START_RUNS: '1',
  BENCH_PROMPT_N: '3',
  BENCH_STOPPED_N: '2',
};

const ROWS = [
  'sign-in path, storage written once',
  '`npm start` on an existing build',
  'push → request on screen, prompt window',
  'push to a stopped worker → request on screen',
  'sign-in log filter, 1M rows',
  'complete sign-in, server CPU',
  'durable sign-ins/s, SQLite FULL',
  'durable sign-ins/s, PostgreSQL',
  'targeted push p99, 10k devices',
  'cross-instance push p99',
];

function runBench(): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], { env: { ...process.env, ...TINY }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('npm run bench', () => {
  it('runs every benchmark to its end and prints every row of the targets table', async () => {
    const { code, out } = await runBench();
    expect(code, out.slice(-4000)).toBe(0);
    const table = out.slice(out.lastIndexOf('\nTargets\n'));
    for (const row of ROWS) expect(table, `the targets table has no row "${row}"`).toContain(`\n${row}  `);
  }, 600_000);
});
