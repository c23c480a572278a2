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
