// Builds the domain's dependencies from their parts, with production defaults for the
// clock and randomness. Shared by main.ts and the tests, so both run the same wiring.
import { randomBytes, randomInt } from 'node:crypto';
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
  bytes: (n) => new Uint8Array(randomBytes(n)),
  int: (min, max) => randomInt(min, max),
};

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
