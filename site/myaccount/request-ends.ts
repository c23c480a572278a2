// How a request sent from My Account (the test after adding an authenticator, the
// passwordless setup) ended, in the words its page shows.
import type { ChallengeStatus } from '../../protocol/http/me.ts';

export const REQUEST_ENDS: Record<Exclude<ChallengeStatus, 'pending' | 'approved'>, string> = {
  denied: 'The request was denied.',
  reported: 'The request was reported as not you.',
  number_mismatch: "The number didn't match.",
  expired: 'The request timed out.',
  update_required: 'Your Authenticator app needs an update: this version cannot approve requests.',
  cancelled: 'The request was cancelled.',
};

/** The words for how a request ended; a status this page does not know reads as not approved. */
export const requestEnd = (status: string): string => REQUEST_ENDS[status as keyof typeof REQUEST_ENDS] ?? 'The request was not approved.';
