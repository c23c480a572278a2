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

/** The order n of P-256's base point: (r, s) and (r, n − s) are both valid signatures. */
const P256_N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

/** A P1363 signature with s replaced by n − s when `high` says so or not (protocol §3: both verify). */
function withS(signature: string, high: boolean): string {
  const bytes = fromB64u(signature);
  if (!bytes || bytes.length !== 64) return signature;
  const s = BigInt(`0x${Buffer.from(bytes.subarray(32)).toString('hex')}`);
  if (s > P256_N / 2n === high) return signature;
  const flipped = (P256_N - s).toString(16).padStart(64, '0');
  bytes.set(Buffer.from(flipped, 'hex'), 32);
  return toB64u(bytes);
}

/** The same signature in its high-S form (s > n/2), which a low-S-only verifier refuses. */
export const toHighS = (signature: string): string => withS(signature, true);
/** The same signature in its low-S form (s ≤ n/2), which every verifier accepts. */
export const toLowS = (signature: string): string => withS(signature, false);
/** Whether a P1363 signature is high-S. */
export function isHighS(signature: Uint8Array): boolean {
  return signature.length === 64 && BigInt(`0x${Buffer.from(signature.subarray(32)).toString('hex')}`) > P256_N / 2n;
}
