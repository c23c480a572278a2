// The fixed list of error codes. Every failure that crosses a boundary (HTTP, WebSocket,
// extension messaging) carries exactly one of these codes and a human message.
export const ERROR_CODES = [
  // input
  'bad_request', // malformed JSON or a field that does not parse
  'payload_too_large',
  'unsupported_version', // protocol version we do not speak
  // authentication of people and sessions
  'unauthenticated', // no valid session
  'forbidden', // signed in, but the role does not allow it
  'invalid_credentials', // wrong user name or password (never says which)
  'user_disabled',
  'locked_out', // too many consecutive failures
  'tap_invalid', // Temporary Access Pass unknown, expired or used
  'flow_invalid', // sign-in flow unknown, expired or not this browser's
  'method_not_allowed', // policy does not allow this method for this user
  'step_up_required', // registration protection: this needs a multifactor or Temporary Access Pass session
  // devices and challenges
  'code_invalid', // activation or SMS code unknown, wrong, expired or already used
  'device_unknown',
  'device_revoked',
  'signature_invalid',
  'clock_skew', // signed timestamp too far from server time, or not newer than the last one
  'challenge_unknown',
  'challenge_expired',
  'challenge_consumed', // already answered: replays land here
  'number_mismatch',
  'client_update_required',
  'no_device', // the user has no authenticator that can take this request
  'push_paused', // after "No, it's not me", no push reaches the user for a while
  // classroom lab
  'lab_mode_off', // a lab-only route (the instructor's board, the lab clock) on a server not in lab mode
  'app_lock_required', // the policy asks for the authenticator's app lock before an approval
  'app_lock_wrong', // the app lock's PIN was wrong (the extension's own check)
  // generic
  'not_found',
  'conflict',
  'rate_limited',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

const CODE_SET: ReadonlySet<string> = new Set(ERROR_CODES);
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && CODE_SET.has(value);
}

/** How a pushed request ends when answering it fails with a code (the device's history shows it). */
export type RequestEnd = 'number_mismatch' | 'expired' | 'cancelled' | 'update_required' | 'failed';

/** What an error code means, to every part that meets it. */
export interface ErrorMeaning {
  /** The HTTP status the server answers with. */
  readonly status: number;
  /** Nothing was decided: the same call may be sent again. */
  readonly retryable: boolean;
  /** How a request ends when its answer fails with this code; null when the request stays open. */
  readonly final: RequestEnd | null;
  /** What a person reads; null where the message that comes with the error says more. */
  readonly words: string | null;
}

/** The one table of what each error code means. docs/protocol.md documents the statuses. */
export const ERRORS: Record<ErrorCode, ErrorMeaning> = {
  bad_request: { status: 400, retryable: false, final: 'failed', words: null },
  payload_too_large: { status: 413, retryable: false, final: 'failed', words: null },
  unsupported_version: { status: 400, retryable: false, final: 'failed', words: null },
  unauthenticated: { status: 401, retryable: false, final: 'failed', words: null },
  forbidden: { status: 403, retryable: false, final: 'failed', words: null },
  invalid_credentials: { status: 401, retryable: false, final: 'failed', words: 'The password is incorrect.' },
  user_disabled: { status: 403, retryable: false, final: 'failed', words: 'This account is disabled.' },
  locked_out: { status: 423, retryable: false, final: 'failed', words: 'Too many failed attempts. Try again later.' },
  tap_invalid: { status: 401, retryable: false, final: 'failed', words: null },
  flow_invalid: { status: 400, retryable: false, final: 'failed', words: null },
  method_not_allowed: { status: 403, retryable: false, final: 'failed', words: 'Your organization does not allow this sign-in method for your account.' },
  step_up_required: { status: 403, retryable: false, final: 'failed', words: null },
  code_invalid: { status: 410, retryable: false, final: 'failed', words: 'This code has expired or was already used. Get a new QR code from your My Account page.' },
  device_unknown: { status: 404, retryable: false, final: 'failed', words: 'The server no longer knows this device. Remove the account and add it again.' },
  device_revoked: { status: 403, retryable: false, final: 'failed', words: 'This account was disabled by your organization. Remove it and add it again.' },
  signature_invalid: { status: 401, retryable: false, final: 'failed', words: 'The server could not verify this device. Remove the account and add it again.' },
  clock_skew: { status: 400, retryable: false, final: 'failed', words: "This computer's clock looks wrong. Check the date and time, then try again." },
  challenge_unknown: { status: 404, retryable: false, final: 'cancelled', words: 'The server no longer knows this request.' },
  // The message that comes with it says why (expired on arrival: the clock; or while open).
  challenge_expired: { status: 410, retryable: false, final: 'expired', words: null },
  challenge_consumed: { status: 409, retryable: false, final: 'cancelled', words: 'This request was already answered.' },
  number_mismatch: { status: 422, retryable: false, final: 'number_mismatch', words: "The number didn't match. The sign-in was denied." },
  client_update_required: { status: 426, retryable: false, final: 'update_required', words: 'Update required: your organization needs a newer version of pushkey. Update the extension and try again.' },
  no_device: { status: 409, retryable: false, final: 'failed', words: null },
  push_paused: { status: 429, retryable: false, final: 'failed', words: null },
  // As if the route did not exist: outside lab mode there is nothing to find.
  lab_mode_off: { status: 404, retryable: false, final: 'failed', words: 'This server is not in lab mode.' },
  // The request stays open: the person sets the lock (or unlocks it) and approves again.
  app_lock_required: { status: 403, retryable: false, final: null, words: 'Your organization asks for the app lock before you approve. Set a PIN, then approve.' },
  app_lock_wrong: { status: 401, retryable: false, final: null, words: null },
  not_found: { status: 404, retryable: false, final: 'failed', words: null },
  conflict: { status: 409, retryable: false, final: 'failed', words: 'This account is already added.' },
  // The server did not get to decide anything: the network, or its rate limit.
  rate_limited: { status: 429, retryable: true, final: null, words: 'Too many attempts. Wait a moment and try again.' },
  unavailable: { status: 503, retryable: true, final: null, words: 'The server is unreachable. Check your connection and try again.' },
  internal: { status: 500, retryable: false, final: 'failed', words: null },
};

/** The one error type. `message` is for people; `code` is for programs. */
export class PushkeyError extends Error {
  override readonly name = 'PushkeyError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** The JSON body of every error answer: `{ error, message }`. */
export interface ErrorBody {
  error: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export function toErrorBody(err: PushkeyError): ErrorBody {
  return err.details ? { error: err.code, message: err.message, details: err.details } : { error: err.code, message: err.message };
}
