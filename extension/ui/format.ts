// How times and request fields read on screen.
import type { Context, ContextField } from '../../protocol/index.ts';
import type { Hint, RequestView } from '../messaging/index.ts';
import { t, type MessageKey } from './i18n.ts';

export const formatTime = (ms: number): string =>
  new Date(ms).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const secondsLeft = (expiresAt: number, now = Date.now()): number => Math.max(0, Math.ceil((expiresAt - now) / 1000));

export const statusText = (s: RequestView['status']): string => t(`status_${s}` satisfies MessageKey);

export const kindText = (k: RequestView['kind']): string => t(`kind_${k}` satisfies MessageKey);

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
  // One request is either kind; two or more may be both, and are then just requests.
  if (pending.length === 1) return t(setups === 1 ? 'waitingOneSetup' : 'waitingOneSignIn');
  return t(setups === pending.length ? 'waitingManySetups' : setups === 0 ? 'waitingManySignIns' : 'waitingManyRequests', pending.length);
}

/**
 * How each field of a push's context reads in the prompt, in the order shown: one entry per
 * field of the protocol's Context, so adding a field there asks for its label here and nowhere
 * else. Fields this extension does not know were dropped when the push was read.
 */
type Shown<F extends ContextField> = { label: MessageKey; text: (value: NonNullable<Context[F]>) => string };
const CONTEXT_DETAILS: { [F in ContextField]: Shown<F> } = {
  location: { label: 'detailLocation', text: (s) => s },
  ip: { label: 'detailIp', text: (s) => s },
  browser: { label: 'detailBrowser', text: (s) => s },
  time: { label: 'detailTime', text: (ms) => (ms ? formatTime(ms) : '') },
};

function contextDetail<F extends ContextField>(field: F, context: Context): [string, string] | null {
  const value: Context[F] = context[field];
  if (value === undefined || value === null) return null;
  const shown: Shown<F> = CONTEXT_DETAILS[field];
  const text = shown.text(value);
  return text === '' ? null : [t(shown.label), text];
}

/** The prompt's "Sign-in details": the application, then the context; what is empty (hidden by the policy, or unknown) is left out. */
export function requestDetails(r: Pick<RequestView, 'app' | 'context'>): [label: string, text: string][] {
  const details: [string, string][] = r.app ? [[t('detailApp'), r.app]] : [];
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
      return t('hintBurst', h.count, h.seconds);
    case 'overlap':
      return h.open === 1 ? t('hintOverlapOne') : t('hintOverlapMany', h.open);
    case 'new_place':
      return t('hintNewPlace', h.location);
    case 'new_address':
      return t('hintNewAddress', h.ip);
  }
}

/** "Adding alice@example.com (Contoso)…", while an account read from a QR code is added. */
export function addingText(user: string, tenant: string): string {
  if (user) return tenant ? t('addingUserOfTenant', user, tenant) : t('addingUser', user);
  return tenant ? t('addingYourAccountOfTenant', tenant) : t('addingYourAccount');
}
