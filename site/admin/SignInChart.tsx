// Sign-ins over time, by result and by method: two stacked bar charts over the same time
// buckets, drawn from every finished attempt the log's filter matches (the server sends
// counts per minute, result and method; the buckets, whole minutes, are cut here in the
// reader's time zone), with a table of
// the counts for screen readers and for reading exact numbers.
import type { JSX } from 'preact';
import type { SignInChartData } from '../shared/api.ts';
import { methodName } from '../shared/format.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
/** Bucket sizes, smallest first: the first that fits the span in at most MAX_BARS bars wins. */
const SIZES = [MIN, 5 * MIN, 15 * MIN, HOUR, 3 * HOUR, 6 * HOUR, DAY, 7 * DAY];
const MAX_BARS = 24;
const MIN_BARS = 6;

const timeLabel = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dayLabel = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });

/** Day buckets start at local midnight; shorter ones at multiples of their size. */
function floorTo(ms: number, size: number): number {
  if (size < DAY) return Math.floor(ms / size) * size;
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const METHOD_ORDER = ['password', 'authenticator', 'passwordless', 'tap', 'passkey', 'sms', '(none)'];
const METHOD_CLASS: Record<string, string> = { password: 'm-password', authenticator: 'm-authenticator', passwordless: 'm-passwordless', tap: 'm-tap', passkey: 'm-passkey', sms: 'm-sms' };
const SHORT: Record<string, string> = { authenticator: 'Push notification', passwordless: 'Passwordless (app)' };
const label = (m: string) => (m === '(none)' ? 'No method reached' : (SHORT[m] ?? methodName(m)));

interface Series {
  key: string;
  label: string;
  cls: string;
}

function Bars({ title, buckets, series, counts, labelOf }: { title: string; buckets: number[]; series: Series[]; counts: Map<string, number>[]; labelOf: (b: number) => string }): JSX.Element {
  const W = 420;
  const H = 120;
  const max = Math.max(1, ...counts.map((c) => [...c.values()].reduce((a, b) => a + b, 0)));
  const bar = W / buckets.length;
  const h = (n: number) => (n / max) * (H - 16);
  const every = Math.ceil(buckets.length / 8);
  return (
    <figure class="chart-figure">
      <figcaption class="small">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H + 18}`} class="chart-svg" role="img" aria-label={`${title}: ${buckets.length} bars, see the table for the counts`}>
        <line x1="0" x2={W} y1={H} y2={H} class="chart-axis" />
        {buckets.map((b, i) => {
          let y = H;
          const total = [...counts[i]!.values()].reduce((a, c) => a + c, 0);
          return (
            <g key={b}>
              {series.map((s) => {
                const n = counts[i]!.get(s.key) ?? 0;
                if (!n) return null;
                y -= h(n);
                return <rect key={s.key} class={s.cls} x={i * bar + Math.min(4, bar / 6)} width={bar - 2 * Math.min(4, bar / 6)} y={y} height={h(n)} />;
              })}
              {total > 0 && (
                <text class="chart-count" x={i * bar + bar / 2} y={H - h(total) - 3} text-anchor="middle">
                  {total}
                </text>
              )}
              {i % every === 0 && (
                <text class="chart-label" x={i * bar + bar / 2} y={H + 13} text-anchor="middle">
                  {labelOf(b)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <p class="small muted legend">
        {series.map((s) => (
          <span key={s.key} class="legend-item">
            <span class={`swatch ${s.cls}`} aria-hidden="true" /> {s.label}
          </span>
        ))}
      </p>
    </figure>
  );
}

export function SignInChart({ data: { points, capped } }: { data: SignInChartData }): JSX.Element | null {
  if (points.length === 0) return null;
  // Newest first: no spreading of thousands of values into Math.min/max.
  const first = points.at(-1)![0];
  const last = points[0]![0];
  const size = SIZES.find((s) => (last - first) / s < MAX_BARS) ?? SIZES.at(-1)!;
  const end = floorTo(last, size);
  const start = Math.min(floorTo(first, size), end - (MIN_BARS - 1) * size);
  const buckets: number[] = [];
  for (let b = start; b <= end; b = size >= DAY ? floorTo(b + size + HOUR * 3, size) : b + size) buckets.push(b);
  /** The last bucket that starts at or before `ms`. */
  const index = (ms: number) => {
    let i = 0;
    while (i + 1 < buckets.length && buckets[i + 1]! <= ms) i++;
    return i;
  };

  const byResult = buckets.map(() => new Map<string, number>());
  const byMethod = buckets.map(() => new Map<string, number>());
  const totals = new Map<string, { success: number; failure: number }>();
  let attempts = 0;
  for (const [at, result, m, n] of points) {
    const i = index(at);
    byResult[i]!.set(result, (byResult[i]!.get(result) ?? 0) + n);
    byMethod[i]!.set(m, (byMethod[i]!.get(m) ?? 0) + n);
    const t = totals.get(m) ?? { success: 0, failure: 0 };
    if (result === 'success') t.success += n;
    else t.failure += n;
    totals.set(m, t);
    attempts += n;
  }
  const methods = METHOD_ORDER.filter((m) => totals.has(m)).concat([...totals.keys()].filter((m) => !METHOD_ORDER.includes(m)));
  const labelOf = (b: number) => (size >= DAY ? dayLabel.format(b) : timeLabel.format(b));
  const per = size >= DAY ? (size === DAY ? 'day' : 'week') : size >= HOUR ? `${size / HOUR} h` : `${size / MIN} min`;

  return (
    <section class="chart" aria-labelledby="chart-title">
      <h2 id="chart-title" class="section-title">
        Sign-ins over time, by result and by method <span class="small muted">
          ({capped ? `the newest ${attempts.toLocaleString()} of more finished attempts` : `${attempts.toLocaleString()} finished ${attempts === 1 ? 'attempt' : 'attempts'}`} matching the filter, one bar per {per})
        </span>
      </h2>
      <div class="chart-pair">
        <Bars
          title="By result"
          buckets={buckets}
          counts={byResult}
          labelOf={labelOf}
          series={[
            { key: 'success', label: 'Successful', cls: 'bar-ok' },
            { key: 'failure', label: 'Unsuccessful', cls: 'bar-bad' },
          ]}
        />
        <Bars title="By method" buckets={buckets} counts={byMethod} labelOf={labelOf} series={methods.map((m) => ({ key: m, label: label(m), cls: METHOD_CLASS[m] ?? 'm-other' }))} />
      </div>
      <details class="chart-counts" open>
        <summary>Counts by method</summary>
        <table class="chart-table">
          <caption class="small">Attempts by the method they ended with</caption>
          <thead>
            <tr>
              <th scope="col">Method</th>
              <th scope="col">Successful</th>
              <th scope="col">Unsuccessful</th>
            </tr>
          </thead>
          <tbody>
            {methods.map((m) => (
              <tr key={m}>
                <td>{label(m)}</td>
                <td>{totals.get(m)!.success}</td>
                <td>{totals.get(m)!.failure}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
