// Builds the domain's dependencies from their parts, with production defaults for the
// clock and randomness. Shared by main.ts and the tests, so both run the same wiring.
import { randomBytes, randomFillSync, randomInt } from 'node:crypto';
import pino, { type Logger } from 'pino';
import { DEFAULT_LIMITS, type AlertSink, type Clock, type Deps, type Limits, type Locator, type Random } from './domain/deps.ts';
import { privateLocator } from './geo/locator.ts';
import type { PushBus } from './domain/authenticator/push-bus.ts';
import type { SmsProvider } from './domain/methods/sms.ts';
import { scryptHasher, type PasswordHasher } from './domain/methods/passwords.ts';
import { loadServerKey } from './domain/authenticator/server-key.ts';
import type { Repository } from './storage/repository.ts';
import { inProcessBus } from './transport/push/in-process-bus.ts';
import { LabClock } from './domain/lab/clock.ts';
import { readLab } from './domain/lab/lab.ts';

export const systemClock: Clock = { now: () => Date.now() };
export const cryptoRandom: Random = {
  bytes: (n) => pooledRandomBytes(n),
  int: (min, max) => randomInt(min, max),
};

// Ids, nonces and secrets are drawn from the CSPRNG a pool at a time, as node's randomUUID
// does: one randomBytes call costs about ten times the copy out of a filled pool, and a
// sign-in draws a dozen. Each value is copied out and its bytes in the pool are zeroed, so
// that no value is handed out twice or stays behind in the pool once handed out.
const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let poolOffset = POOL_SIZE;

function pooledRandomBytes(n: number): Uint8Array {
  if (n > POOL_SIZE / 8) return new Uint8Array(randomBytes(n));
  if (poolOffset + n > POOL_SIZE) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const out = new Uint8Array(pool.subarray(poolOffset, poolOffset + n));
  pool.fill(0, poolOffset, poolOffset + n);
  poolOffset += n;
  return out;
}

export async function buildDeps(parts: {
  repo: Repository;
  origin: string;
  clock?: Clock;
  random?: Random;
  bus?: PushBus;
  log?: Logger;
  limits?: Partial<Limits>;
  locate?: Locator;
  alertSink?: AlertSink;
  sms?: SmsProvider;
  /** Classroom lab mode: the clock becomes the lab clock, at the offset the lab's record holds. */
  lab?: boolean;
  passwords?: PasswordHasher;
}): Promise<Deps> {
  const clock = parts.clock ?? systemClock;
  const labClock = parts.lab ? new LabClock(clock, (await readLab(parts.repo))?.clockOffsetMs ?? 0) : null;
  return {
    repo: parts.repo,
    origin: parts.origin,
    clock: labClock ?? clock,
    random: parts.random ?? cryptoRandom,
    bus: parts.bus ?? inProcessBus(),
    log: parts.log ?? pino({ level: 'silent' }),
    limits: { ...DEFAULT_LIMITS, ...parts.limits },
    serverKey: await loadServerKey(parts.repo),
    locate: parts.locate ?? privateLocator,
    alertSink: parts.alertSink ?? (() => {}),
    passwords: parts.passwords ?? scryptHasher,
    ...(parts.sms ? { sms: parts.sms } : {}),
    ...(labClock ? { lab: { clock: labClock } } : {}),
  };
}
