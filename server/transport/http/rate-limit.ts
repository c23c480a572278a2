// Rate limits (rate-limiter-flexible, in memory per instance): the first line of the
// handlers that guess-prone input reaches.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { PushkeyError } from '../../../protocol/errors.ts';

export interface Limiter {
  /** Counts one hit for `key`; throws rate_limited past the limit. */
  hit(key: string): Promise<void>;
}

export function limiter(points: number, durationSeconds: number): Limiter {
  const rl = new RateLimiterMemory({ points, duration: durationSeconds });
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
}

export const defaultLimiters = (): Limiters => ({
  signIn: limiter(30, 60), // per IP: password, TAP and start attempts
  device: limiter(120, 60), // per IP: device responses and commands
  enroll: limiter(20, 60), // per IP: activation code guesses
});

/** No limits: tests that hammer one endpoint on purpose (50 parallel responses). */
export const noLimiters = (): Limiters => {
  const none: Limiter = { hit: async () => {} };
  return { signIn: none, device: none, enroll: none };
};
