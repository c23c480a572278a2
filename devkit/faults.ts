// The ways the authenticator can misbehave on purpose, each one flag, so that a relying party's
// tests (or a server's) can see what happens when a device is slow, wrong or hostile.
import { fromB64u, toB64u } from '../protocol/encoding.ts';

export interface Faults {
  /** Requests that arrive on the channel are lost (polls still see them). */
  dropPush: boolean;
  /** A request from the channel is seen this long after it arrived. */
  delayPushMs: number;
  /** Answers wait until the request expired by the server's clock (plus this margin). */
  answerLateMs: number | null;
  /** An approve carries a number other than the one it was given. */
  wrongNumber: boolean;
  /** The response signature has one bit flipped. */
  badSignature: boolean;
  /** The response is signed by another key: another account's in the state file, or a fresh one. */
  foreignSignature: boolean;
  /** Every response is sent twice; the second is the replay. */
  replay: boolean;
  /** The device's clock runs this far from the real one (signed commands carry it). */
  clockSkewMs: number;
  /** The channel is closed this long after each ready, and opened again `reconnectMs` later. */
  closeChannelAfterMs: number | null;
  reconnectMs: number;
  /** No channel: requests are fetched with signed polls, every `pollIntervalMs`. */
  pollOnly: boolean;
  pollIntervalMs: number;
}

export const NO_FAULTS: Faults = {
  dropPush: false,
  delayPushMs: 0,
  answerLateMs: null,
  wrongNumber: false,
  badSignature: false,
  foreignSignature: false,
  replay: false,
  clockSkewMs: 0,
  closeChannelAfterMs: null,
  reconnectMs: 1000,
  pollOnly: false,
  pollIntervalMs: 1000,
};

/** A different number of the same length: the last digit moved by one. */
export function otherNumber(n: string): string {
  if (n === '') return '0';
  const last = Number(n.at(-1));
  return n.slice(0, -1) + String((last + 1) % 10);
}

/** The same signature with one bit of its first byte flipped: still 64 bytes, no longer valid. */
export function flipBit(signature: string): string {
  const bytes = fromB64u(signature);
  if (!bytes) return signature;
  bytes[0] = bytes[0]! ^ 0x01;
  return toB64u(bytes);
}

/** The names of the faults in effect, for the ready line. */
export function activeFaults(f: Faults): string[] {
  return (Object.keys(NO_FAULTS) as (keyof Faults)[]).filter((k) => k !== 'reconnectMs' && k !== 'pollIntervalMs' && f[k] !== NO_FAULTS[k]);
}
