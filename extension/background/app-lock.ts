// The app lock: an optional PIN the person opens before each approval, so that an approval
// proves something they know besides the key this browser holds (the answer then says so,
// signed, and the server counts two factors). NIST SP 800-63B-4 §3.2.10 on activation
// secrets: at least 6 digits, never stored in the clear, and the authenticator disabled after
// 10 wrong tries in a row; here disabling means the accounts and their keys are deleted.
// The PIN is kept as PBKDF2-SHA-256 (600,000 iterations, OWASP's figure) over a random salt.
import { ERRORS, PushkeyError } from '../../protocol/errors.ts';
import { fromB64u, toB64u } from '../../protocol/encoding.ts';
import { countAppLockTry, deleteAppLock, getAppLock, putAppLock } from '../storage/db.ts';
import { t } from '../ui/i18n.ts';

export const PIN_PATTERN = /^\d{6,12}$/;
/** Wrong tries in a row after which the accounts are wiped. */
export const MAX_TRIES = 10;
const ITERATIONS = 600_000;

export interface AppLockStatus {
  set: boolean;
  /** Tries left before the wipe. */
  triesLeft: number;
}

async function derive(pin: string, salt: Uint8Array, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256);
  return toB64u(new Uint8Array(bits));
}

/** Constant-time comparison of two hashes of the same length. */
function sameHash(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

export async function appLockStatus(): Promise<AppLockStatus> {
  const lock = await getAppLock();
  return { set: !!lock, triesLeft: lock ? MAX_TRIES - lock.failures : MAX_TRIES };
}

function checkNewPin(pin: string): void {
  if (!PIN_PATTERN.test(pin)) throw new PushkeyError('bad_request', t('lockChoosePin'));
}

/**
 * Opens the lock with `pin`, or throws app_lock_wrong saying how many tries are left; at the
 * last one `wipe` runs first. The try is counted before the PIN is checked and forgiven after.
 */
export async function unlock(pin: string, wipe: () => Promise<void>): Promise<void> {
  const lock = await getAppLock();
  if (!lock) return;
  const failures = await countAppLockTry();
  if (failures === undefined) return;
  const salt = fromB64u(lock.salt);
  if (salt && sameHash(await derive(pin, salt, lock.iterations), lock.hash)) {
    await putAppLock({ ...lock, failures: 0 });
    return;
  }
  if (failures >= MAX_TRIES) {
    await wipe();
    await deleteAppLock();
    throw new PushkeyError('app_lock_wrong', t('lockWiped', MAX_TRIES));
  }
  const left = MAX_TRIES - failures;
  throw new PushkeyError('app_lock_wrong', left === 1 ? t('lockWrongLastTry') : t('lockWrong', left));
}

/** Sets the PIN, or changes it: then the current one must open the lock first. */
export async function setAppLock(pin: string, current: string | undefined, wipe: () => Promise<void>): Promise<AppLockStatus> {
  checkNewPin(pin);
  if (await getAppLock()) {
    if (current === undefined) throw new PushkeyError('app_lock_wrong', t('lockCurrentPinMissing'));
    await unlock(current, wipe);
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  await putAppLock({ salt: toB64u(salt), hash: await derive(pin, salt, ITERATIONS), iterations: ITERATIONS, failures: 0 });
  return appLockStatus();
}

/** Turns the lock off; the current PIN must open it first (unless the policy needs it: the prompt then asks for a new one). */
export async function removeAppLock(current: string, wipe: () => Promise<void>): Promise<AppLockStatus> {
  await unlock(current, wipe);
  await deleteAppLock();
  return appLockStatus();
}

/** What an approval carries once the lock, if set, was opened: the claim the answer signs. */
export async function verifyForApproval(pin: string | undefined, required: boolean, wipe: () => Promise<void>): Promise<'pin' | undefined> {
  const { set } = await appLockStatus();
  if (!set) {
    if (required) throw new PushkeyError('app_lock_required', ERRORS.app_lock_required.words!);
    return undefined;
  }
  if (!pin) throw new PushkeyError('app_lock_wrong', t('lockPinMissing'));
  await unlock(pin, wipe);
  return 'pin';
}
