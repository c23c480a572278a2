// What every domain function is given: storage, time, randomness, the push bus and the
// server's identity. Injected so tests control the clock and randomness exactly.
import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import { toB64u } from '../../protocol/encoding.ts';
import type { Repository } from '../storage/repository.ts';
import type { PushBus } from './authenticator/push-bus.ts';
import type { ServerKey } from './authenticator/server-key.ts';
import type { Alert } from './types.ts';
import type { SmsProvider } from './methods/sms.ts';
import type { LabClock } from './lab/clock.ts';
import type { PasswordHasher } from './methods/passwords.ts';

/** Where an IP address is, as a label ("Lisbon, Portugal", "Private network", or ""). */
export type Locator = (ip: string) => string;
/** Receives every alert as it is raised (a webhook in production); must not throw. */
export type AlertSink = (alert: Alert & { upn: string }) => void;

export interface Clock {
  now(): number;
  /**
   * The wall clock, where now() runs ahead of it (the lab clock): what a device's own clock is
   * compared with. Absent: now() is the wall clock.
   */
  wall?(): number;
}
/** The wall clock's time: for checks against another machine's clock (signed timestamps). */
export const wallNow = (clock: Clock): number => clock.wall?.() ?? clock.now();
export interface Random {
  bytes(n: number): Uint8Array;
  /** Uniform integer in [min, max). */
  int(min: number, max: number): number;
}

export interface Limits {
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  flowLifetimeMs: number;
  activationLifetimeMs: number;
  passwordFailureLimit: number;
  lockoutMs: number;
  /** Device command timestamps must be within this of the server clock. */
  commandSkewMs: number;
  /** Seconds an app without a browser waits between polls for its sign-in (CIBA poll mode; the spec's default is 5). */
  backchannelIntervalS: number;
}

export const DEFAULT_LIMITS: Limits = {
  sessionIdleMs: 30 * 60_000,
  sessionAbsoluteMs: 12 * 3_600_000,
  flowLifetimeMs: 15 * 60_000,
  activationLifetimeMs: 10 * 60_000, // DESIGN: activation codes expire after 10 minutes
  passwordFailureLimit: 10,
  lockoutMs: 15 * 60_000,
  commandSkewMs: 5 * 60_000,
  backchannelIntervalS: 5,
};

export interface Deps {
  repo: Repository;
  clock: Clock;
  random: Random;
  bus: PushBus;
  serverKey: ServerKey;
  /** This server's public origin, part of every signed message. */
  origin: string;
  limits: Limits;
  log: Logger;
  locate: Locator;
  alertSink: AlertSink;
  /** Delivers SMS codes; absent: the lab provider (the outbox the portal's phone page reads). */
  sms?: SmsProvider;
  /** Present in classroom lab mode only: the lab clock (also `clock`), which the instructor moves forward. */
  lab?: { clock: LabClock };
  /** Hashes and checks passwords and passes (scrypt); injected so a test can count the work each guess costs. */
  passwords: PasswordHasher;
}

/** A time as people read it in notices: "2026-12-02 07:31 UTC". */
export const utcMinute = (ms: number): string => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 16)} UTC`;

/** 128-bit random id, base64url (22 characters). */
export const newId = (d: Pick<Deps, 'random'>): string => toB64u(d.random.bytes(16));
/** 256-bit random secret for cookies. */
export const newSecret = (d: Pick<Deps, 'random'>): string => toB64u(d.random.bytes(32));
/** Secrets with ≥128 bits of entropy are stored as SHA-256: fast to check, useless if leaked. */
export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('base64url');

/**
 * A number of `length` digits drawn uniformly over all 10^length values, leading zeros
 * included (without them 2 digits give only 90 values), from the CSPRNG.
 */
export function randomNumber(d: Pick<Deps, 'random'>, length: number): string {
  return String(d.random.int(0, 10 ** length)).padStart(length, '0');
}
