// What an admin is told: alerts (push fatigue, "No, it's not me" reports, a sign-in from a
// new IP or location, a TAP issued, lockouts) and the push throttle that turns would-be
// push bombing into a logged block. Thresholds live in one policy, editable in the portal.
import type { MonitoringPolicy } from '../../../protocol/http/policies.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { newId, type Deps } from '../deps.ts';
import type { Repository } from '../../storage/repository.ts';
import { POLICY_DEFAULTS, readPolicy, writePolicy } from '../policies/policy-registry.ts';
import type { AlertKind, User } from '../types.ts';

export { MonitoringPolicy } from '../../../protocol/http/policies.ts';
export const DEFAULT_MONITORING_POLICY = POLICY_DEFAULTS.monitoring;
export const getMonitoringPolicy = (repo: Repository): Promise<MonitoringPolicy> => readPolicy(repo, 'monitoring');
export const setMonitoringPolicy = (repo: Repository, policy: MonitoringPolicy): Promise<void> => writePolicy(repo, 'monitoring', policy);

/** Records an alert and hands it to the sink (the webhook). */
export async function raiseAlert(d: Deps, kind: AlertKind, user: Pick<User, 'id' | 'upn'>, detail: string): Promise<void> {
  const alert = { id: newId(d), at: d.clock.now(), kind, userId: user.id, detail };
  await d.repo.appendAlert(alert);
  d.alertSink({ ...alert, upn: user.upn });
}

/** True when an alert of this kind was raised for the user within the window: one alert per burst, not one per request. */
async function alertedSince(d: Deps, userId: string, kind: AlertKind, since: number): Promise<boolean> {
  return (await d.repo.listAlerts({ limit: 1, userId, kind, since })).length > 0;
}

/** Push fatigue: N denied or unanswered requests within T minutes. */
export async function checkPushFatigue(d: Deps, user: Pick<User, 'id' | 'upn'>): Promise<void> {
  const p = await getMonitoringPolicy(d.repo);
  const now = d.clock.now();
  const since = now - p.fatigueWindowMinutes * 60_000;
  const stats = await d.repo.challengeStats(user.id, since, now);
  const count = stats.denied + stats.unanswered;
  if (count >= p.fatigueCount && !(await alertedSince(d, user.id, 'push_fatigue', since))) {
    await raiseAlert(d, 'push_fatigue', user, `${count} sign-in requests denied or unanswered within ${p.fatigueWindowMinutes} minutes`);
  }
}

/** The throttle, checked before a sign-in push is created: refuses with rate_limited and logs the block. */
export async function throttlePush(d: Deps, user: Pick<User, 'id' | 'upn'>): Promise<void> {
  const p = await getMonitoringPolicy(d.repo);
  const now = d.clock.now();
  const since = now - p.throttleWindowMinutes * 60_000;
  const stats = await d.repo.challengeStats(user.id, since, now);
  const why =
    stats.outstanding >= p.throttleOutstanding
      ? `${stats.outstanding} requests are already waiting for an answer`
      : stats.created >= p.throttlePerWindow
        ? `${stats.created} requests in the last ${p.throttleWindowMinutes} minutes`
        : null;
  if (!why) return;
  if (!(await alertedSince(d, user.id, 'push_throttled', since))) await raiseAlert(d, 'push_throttled', user, `Push requests blocked: ${why}`);
  throw new PushkeyError('rate_limited', 'Too many sign-in requests for this account. Wait a few minutes, or use another method.');
}

/** A successful sign-in from an IP address or location this user never signed in from before. */
export async function checkNewPlace(d: Deps, user: Pick<User, 'id' | 'upn'>, signInId: string, ip: string, location: string): Promise<void> {
  const p = await getMonitoringPolicy(d.repo);
  if (!p.alertNewLocation || !ip) return;
  const seen = await d.repo.signInHistory(user.id, ip, location, signInId);
  if (!seen.any) return; // the first sign-in ever is not news
  const newLocation = location !== '' && !seen.location;
  if (!seen.ip || newLocation) {
    const where = newLocation ? `new location ${location} (${ip})` : `new IP address ${ip}${location ? ` (${location})` : ''}`;
    await raiseAlert(d, 'new_location', user, `Sign-in from a ${where}`);
  }
}

/** Retention: purges what is older than the policy allows. Returns what was deleted. */
export async function purgeOldRecords(d: Deps) {
  const p = await getMonitoringPolicy(d.repo);
  const now = d.clock.now();
  return d.repo.purge(now - p.retentionDays * 86_400_000, now);
}
