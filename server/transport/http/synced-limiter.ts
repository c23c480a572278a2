// A rate limit counted in this process's memory and shared through PostgreSQL once a second,
// for limits that throttle abuse rather than guard a secret (device answers, status polls):
// a hit costs no database round trip. Each sync adds this instance's new hits to the shared
// row (table rate_limits, the same rows rate-limiter-flexible keeps: key, points, expire in ms)
// in one statement, and reads back what every instance counted. Between two syncs an instance
// knows the others' hits only as of the last one (and nothing of a key before its own first
// hit's sync), so N instances may together let through up to N times what remains of a window
// in that second; the guessing limits (passwords, codes)
// stay exact, counted in the database on every hit (rate-limit.ts).
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Limiter } from './rate-limit.ts';

/** What the limiter needs of a pg.Pool. */
export interface Queryable {
  query<R>(text: string, values: unknown[]): Promise<{ rows: R[] }>;
}

interface Count {
  /** Every instance's hits in this window, as of the last sync, this one's included. */
  shared: number;
  /** This instance's hits since the last sync. */
  pending: number;
  /** When the window ends (ms since the epoch). */
  expire: number;
}

export interface SyncedLimiter extends Limiter {
  /** Adds this instance's new hits to the shared counts and reads every instance's back. */
  sync(): Promise<void>;
  /** Stops the periodic sync, after one last. */
  close(): Promise<void>;
}

export interface SyncOptions {
  /** How often this instance shares its counts (default: every second). */
  syncMs?: number;
  now?: () => number;
}

export function syncedLimiter(name: string, points: number, durationSeconds: number, pool: Queryable, opts: SyncOptions = {}): SyncedLimiter {
  const { syncMs = 1000, now = Date.now } = opts;
  const counts = new Map<string, Count>();
  let syncing: Promise<void> | undefined;

  async function flush(): Promise<void> {
    const t = now();
    const batch: { key: string; count: Count; pending: number }[] = [];
    for (const [key, c] of counts) {
      if (c.expire <= t) counts.delete(key);
      else {
        // Keys with no new hits are asked too (adding 0): what the other instances counted since.
        batch.push({ key, count: c, pending: c.pending });
        // Counted as shared from now on; given back below if the database does not take them.
        c.shared += c.pending;
        c.pending = 0;
      }
    }
    if (batch.length === 0) return;
    try {
      // A row whose window ended starts again with these hits; otherwise they are added.
      const { rows } = await pool.query<{ key: string; points: number; expire: string }>(
        `INSERT INTO rate_limits (key, points, expire)
           SELECT * FROM unnest($1::varchar[], $2::int[], $3::bigint[])
         ON CONFLICT (key) DO UPDATE SET
           points = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4 THEN EXCLUDED.points ELSE rate_limits.points + EXCLUDED.points END,
           expire = CASE WHEN rate_limits.expire IS NULL OR rate_limits.expire <= $4 THEN EXCLUDED.expire ELSE rate_limits.expire END
         RETURNING key, points, expire`,
        [batch.map((b) => `${name}:${b.key}`), batch.map((b) => b.pending), batch.map((b) => b.count.expire), t],
      );
      const shared = new Map(rows.map((r) => [r.key.slice(name.length + 1), r]));
      for (const b of batch) {
        const row = shared.get(b.key);
        // The window another instance opened first is the one that counts; hits since the query began stay pending.
        if (row) {
          b.count.shared = row.points;
          b.count.expire = Number(row.expire);
        }
      }
    } catch {
      // The database is away: the hits stay counted here, and go with the next sync.
      for (const b of batch) {
        b.count.shared -= b.pending;
        b.count.pending += b.pending;
      }
    }
  }

  const sync = () => (syncing ??= flush().finally(() => (syncing = undefined)));
  const timer = setInterval(() => void sync(), syncMs);
  timer.unref();

  return {
    async hit(key) {
      const t = now();
      let c = counts.get(key);
      if (!c || c.expire <= t) counts.set(key, (c = { shared: 0, pending: 0, expire: t + durationSeconds * 1000 }));
      if (c.shared + c.pending >= points) {
        throw new PushkeyError('rate_limited', `Too many requests. Try again in ${Math.ceil((c.expire - t) / 1000)} s.`);
      }
      c.pending++;
    },
    sync,
    async close() {
      clearInterval(timer);
      await sync();
    },
  };
}
