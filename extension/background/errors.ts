// What a person reads when something fails. One table from protocol error codes to
// sentences; the server's own message is kept only where we have nothing better.
import { PushkeyError, type ErrorCode } from '../../protocol/index.ts';
import { errorInfoOf, extensionVersion, type ErrorInfo } from '../messaging/index.ts';

const FOR_PEOPLE: Partial<Record<ErrorCode, string>> = {
  code_invalid: 'This code has expired or was already used. Get a new QR code from your My Account page.',
  number_mismatch: "The number didn't match. The sign-in was denied.",
  challenge_expired: 'This request has expired.',
  challenge_consumed: 'This request was already answered.',
  challenge_unknown: 'The server no longer knows this request.',
  client_update_required: 'Update required: your organization needs a newer version of pushkey. Update the extension and try again.',
  device_revoked: 'This account was disabled by your organization. Remove it and add it again.',
  device_unknown: 'The server no longer knows this device. Remove the account and add it again.',
  unavailable: 'The server is unreachable. Check your connection and try again.',
  conflict: 'This account is already added.',
  invalid_credentials: 'The password is incorrect.',
  locked_out: 'Too many failed attempts. Try again later.',
  rate_limited: 'Too many attempts. Wait a moment and try again.',
  method_not_allowed: 'Your organization does not allow this sign-in method for your account.',
  clock_skew: "This computer's clock looks wrong. Check the date and time, then try again.",
  signature_invalid: 'The server could not verify this device. Remove the account and add it again.',
  user_disabled: 'This account is disabled.',
};

export function toErrorInfo(err: unknown): ErrorInfo {
  const info = errorInfoOf(err);
  if (info.code === 'internal') console.error('pushkey:', err);
  // The server's own answer failed the key pinned at enrollment: re-adding would pin whatever key answers now.
  if (err instanceof PushkeyError && err.details?.pinnedKey) {
    return { code: info.code, message: "The server's answer was not signed with the key this browser pinned when the account was added. Do not remove and re-add the account: tell your administrator." };
  }
  // Name both versions: the one the organization needs and the one installed here.
  const needed = err instanceof PushkeyError ? err.details?.minClientVersion : undefined;
  if (info.code === 'client_update_required' && typeof needed === 'string') {
    return { code: info.code, message: `Your organization needs pushkey ${needed} or later; this browser has ${extensionVersion()}. Update the extension (chrome://extensions → Update), then sign in again.` };
  }
  const message = err instanceof PushkeyError && !['bad_request', 'challenge_expired'].includes(info.code) ? FOR_PEOPLE[err.code] : undefined;
  return { code: info.code, message: message ?? info.message };
}
