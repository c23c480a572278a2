// How times, methods and results read on the site.
import { failureReason } from '../../protocol/failure-reasons.ts';

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

export { methodName } from '../../protocol/method-names.ts';

/** Why something failed, in the words the sign-in log uses (protocol/failure-reasons.ts). */
export const failureName = (code: string | null): string => (code ? failureReason(code) : '');

const ROLE_NAMES: Record<string, string> = {
  user: 'User',
  helpdesk: 'Helpdesk administrator',
  policy_admin: 'Authentication policy administrator',
  global_admin: 'Global administrator',
};
export const roleName = (r: string): string => ROLE_NAMES[r] ?? r;
