// Rate limits (rate-limiter-flexible): the first line of the handlers that guess-prone input
// reaches. In memory for one instance on SQLite; in PostgreSQL (table rate_limits, created by
// the storage migrations) when several instances share a database, so that the limits hold
// for all of them together, with the memory limiter as insurance while the database is away;
// the throttles that guard no secret are shared once a second instead (synced-limiter.ts).
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { PushkeyError } from '../../../protocol/errors.ts';
import { syncedLimiter, type Queryable, type SyncOptions } from './synced-limiter.ts';

export interface Limiter {
  /** Counts one hit for `key`; throws rate_limited past the limit. */
  hit(key: string): Promise<void>;
}

/** Where the counts live: this process, or the PostgreSQL pool the repository uses. */
export type LimiterStore = { kind: 'memory' } | { kind: 'postgres'; pool: unknown };

export function limiter(name: string, points: number, durationSeconds: number, store: LimiterStore = { kind: 'memory' }): Limiter {
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
  const rl: RateLimiterAbstract =
    store.kind === 'postgres'
      ? new RateLimiterPostgres({ storeClient: store.pool, storeType: 'pool', tableName: 'rate_limits', tableCreated: true, keyPrefix: name, points, duration: durationSeconds, insuranceLimiter: memory })
      : memory;
  return {
    async hit(key) {
      try {
        await rl.consume(key);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          throw new PushkeyError('rate_limited', `Too many requests. Try again in ${Math.ceil(err.msBeforeNext / 1000)} s.`);
        }
        throw err;
      }
    },
  };
}

export interface Limiters {
  signIn: Limiter;
  device: Limiter;
  enroll: Limiter;
  poll: Limiter;
  /** Ends what the limiters keep running (the periodic sync of the shared counts), after a last sync. */
  close?: () => Promise<void>;
}

/**
 * The guessing limits (passwords and passes, activation codes) are counted exactly, in the
 * database on every hit when instances share one. The abuse throttles (device answers, status
 * polls: two of a sign-in's four limited requests) are counted in memory and shared once a
 * second (synced-limiter.ts), which costs no round trip per request.
 */
export function defaultLimiters(store: LimiterStore = { kind: 'memory' }, sync: SyncOptions = {}): Limiters {
  const throttle = (name: string, points: number, durationSeconds: number): Limiter & { close?: () => Promise<void> } =>
    store.kind === 'postgres' ? syncedLimiter(name, points, durationSeconds, store.pool as Queryable, sync) : limiter(name, points, durationSeconds);
  const device = throttle('device', 120, 60); // per IP: device responses and commands
  // per IP: sign-in status long polls (about 3 a minute per waiting browser; a class behind one NAT address)
  const poll = throttle('poll', 300, 60);
  return {
    signIn: limiter('signin', 30, 60, store), // per IP: password, TAP, code, start attempts and texts sent
    device,
    enroll: limiter('enroll', 20, 60, store), // per IP: activation code guesses
    poll,
    async close() {
      for (const l of [device, poll]) await l.close?.();
    },
  };
}

/** No limits: tests that hammer one endpoint on purpose (50 parallel responses). */
export const noLimiters = (): Limiters => {
  const none: Limiter = { hit: async () => {} };
  return { signIn: none, device: none, enroll: none, poll: none };
};
