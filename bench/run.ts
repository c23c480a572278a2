// npm run bench: every benchmark in turn. BENCH_MS sets the time per case (default 2000).
import * as verifyBench from './verify.bench.ts';
import * as respondBench from './respond.bench.ts';
import * as signInStorageBench from './signin-storage.bench.ts';

for (const bench of [verifyBench, respondBench, signInStorageBench]) await bench.run();
