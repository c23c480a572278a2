// What an admin is told: alerts (push fatigue, "No, it's not me" reports, a sign-in from a
// new IP or location, a TAP issued, lockouts) and the push throttle that turns would-be
// push bombing into a logged block. Thresholds live in one policy, editable in the portal.
// A count and the write it allows are one unit of work holding the user's key, so parallel
// requests on any number of instances cannot all pass the same check.
import type { MonitoringPolicy } from '../../../protocol/http/policies.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { newId, type Deps } from '../deps.ts';
import { atomically, recording } from '../unit-of-work.ts';
import type { Repository } from '../../storage/repository.ts';
import { POLICY_DEFAULTS, readPolicy, writePolicy } from '../policies/policy-registry.ts';
import type { AlertKind, Challenge, User } from '../types.ts';

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

/** Raises the alert unless one of its kind was raised for the user since `since`: one alert per burst, not one per request, however many race. */
async function raiseAlertOnce(d: Deps, kind: AlertKind, user: Pick<User, 'id' | 'upn'>, since: number, detail: string): Promise<void> {
  await atomically(
    d,
    async (tx) => {
      if ((await tx.repo.listAlerts({ limit: 1, userId: user.id, kind, since })).length === 0) await raiseAlert(tx, kind, user, detail);
    },
    { exclusive: [`pushkey.alert:${kind}:${user.id}`] },
  );
}

/** Push fatigue: N denied or unanswered requests within T minutes. */
export async function checkPushFatigue(d: Deps, user: Pick<User, 'id' | 'upn'>): Promise<void> {
  const p = await getMonitoringPolicy(d.repo);
  const now = d.clock.now();
  const since = now - p.fatigueWindowMinutes * 60_000;
  await fatigueAlert(d, p, user, since, await d.repo.challengeStats(user.id, since, now));
}

type Stats = Awaited<ReturnType<Repository['challengeStats']>>;

async function fatigueAlert(d: Deps, p: MonitoringPolicy, user: Pick<User, 'id' | 'upn'>, since: number, stats: Stats): Promise<void> {
  const count = stats.denied + stats.unanswered;
  if (count >= p.fatigueCount) await raiseAlertOnce(d, 'push_fatigue', user, since, `${count} sign-in requests denied or unanswered within ${p.fatigueWindowMinutes} minutes`);
}

/**
 * Stores a new request. A push that can be asked for again and again (a sign-in, or a test
 * notification from My Account, which pops the same prompt) passes the throttle first, counted
 * and stored in one unit of work under the user's key: past the limit it is not stored, the
 * block is alerted once, and the caller gets rate_limited. Sign-in requests and test
 * notifications each get the policy's limits, counted apart, so that trying out the app neither
 * uses up the sign-in budget nor trips the fatigue rule. A passwordless setup is asked for by
 * the device itself, with the password.
 */
export async function storeChallenge(
  d: Deps,
  user: Pick<User, 'id' | 'upn'>,
  challenge: Challenge,
  /** Writes that commit with the request (its protocol trace), in the same unit of work. */
  alongside: (tx: Deps) => Promise<void> = async () => {},
  /** A sign-in push: the requests that expired unanswered since the last one count towards push fatigue first (checkPushFatigue, under the same lock). */
  opts: { fatigue?: boolean } = {},
): Promise<void> {
  if (challenge.kind === 'passwordless_setup') return d.repo.createChallenge(challenge);
  const of = challenge.kind === 'test' ? 'test' : 'sign-in';
  const p = await getMonitoringPolicy(d.repo);
  const now = challenge.createdAt;
  const since = now - p.throttleWindowMinutes * 60_000;
  // Past the limit the request is not stored, and the block's alert commits before the refusal is thrown.
  await recording(
    d,
    async (tx) => {
      const stats = await tx.repo.challengeStats(user.id, since, now, of);
      if (opts.fatigue) {
        // The fatigue rule counts the same sign-in requests; in the same window (the default) it reads the same row.
        const fatigueSince = now - p.fatigueWindowMinutes * 60_000;
        await fatigueAlert(tx, p, user, fatigueSince, fatigueSince === since ? stats : await tx.repo.challengeStats(user.id, fatigueSince, now));
      }
      const why =
        stats.outstanding >= p.throttleOutstanding
          ? `${stats.outstanding} requests are already waiting for an answer`
          : stats.created >= p.throttlePerWindow
            ? `${stats.created} requests in the last ${p.throttleWindowMinutes} minutes`
            : null;
      if (why) {
        await raiseAlertOnce(tx, 'push_throttled', user, since, `Push requests blocked: ${why}`);
        throw new PushkeyError(
          'rate_limited',
          of === 'test' ? 'Too many test notifications for this account. Answer the ones sent, or wait a few minutes.' : 'Too many sign-in requests for this account. Wait a few minutes, or use another method.',
        );
      }
      await tx.repo.createChallenge(challenge);
      await alongside(tx);
    },
    { exclusive: [`pushkey.push:${user.id}`] },
  );
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
