// How times and request fields read on screen.
import type { RequestView } from '../messaging/index.ts';

export const formatTime = (ms: number): string =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const secondsLeft = (expiresAt: number, now = Date.now()): number => Math.max(0, Math.ceil((expiresAt - now) / 1000));

const STATUS_TEXT: Record<RequestView['status'], string> = {
  pending: 'Waiting for you',
  approved: 'Approved',
  denied: 'Denied',
  reported: 'Reported',
  number_mismatch: 'Wrong number',
  expired: 'Expired',
  cancelled: 'Cancelled',
  update_required: 'Update required',
  failed: 'Failed',
  rejected: 'Rejected: forged request',
};
export const statusText = (s: RequestView['status']): string => STATUS_TEXT[s];

const KIND_TEXT: Record<RequestView['kind'], string> = {
  mfa: 'Sign-in',
  passwordless: 'Passwordless sign-in',
  passwordless_setup: 'Passwordless setup',
  test: 'Test request',
};
export const kindText = (k: RequestView['kind']): string => KIND_TEXT[k];

/** The badge tone of a status: approved is good news, a fraud signal or a failure is not. */
export function statusTone(s: RequestView['status']): 'ok' | 'danger' | 'muted' | '' {
  if (s === 'approved') return 'ok';
  if (s === 'pending') return '';
  if (s === 'reported' || s === 'number_mismatch' || s === 'rejected' || s === 'failed' || s === 'update_required') return 'danger';
  return 'muted';
}

/** "A sign-in request is waiting", named for what waits: a passwordless setup is not a sign-in. */
export function waitingText(pending: readonly Pick<RequestView, 'kind'>[]): string {
  const setups = pending.filter((r) => r.kind === 'passwordless_setup').length;
  const what = setups === pending.length ? 'passwordless setup request' : setups === 0 ? 'sign-in request' : 'request';
  return pending.length === 1 ? `A ${what} is waiting for you.` : `${pending.length} ${what}s are waiting for you.`;
}
