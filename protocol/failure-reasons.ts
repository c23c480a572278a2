// Why a sign-in attempt failed, in words an admin can act on. The sign-in log stores the
// code and these words; the site shows the same words for the codes its audit and activity
// lists carry. A code is an error code, or how the attempt's request or flow ended.
import type { ErrorCode } from './errors.ts';

export type FailureCode = ErrorCode | 'denied' | 'reported' | 'expired' | 'update_required' | 'cancelled' | 'abandoned' | 'app_not_allowed';

export const FAILURE_REASONS: Partial<Record<FailureCode, string>> = {
  invalid_credentials: 'Wrong password, or no such user',
  locked_out: 'Account locked after too many failed attempts',
  user_disabled: 'Account disabled',
  tap_invalid: 'Temporary Access Pass wrong, expired or used',
  method_not_allowed: 'The policy does not allow this method for the user',
  step_up_required: 'A stronger sign-in was needed',
  app_not_allowed: 'The app registration does not let this user sign in',
  no_device: 'The user has no authenticator that can take the request',
  rate_limited: 'Blocked by the push throttle',
  push_paused: 'Pushes paused: the user reported a request as not theirs',
  app_lock_required: 'The policy asks for the app lock and the authenticator approved without it',
  denied: 'The user denied the request',
  reported: 'The user reported the request as not theirs',
  number_mismatch: "The number typed in the authenticator didn't match",
  expired: 'The request timed out without an answer',
  update_required: 'The authenticator app is too old for the policy',
  cancelled: 'The request was replaced or cancelled',
  flow_invalid: 'The sign-in expired or came from another browser',
  code_invalid: 'SMS code wrong, expired, used or out of tries',
  signature_invalid: 'The passkey did not verify (wrong origin, signature or counter)',
  device_unknown: 'Passkey not registered (deleted?)',
  challenge_consumed: 'The passkey request was already used (a replay?) or expired',
  challenge_unknown: 'The passkey request belongs to another sign-in',
  bad_request: 'The answer could not be read',
  abandoned: 'The sign-in was left unfinished until it expired',
};

/** The words for a failure code; a code without words reads as itself. */
export const failureReason = (code: string): string => FAILURE_REASONS[code as FailureCode] ?? code;
