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

/**
 * The cases in turn, a slice of `sliceMs` each, until each has run `durationMs`: load from
 * other processes on a shared machine then falls on every case alike. Also returns the
 * median, over the rounds, of each case's rate relative to the first case's.
 */
export async function measureInterleaved(cases: Case[], durationMs: number, sliceMs = 100): Promise<{ rows: Row[]; medianRatios: number[] }> {
  for (const c of cases) {
    const warmUntil = performance.now() + Math.min(200, durationMs / 5);
    while (performance.now() < warmUntil) await c.run();
  }
  const totals = cases.map(() => ({ n: 0, ms: 0 }));
  const ratios: number[][] = cases.map(() => []);
  for (let round = 0; round * sliceMs < durationMs; round++) {
    const rates: number[] = [];
    // Every other round in reverse, so that no case always follows the same one.
    const order = round % 2 ? [...cases.keys()].reverse() : [...cases.keys()];
    for (const k of order) {
      const c = cases[k]!;
      let n = 0;
      const start = performance.now();
      let now = start;
      while (now - start < sliceMs) {
        await c.run();
        n += c.batch ?? 1;
        now = performance.now();
      }
      totals[k]!.n += n;
      totals[k]!.ms += now - start;
      rates[k] = n / (now - start);
    }
    rates.forEach((r, k) => ratios[k]!.push(r / rates[0]!));
  }
  return {
    rows: cases.map((c, k) => ({ name: c.name, ops: (totals[k]!.n * 1000) / totals[k]!.ms, perOpUs: (totals[k]!.ms * 1000) / totals[k]!.n })),
    medianRatios: ratios.map(median),
  };
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

/** One row of the targets table: the project's figure beside its same-run baseline. */
export interface Verdict {
  row: string;
  /** The project's figure and the baseline's, with units. */
  figure: string;
  baseline: string;
  /** The project's cost as a multiple of the baseline's (higher is worse), or its rate as a share of it. */
  ratio: string;
  target: string;
  met: boolean;
}

const verdicts: Verdict[] = [];

/** Records a row for the closing table and prints it at once. */
export function verdict(v: Verdict): void {
  verdicts.push(v);
  process.stdout.write(`\n${v.met ? 'MET   ' : 'NOT MET'} ${v.row}: ${v.figure} (baseline ${v.baseline}; ${v.ratio}; target ${v.target})\n`);
}

export function printVerdicts(): void {
  if (verdicts.length === 0) return;
  const cols = ['row', 'figure', 'baseline', 'ratio', 'target'] as const;
  const width = (c: (typeof cols)[number]) => Math.max(c.length, ...verdicts.map((v) => v[c].length));
  const line = (cells: string[]) => cells.map((s, i) => s.padEnd(width(cols[i]!))).join('  ');
  process.stdout.write(
    ['', 'Targets', line([...cols]) + '  met', line(cols.map((c) => '-'.repeat(width(c)))) + '  ---', ...verdicts.map((v) => line(cols.map((c) => v[c])) + `  ${v.met ? 'yes' : 'NO'}`)].join('\n') + '\n',
  );
}

export const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)]!;

export interface LatencyRow {
  name: string;
  /** Milliseconds, one per sample. */
  samples: number[];
}

export const percentile = (samples: number[], p: number): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
};

/** Latencies: p50, p99 and n of each row, and each p99 as a multiple of the baseline row's. */
export function printLatencies(title: string, rows: LatencyRow[], baseline: string, digits = 1): void {
  const base = rows.find((r) => r.name === baseline);
  if (!base) throw new TypeError(`printLatencies: no baseline row named "${baseline}"`);
  const width = Math.max(...rows.map((r) => r.name.length), 4);
  const p99Base = percentile(base.samples, 99);
  const lines = [
    `\n${title}  (baseline: ${baseline})`,
    `${'case'.padEnd(width)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}  ${'n'.padStart(4)}  ${'p99 × baseline'.padStart(14)}`,
    `${'-'.repeat(width)}  ${'-'.repeat(8)}  ${'-'.repeat(8)}  ${'-'.repeat(4)}  ${'-'.repeat(14)}`,
    ...rows.map(
      (r) =>
        `${r.name.padEnd(width)}  ${percentile(r.samples, 50).toFixed(digits).padStart(8)}  ${percentile(r.samples, 99).toFixed(digits).padStart(8)}  ${String(r.samples.length).padStart(4)}  ${(percentile(r.samples, 99) / p99Base).toFixed(2).padStart(14)}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * When each message came, by id: `arrived` records it (one that comes before anyone waits for
 * it is kept), `arrival` resolves with the time it came, at once if it came already.
 */
export function arrivals(): { arrived: (id: string, at: number) => void; arrival: (id: string) => Promise<number> } {
  const waiting = new Map<string, (at: number) => void>();
  const early = new Map<string, number>();
  return {
    arrived(id, at) {
      const w = waiting.get(id);
      waiting.delete(id);
      if (w) w(at);
      else early.set(id, at);
    },
    arrival(id) {
      const at = early.get(id);
      early.delete(id);
      return at !== undefined ? Promise.resolve(at) : new Promise((resolve) => waiting.set(id, resolve));
    },
  };
}
