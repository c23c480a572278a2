// How times and request fields read on screen.
import type { Context, ContextField } from '../../protocol/index.ts';
import type { Hint, RequestView } from '../messaging/index.ts';

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

/**
 * How each field of a push's context reads in the prompt, in the order shown: one entry per
 * field of the protocol's Context, so adding a field there asks for its label here and nowhere
 * else. Fields this extension does not know were dropped when the push was read.
 */
type Shown<F extends ContextField> = { label: string; text: (value: NonNullable<Context[F]>) => string };
const CONTEXT_DETAILS: { [F in ContextField]: Shown<F> } = {
  location: { label: 'Location', text: (s) => s },
  ip: { label: 'IP address', text: (s) => s },
  browser: { label: 'Browser', text: (s) => s },
  time: { label: 'Time', text: (ms) => (ms ? formatTime(ms) : '') },
};

function contextDetail<F extends ContextField>(field: F, context: Context): [string, string] | null {
  const value: Context[F] = context[field];
  if (value === undefined || value === null) return null;
  const shown: Shown<F> = CONTEXT_DETAILS[field];
  const text = shown.text(value);
  return text === '' ? null : [shown.label, text];
}

/** The prompt's "Sign-in details": the application, then the context; what is empty (hidden by the policy, or unknown) is left out. */
export function requestDetails(r: Pick<RequestView, 'app' | 'context'>): [label: string, text: string][] {
  const details: [string, string][] = r.app ? [['App', r.app]] : [];
  for (const field of Object.keys(CONTEXT_DETAILS) as ContextField[]) {
    const d = contextDetail(field, r.context);
    if (d) details.push(d);
  }
  return details;
}

/** The fields the prompt has a label for (a test checks they are exactly the protocol's). */
export const LABELLED_CONTEXT_FIELDS: readonly string[] = Object.keys(CONTEXT_DETAILS);

/** What the prompt says about something unusual, as a question the person can answer for themselves. */
export function hintText(h: Hint): string {
  switch (h.kind) {
    case 'burst':
      return `${h.count} requests in ${h.seconds} s — did you start them all?`;
    case 'overlap':
      return h.open === 1 ? 'Another request for this account is still waiting — did you start both?' : `${h.open} other requests for this account are still waiting — did you start them all?`;
    case 'new_place':
      return `First request from ${h.location}: you have not approved one from there before.`;
    case 'new_address':
      return `First request from the address ${h.ip}: you have not approved one from it before.`;
  }
}
