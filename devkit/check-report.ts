// The checker's output: a table for people (one row per rule, what was sent, what the protocol
// expects, what came back), or one JSON document for machines.
import type { Row } from './checks.ts';

const MARK = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' } as const;

export function summary(rows: Row[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: rows.filter((r) => r.result === 'pass').length,
    failed: rows.filter((r) => r.result === 'fail').length,
    skipped: rows.filter((r) => r.result === 'skip').length,
  };
}

/** Result, check and what came back in columns; the rule and what was sent on the lines below each. */
export function table(origin: string, rows: Row[]): string {
  const idWidth = Math.max(5, ...rows.map((r) => r.id.length));
  const gotWidth = Math.max(3, ...rows.map((r) => r.expected.length));
  const lines = [`pushkey-authenticator check ${origin}`, '', `${'RESULT'}  ${'CHECK'.padEnd(idWidth)}  ${'EXPECTED'.padEnd(gotWidth)}  GOT`];
  for (const r of rows) {
    lines.push(`${MARK[r.result].padEnd(6)}  ${r.id.padEnd(idWidth)}  ${r.expected.padEnd(gotWidth)}  ${r.got}`);
    lines.push(`${' '.repeat(8 + idWidth + 2)}rule: ${r.rule}`);
    if (r.sent) lines.push(`${' '.repeat(8 + idWidth + 2)}sent: ${r.sent}`);
  }
  const s = summary(rows);
  lines.push('', `${s.passed} passed, ${s.failed} failed${s.skipped ? `, ${s.skipped} skipped` : ''}`);
  return lines.join('\n') + '\n';
}

export function json(origin: string, rows: Row[]): string {
  return JSON.stringify({ server: origin, ...summary(rows), rows }) + '\n';
}
