// How times, methods and results read on the site.

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export const formatDateTime = (ms: number | null | undefined): string => (ms ? dateTime.format(ms) : '—');
/** When a method was last used: "Never" until it has been. */
export const formatLastUsed = (ms: number | null | undefined): string => (ms ? formatDateTime(ms) : 'Never');
export const formatDate = (ms: number | null | undefined): string => (ms ? dateOnly.format(ms) : '—');

/** 83 → "1:23". */
export function formatSeconds(total: number): string {
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}:${String(s).padStart(2, '0')}`;
}

export function formatMinutes(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440} day${minutes === 1440 ? '' : 's'}`;
  if (minutes % 60 === 0) return `${minutes / 60} hour${minutes === 60 ? '' : 's'}`;
  return `${minutes} minutes`;
}

const METHOD_NAMES: Record<string, string> = {
  password: 'Password',
  authenticator: 'Authenticator app (notification)',
  passwordless: 'Authenticator app (passwordless)',
  tap: 'Temporary Access Pass',
  passkey: 'Passkey',
  sms: 'Text message (SMS)',
};
export const methodName = (m: string): string => METHOD_NAMES[m] ?? m;

const FAILURES: Record<string, string> = {
  invalid_credentials: 'Wrong user name or password',
  denied: 'Request denied in the Authenticator app',
  reported: 'Reported as not the user ("No, it\'s not me")',
  number_mismatch: "The number didn't match",
  expired: 'Request timed out',
  update_required: 'Authenticator app needs an update',
  cancelled: 'Request cancelled (another was sent)',
  locked_out: 'Account locked after too many attempts',
  user_disabled: 'Account disabled',
  tap_invalid: 'Temporary Access Pass not valid',
  method_not_allowed: 'Method not allowed by policy',
  flow_invalid: 'Sign-in expired',
  code_invalid: 'Wrong or expired code',
  signature_invalid: 'Passkey signature did not verify',
  rate_limited: 'Too many attempts',
  step_up_required: 'A stronger sign-in was needed',
  abandoned: 'Left unfinished until the sign-in expired',
};
export const failureName = (code: string | null): string => (code ? (FAILURES[code] ?? code) : '');

const ROLE_NAMES: Record<string, string> = {
  user: 'User',
  helpdesk: 'Helpdesk administrator',
  policy_admin: 'Authentication policy administrator',
  global_admin: 'Global administrator',
};
export const roleName = (r: string): string => ROLE_NAMES[r] ?? r;
