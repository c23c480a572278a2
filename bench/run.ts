// npm run bench: every benchmark in turn, then the table of targets. BENCH_MS sets the time
// per case (default 2000); BENCH_ONLY=start,signin-log runs only the benchmarks named.
import * as verifyBench from './verify.bench.ts';
import * as respondBench from './respond.bench.ts';
import * as signInStorageBench from './signin-storage.bench.ts';
import * as startBench from './start.bench.ts';
import * as extensionPromptBench from './extension-prompt.bench.ts';
import * as signInLogBench from './signin-log.bench.ts';
import * as signInCpuBench from './signin-cpu.bench.ts';
import * as durableSignInsBench from './durable-signins.bench.ts';
import * as pushBench from './push.bench.ts';
import * as durableSignInsPostgresBench from './durable-signins-postgres.bench.ts';
import * as crossInstancePushBench from './cross-instance-push.bench.ts';
import { printVerdicts } from './lib.ts';

const BENCHES: Record<string, { run: () => Promise<void> }> = {
  verify: verifyBench,
  respond: respondBench,
  'signin-storage': signInStorageBench,
  start: startBench,
  'extension-prompt': extensionPromptBench,
  'signin-log': signInLogBench,
  'signin-cpu': signInCpuBench,
  'durable-signins': durableSignInsBench,
  'durable-signins-postgres': durableSignInsPostgresBench,
  push: pushBench,
  'cross-instance-push': crossInstancePushBench,
};

const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !(name in BENCHES));
if (unknown?.length) throw new Error(`BENCH_ONLY names ${unknown.join(', ')}; the benchmarks are ${Object.keys(BENCHES).join(', ')}`);
for (const [name, bench] of Object.entries(BENCHES)) if (!only || only.includes(name)) await bench.run();
printVerdicts();
