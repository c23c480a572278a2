// Rate limits (rate-limiter-flexible): the first line of the handlers that guess-prone input
// reaches. In memory for one instance on SQLite; in PostgreSQL (table rate_limits, created by
// the storage migrations) when several instances share a database, so that the limits hold
// for all of them together, with the memory limiter as insurance while the database is away.
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { PushkeyError } from '../../../protocol/errors.ts';

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
}

export const defaultLimiters = (store: LimiterStore = { kind: 'memory' }): Limiters => ({
  signIn: limiter('signin', 30, 60, store), // per IP: password, TAP, code, start attempts and texts sent
  device: limiter('device', 120, 60, store), // per IP: device responses and commands
  enroll: limiter('enroll', 20, 60, store), // per IP: activation code guesses
  // per IP: sign-in status long polls (about 3 a minute per waiting browser; a class behind one NAT address)
  poll: limiter('poll', 300, 60, store),
});

/** No limits: tests that hammer one endpoint on purpose (50 parallel responses). */
export const noLimiters = (): Limiters => {
  const none: Limiter = { hit: async () => {} };
  return { signIn: none, device: none, enroll: none, poll: none };
};
