// Sign-ins over time by result, and by method: drawn from the entries the page already has
// (the same filter), as an SVG bar chart with a table for screen readers.
import type { JSX } from 'preact';
import type { SignInEntry } from '../shared/api.ts';
import { methodName } from '../shared/format.ts';

const DAY = 86_400_000;
const dayOf = (ms: number) => {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
};
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

export function SignInChart({ entries }: { entries: SignInEntry[] }): JSX.Element | null {
  if (entries.length === 0) return null;
  const last = dayOf(Math.max(...entries.map((e) => e.at)));
  const days = Array.from({ length: 7 }, (_, i) => last - (6 - i) * DAY);
  const perDay = days.map((day) => {
    const of = entries.filter((e) => dayOf(e.at) === day);
    return { day, success: of.filter((e) => e.result === 'success').length, failure: of.filter((e) => e.result === 'failure').length };
  });
  const byMethod = new Map<string, { success: number; failure: number }>();
  for (const e of entries) {
    for (const m of e.methods.length ? e.methods : ['(none)']) {
      const row = byMethod.get(m) ?? { success: 0, failure: 0 };
      if (e.result === 'success') row.success++;
      else if (e.result === 'failure') row.failure++;
      byMethod.set(m, row);
    }
  }
  const max = Math.max(1, ...perDay.map((d) => d.success + d.failure));
  const W = 420;
  const H = 140;
  const bar = W / days.length;
  const y = (n: number) => (n / max) * (H - 20);
  return (
    <section class="chart" aria-labelledby="chart-title">
      <h2 id="chart-title" class="section-title">
        Sign-ins by result and method
      </h2>
      <div class="chart-body">
        <svg viewBox={`0 0 ${W} ${H + 18}`} class="chart-svg" role="img" aria-label="Sign-ins per day over the last 7 days: successful and unsuccessful">
          {perDay.map((d, i) => (
            <g key={d.day}>
              <rect class="bar-ok" x={i * bar + 8} width={bar - 16} y={H - y(d.success)} height={y(d.success)} />
              <rect class="bar-bad" x={i * bar + 8} width={bar - 16} y={H - y(d.success) - y(d.failure)} height={y(d.failure)} />
              <text class="chart-label" x={i * bar + bar / 2} y={H + 14} text-anchor="middle">
                {dayLabel.format(d.day)}
              </text>
              {d.success + d.failure > 0 && (
                <text class="chart-count" x={i * bar + bar / 2} y={H - y(d.success + d.failure) - 4} text-anchor="middle">
                  {d.success + d.failure}
                </text>
              )}
            </g>
          ))}
        </svg>
        <table class="chart-table">
          <caption class="sr-only">Sign-ins by method</caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Successful</th>
              <th scope="col">Unsuccessful</th>
            </tr>
          </thead>
          <tbody>
            {[...byMethod.entries()].filter(([, r]) => r.success + r.failure > 0).map(([m, r]) => (
              <tr key={m}>
                <td>{m === '(none)' ? 'No method completed' : methodName(m)}</td>
                <td>{r.success}</td>
                <td>{r.failure}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p class="small muted legend">
        <span class="swatch swatch-ok" aria-hidden="true" /> Successful <span class="swatch swatch-bad" aria-hidden="true" /> Unsuccessful
      </p>
    </section>
  );
}
