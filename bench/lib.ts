// Tiny benchmark harness: run each case for a fixed time, print a table with each case's
// rate relative to the named baseline measured in the same run (so machines compare to themselves).

export interface Case {
  name: string;
  /** One operation (or a batch of `batch` operations). */
  run: () => unknown | Promise<unknown>;
  batch?: number;
}

export interface Row {
  name: string;
  ops: number;
  perOpUs: number;
}

export async function measure(c: Case, durationMs: number): Promise<Row> {
  // Warm up: JIT, caches, lazily imported keys.
  const warmUntil = performance.now() + Math.min(200, durationMs / 5);
  while (performance.now() < warmUntil) await c.run();
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < durationMs) {
    await c.run();
    n += c.batch ?? 1;
    now = performance.now();
  }
  const seconds = (now - start) / 1000;
  return { name: c.name, ops: n / seconds, perOpUs: (seconds * 1e6) / n };
}

export function printTable(title: string, rows: Row[], baseline: string): void {
  const base = rows.find((r) => r.name === baseline);
  if (!base) throw new TypeError(`printTable: no baseline row named "${baseline}"`);
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  const lines = [
    `\n${title}  (baseline: ${baseline})`,
    `${'case'.padEnd(width)}  ${'ops/s'.padStart(10)}  ${'µs/op'.padStart(9)}  ${'× baseline'.padStart(10)}`,
    `${'-'.repeat(width)}  ${'-'.repeat(10)}  ${'-'.repeat(9)}  ${'-'.repeat(10)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(width)}  ${r.ops.toFixed(0).padStart(10)}  ${r.perOpUs.toFixed(1).padStart(9)}  ${(r.ops / base.ops).toFixed(2).padStart(10)}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

export const durationMs = Number(process.env.BENCH_MS ?? 2000);
