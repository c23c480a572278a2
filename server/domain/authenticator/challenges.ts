// Number-match requests: createChallenge (server) → answerRequest (extension) → resolveResponse (server).
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Context, DeviceResponse, PushContent, PushRequest, RequestKind } from '../../../protocol/messages.ts';
import { pushVersionFor, sealPush } from '../../../protocol/push.ts';
import { respondBytes } from '../../../protocol/signed-bytes.ts';
import { toB64u } from '../../../protocol/encoding.ts';
import { compareVersions } from '../../../protocol/version.ts';
import { actorOf, audit, systemActor } from '../monitoring/audit.ts';
import { newId, randomNumber, utcMinute, type Deps } from '../deps.ts';
import { verifyDeviceSignature } from './device-keys.ts';
import { getAuthenticatorPolicy, mayAnswer, type AuthenticatorPolicy } from '../policies/policy.ts';
import type { Challenge, ChallengeStatus, Device, User } from '../types.ts';
import { assertCanSignIn, recordPushFailure, resetPushFailures } from '../users/users.ts';
import { checkPushFatigue, getMonitoringPolicy, raiseAlert, storeChallenge } from '../monitoring/monitoring.ts';
import { notifyUser } from '../methods/registration.ts';
import { factorChanged } from '../signin/other-sessions.ts';
import { traceAnswer, traceDelivery, tracePushes } from '../monitoring/protocol-trace.ts';
import { recording } from '../unit-of-work.ts';

export interface RequestContext {
  app: string;
  ip: string;
  location: string;
  /** "Chrome 156 on Linux", as the push shows it. */
  browser: string;
  /** The two halves of `browser`, for the sign-in log's columns. */
  browserName?: string;
  os?: string;
}

/** Signed fields may not hold newlines; a browser's user agent is outside our control. */
const oneLine = (s: string, max: number) => s.replace(/[\p{Cc}]/gu, ' ').slice(0, max);

/**
 * The signed push for one device, in the version it reads: v2 (the context signed whole, so it
 * can grow) when it announced push_canonical, else v1. The number is never part of it.
 */
export function buildPush(d: Deps, c: Challenge, device: Pick<Device, 'id' | 'capabilities'>, policy: AuthenticatorPolicy): PushRequest {
  const shows = promptOf(policy, c.kind);
  const context: Context = {
    ip: shows.location ? c.ip : '',
    location: shows.location ? c.location : '',
    browser: c.browser,
    time: c.createdAt,
  };
  const content: PushContent = {
    deviceId: device.id,
    challengeId: c.id,
    nonce: c.nonce,
    kind: c.kind,
    app: shows.application ? c.app : '',
    context,
    expiresAt: c.expiresAt,
    ...(shows.appLock ? { appLock: 'required' as const } : {}),
    // The sign-in's correlation id, which the extension shows beside the server's logs.
    ...(c.flowId ? { correlationId: c.flowId } : {}),
  };
  return sealPush(d.origin, content, pushVersionFor(device.capabilities), (bytes) => d.serverKey.sign(bytes));
}

/** What a push of this kind shows and asks for under the policy: buildPush follows it, the policy what-if shows it. */
export function promptOf(policy: AuthenticatorPolicy, kind: RequestKind): { numberLength: number; application: boolean; location: boolean; appLock: boolean; lifetimeSeconds: number } {
  return {
    numberLength: policy.numberLength,
    application: policy.showApplication,
    location: policy.showLocation,
    appLock: needsAppLock(policy, kind),
    lifetimeSeconds: policy.requestLifetimeSeconds,
  };
}

/** Whether `s` can be a request's number under this policy: exactly its number of digits. */
export const isRequestNumber = (policy: Pick<AuthenticatorPolicy, 'numberLength'>, s: string): boolean => s.length === policy.numberLength && /^[0-9]+$/.test(s);

/**
 * The bytes a device's answer to this stored request is signed over: our stored origin, id and
 * nonce (never the answer's own copies), and the device's decision, number and claims.
 */
export function answerBytes(d: Pick<Deps, 'origin'>, c: Pick<Challenge, 'id' | 'nonce'>, r: DeviceResponse): Uint8Array {
  return respondBytes({
    origin: d.origin,
    challengeId: c.id,
    nonce: c.nonce,
    decision: r.decision,
    number: r.number,
    deviceId: r.deviceId,
    clientVersion: r.clientVersion,
    userVerification: r.userVerification,
  });
}

/** Creates a request for `user`, pushes it to every device that may answer it, and returns it (with its number, for the browser). */
export async function createChallenge(
  d: Deps,
  user: User,
  kind: RequestKind,
  ctx: RequestContext,
  opts: {
    flowId?: string | null;
    deviceId?: string | null;
    /** The number to match, chosen by the caller (an app without a browser shows its own); default: a random one. */
    number?: string;
    /** The user's devices, when the caller has just read them. */
    devices?: readonly Device[];
  } = {},
): Promise<Challenge> {
  assertCanSignIn(d, user);
  const signIn = kind === 'mfa' || kind === 'passwordless';
  if (signIn) {
    const paused = pausedRefusal(d, user);
    if (paused) throw paused;
  }
  const policy = await getAuthenticatorPolicy(d.repo);
  if (opts.number !== undefined && !isRequestNumber(policy, opts.number)) throw new TypeError(`createChallenge: opts.number "${opts.number}" is not ${policy.numberLength} digits`);
  const devices = (opts.devices ?? (await d.repo.listUserDevices(user.id))).filter((dev) => (opts.deviceId ? dev.id === opts.deviceId : true) && mayAnswer(policy, dev, kind));
  const refused = devicesRefusal(policy, devices);
  if (refused) {
    // Requests that expired unanswered since the last one count towards push fatigue, whatever becomes of this one.
    if (signIn) await checkPushFatigue(d, user);
    throw refused;
  }
  const now = d.clock.now();
  const challenge: Challenge = {
    id: newId(d),
    userId: user.id,
    deviceId: opts.deviceId ?? null,
    kind,
    nonce: toB64u(d.random.bytes(16)),
    number: opts.number ?? randomNumber(d, policy.numberLength),
    app: oneLine(ctx.app, 128),
    ip: oneLine(ctx.ip, 64),
    location: oneLine(ctx.location, 128),
    browser: oneLine(ctx.browser, 128),
    createdAt: now,
    expiresAt: now + policy.requestLifetimeSeconds * 1000,
    status: 'pending',
    answeredAt: null,
    answeredBy: null,
    flowId: opts.flowId ?? null,
    userVerified: false,
  };
  // passwordless_setup is answered in the popup that asked for it; no prompt window.
  const pushes = kind === 'passwordless_setup' ? [] : devices.map((dev) => buildPush(d, challenge, dev, policy));
  // A sign-in push passes the fatigue rule and the throttle as it is stored, and its trace is stored with it.
  await storeChallenge(d, user, challenge, (tx) => tracePushes(tx, challenge, pushes), { fatigue: signIn });
  const flowId = challenge.flowId ?? undefined;
  for (const request of pushes) d.bus.publish({ type: 'push', deviceId: request.deviceId, request, ...(flowId ? { flowId } : {}) });
  return challenge;
}

/** After "No, it's not me": no sign-in push reaches the user until the pause ends. createChallenge throws it; the policy what-if shows it. */
export function pausedRefusal(d: Deps, user: Pick<User, 'pushPausedUntil'>): PushkeyError | null {
  if (user.pushPausedUntil <= d.clock.now()) return null;
  return new PushkeyError('push_paused', `Sign-in requests to this account's authenticator are paused until ${utcMinute(user.pushPausedUntil)}, after a request was reported as not the user's. Use another method, or ask your helpdesk.`);
}

/** Why none of these devices (the ones that may answer the request) can take it, or null. createChallenge throws it; the policy what-if shows it. */
export function devicesRefusal(policy: AuthenticatorPolicy, devices: Array<Pick<Device, 'capabilities' | 'clientVersion'>>): PushkeyError | null {
  if (devices.length === 0) return new PushkeyError('no_device', 'No authenticator can take this request.');
  // A device the policy would refuse for its version answers only after the person typed the
  // number, and then in vain: refuse now instead, naming both versions.
  if (devices.some((dev) => isUpToDate(policy, dev))) return null;
  const newest = devices.map((dev) => dev.clientVersion).sort(compareVersions).at(-1)!;
  const why = compareVersions(newest, policy.minClientVersion) < 0 ? `is pushkey ${newest}, and your organization requires ${policy.minClientVersion} or later` : 'cannot match numbers';
  return new PushkeyError('client_update_required', `Update required: the authenticator on this account ${why}. Update the pushkey extension, then try again.`, {
    minClientVersion: policy.minClientVersion,
    clientVersion: newest,
  });
}

/** Sign-ins only: My Account's test and the passwordless setup (answered in the popup that asked) prove nothing to an app. */
const needsAppLock = (policy: AuthenticatorPolicy, kind: RequestKind): boolean => policy.requireAppLock && (kind === 'mfa' || kind === 'passwordless');

/** Number matching, and at least the policy's minimum version, as the device last said. */
export const isUpToDate = (policy: AuthenticatorPolicy, dev: Pick<Device, 'capabilities' | 'clientVersion'>): boolean =>
  dev.capabilities.includes('number_match') && compareVersions(dev.clientVersion, policy.minClientVersion) >= 0;

/**
 * Pending requests a device may answer, freshly signed (the signed poll after a wake-up, or
 * the channel as the device connects), each traced as delivered `via` that way.
 */
export async function pendingFor(d: Deps, device: Device, via: 'channel' | 'poll'): Promise<PushRequest[]> {
  const policy = await getAuthenticatorPolicy(d.repo);
  const pending = await d.repo.listPendingForDevice(device, d.clock.now());
  const out: PushRequest[] = [];
  for (const c of pending.filter((c) => mayAnswer(policy, device, c.kind))) {
    const request = buildPush(d, c, device, policy);
    if (c.flowId) {
      d.log.info({ correlationId: c.flowId, challengeId: c.id, deviceId: device.id, via }, 'push delivered');
      await traceDelivery(d, c.flowId, request, via, true);
    }
    out.push(request);
  }
  return out;
}

/** The state a waiting browser sees: pending turns into expired once the time is up. */
export function effectiveStatus(c: Challenge, now: number): ChallengeStatus | 'expired' {
  return c.status === 'pending' && now >= c.expiresAt ? 'expired' : c.status;
}

/** Ends the request with the device's `answer`, which a sign-in's trace keeps, committed with it (`d`: resolveResponse's unit of work). */
async function settle(d: Deps, c: Challenge, status: ChallengeStatus, answer: DeviceResponse, userVerified = false): Promise<void> {
  const now = d.clock.now();
  const deviceId = answer.deviceId;
  const update = { status, answeredAt: now, answeredBy: deviceId, userVerified };
  const consumed = await d.repo.consumeChallenge(c.id, update, now);
  if (consumed) await traceAnswer(d, c, answer, now);
  else {
    // Another response won the race, or time ran out between our checks and the write.
    const current = await d.repo.getChallenge(c.id);
    if (current && effectiveStatus(current, now) === 'expired') throw new PushkeyError('challenge_expired', 'This request has expired.');
    throw new PushkeyError('challenge_consumed', 'This request was already answered.');
  }
  d.bus.publish({ type: 'challenge', challengeId: c.id, status });
  // Other devices of the user that got the same push can close their prompt.
  for (const dev of await d.repo.listUserDevices(c.userId)) {
    if (dev.id !== deviceId) d.bus.publish({ type: 'cancel', deviceId: dev.id, challengeId: c.id });
  }
}

/**
 * Verifies a device's answer against the stored request and consumes it atomically.
 * The signed bytes are rebuilt from the stored challenge, never from echoed fields.
 */
export async function resolveResponse(d: Deps, r: DeviceResponse): Promise<{ outcome: 'approved' | 'denied' | 'reported'; challenge: Challenge; device: Device }> {
  const now = d.clock.now();
  const c = await d.repo.getChallenge(r.challengeId);
  // The request exists.
  if (!c) throw new PushkeyError('challenge_unknown', 'No such request.');
  const device = await d.repo.getDevice(r.deviceId);
  // The device exists, belongs to the request's user and, for a targeted request, is the target.
  if (!device || device.userId !== c.userId || (c.deviceId !== null && c.deviceId !== device.id)) {
    throw new PushkeyError('challenge_unknown', 'No such request for this device.');
  }
  if (!verifyDeviceSignature(device, answerBytes(d, c, r), r.signature)) throw new PushkeyError('signature_invalid', 'The response signature does not verify.');
  // A revoked device answers nothing.
  if (device.revokedAt !== null) throw new PushkeyError('device_revoked', 'This authenticator was removed from the account.');
  // Answered already (replays land here) or out of time.
  if (effectiveStatus(c, now) === 'expired') throw new PushkeyError('challenge_expired', 'This request has expired.');
  if (c.status !== 'pending') throw new PushkeyError('challenge_consumed', 'This request was already answered.');
  const policy = await getAuthenticatorPolicy(d.repo);
  // One unit of work from here: the device's use, the request consumed (once: a conditional
  // write) with its trace, and what the answer leads to. A refusal on the way still commits
  // what came before it (the device's use, a wrong number counted towards the lockout).
  return recording(d, (tx) => answered(tx, c, device, policy, r));
}

async function answered(d: Deps, c: Challenge, device: Device, policy: AuthenticatorPolicy, r: DeviceResponse): ReturnType<typeof resolveResponse> {
  const now = d.clock.now();
  await d.repo.updateDevice(device.id, { lastUsedAt: now, clientVersion: r.clientVersion, capabilities: r.capabilities });
  // Refusing is always safe: a deny or a report is honoured whatever the client's version,
  // or the policy now says (a report still cancels the other requests and raises the alert).
  if (r.decision === 'approve') {
    // The policy still lets this device answer this kind (mode or passwordless may have changed since the push).
    if (!mayAnswer(policy, device, c.kind)) throw new PushkeyError('method_not_allowed', 'This authenticator may not answer this request.');
    // Old clients that cannot number-match, or below the minimum version, are refused (and the browser is told).
    if (!isUpToDate(policy, r)) {
      await settle(d, c, 'update_required', r);
      throw new PushkeyError('client_update_required', `Update required: this server needs authenticator version ${policy.minClientVersion} or later.`, {
        minClientVersion: policy.minClientVersion,
      });
    }
    // Possession alone does not approve where the policy asks for the app lock; the request stays open for an answer with it.
    if (needsAppLock(policy, c.kind) && r.userVerification !== 'pin') {
      throw new PushkeyError('app_lock_required', 'Your organization asks for the app lock before you approve: set a PIN in the pushkey extension, then approve.');
    }
  }
  if (r.decision === 'deny') {
    await settle(d, c, 'denied', r);
    const user = await d.repo.getUser(c.userId);
    if (user) await checkPushFatigue(d, user);
    return { outcome: 'denied', challenge: c, device };
  }
  if (r.decision === 'report') {
    await settle(d, c, 'reported', r);
    await reportFraud(d, c, device);
    return { outcome: 'reported', challenge: c, device };
  }
  // The typed number matches the one the browser showed.
  if (r.number !== c.number) {
    await settle(d, c, 'number_mismatch', r);
    // Only sign-in requests count towards the lockout: a slip in My Account's test or setup is no attack.
    const signInKind = c.kind === 'mfa' || c.kind === 'passwordless';
    const locked = signInKind && (await recordPushFailure(d, c.userId, policy.maxNumberFailures));
    const user = await d.repo.getUser(c.userId);
    if (locked && user) await raiseAlert(d, 'lockout', user, `Locked out after ${policy.maxNumberFailures} wrong numbers in a row`);
    throw new PushkeyError('number_mismatch', "The number you entered didn't match. The request was cancelled.");
  }
  await settle(d, c, 'approved', r, r.userVerification === 'pin');
  const user = await d.repo.getUser(c.userId);
  if (user) await resetPushFailures(d, user);
  if (c.kind === 'passwordless_setup') {
    await d.repo.updateDevice(device.id, { passwordless: true });
    const actor = user ? actorOf(user, '') : systemActor;
    await audit(d, actor, 'device.passwordless_enabled', { type: 'device', id: device.id }, { passwordless: false }, { passwordless: true }, c.id);
    await factorChanged(d, c.userId);
  }
  return { outcome: 'approved', challenge: c, device };
}

/**
 * A device (as it is now stored) stopped being able to answer some of its user's pending
 * requests (passwordless turned off): each one no other device of the user may answer ends now, and its waiting
 * browser is told, instead of waiting for an answer that can only fail.
 */
export async function withdrawUnanswerable(d: Deps, device: Device): Promise<void> {
  const now = d.clock.now();
  const policy = await getAuthenticatorPolicy(d.repo);
  const devices = await d.repo.listUserDevices(device.userId);
  for (const c of await d.repo.listPendingForDevice(device, now)) {
    if (mayAnswer(policy, device, c.kind)) continue;
    d.bus.publish({ type: 'cancel', deviceId: device.id, challengeId: c.id });
    if (!devices.some((dev) => (c.deviceId === null || c.deviceId === dev.id) && mayAnswer(policy, dev, c.kind))) await withdrawRequest(d, c);
  }
}

/**
 * Ends a pending request nobody needs any more (replaced, its sign-in finished another way,
 * its test left): the browser that waits is told, and every device closes its prompt.
 * False when it had already ended.
 */
export async function withdrawRequest(d: Deps, c: Pick<Challenge, 'id' | 'userId'>): Promise<boolean> {
  const now = d.clock.now();
  if (!(await d.repo.consumeChallenge(c.id, { status: 'cancelled', answeredAt: now, answeredBy: null }, now))) return false;
  d.bus.publish({ type: 'challenge', challengeId: c.id, status: 'cancelled' });
  for (const dev of await d.repo.listUserDevices(c.userId)) d.bus.publish({ type: 'cancel', deviceId: dev.id, challengeId: c.id });
  return true;
}

/**
 * The person left My Account's "Let's try it out" (or asked for another) before answering:
 * the test notification ends, and the devices close its prompt. Only the user's own test
 * requests can be withdrawn this way; a sign-in request ends by its own rules.
 */
export async function withdrawTestRequest(d: Deps, user: User, challengeId: string): Promise<void> {
  const c = await d.repo.getChallenge(challengeId);
  if (!c || c.userId !== user.id || c.kind !== 'test') throw new PushkeyError('not_found', 'No such test notification.');
  await withdrawRequest(d, c);
}

/**
 * "No, it's not me": cancel every other pending request of the user, raise an alert, pause
 * pushes to the user for the time the monitoring policy sets (the next push would otherwise
 * come at once: whoever has the password just tries again), mark the user at risk until an
 * admin clears it, and tell the user.
 */
async function reportFraud(d: Deps, c: Challenge, device: Device): Promise<void> {
  const now = d.clock.now();
  const cancelled = await d.repo.cancelPendingForUser(c.userId, now);
  const devices = await d.repo.listUserDevices(c.userId);
  for (const other of cancelled) {
    d.bus.publish({ type: 'challenge', challengeId: other.id, status: 'cancelled' });
    for (const dev of devices) d.bus.publish({ type: 'cancel', deviceId: dev.id, challengeId: other.id });
  }
  const user = await d.repo.getUser(c.userId);
  if (!user) return;
  const detail = `Reported as not me on ${device.name}: ${c.kind} request from ${c.ip || 'unknown IP'} (${c.browser || 'unknown browser'})`;
  const { reportPauseMinutes } = await getMonitoringPolicy(d.repo);
  const pausedUntil = now + reportPauseMinutes * 60_000;
  await d.repo.updateUser(user.id, { risk: user.risk ?? { since: now, detail }, pushPausedUntil: Math.max(user.pushPausedUntil, pausedUntil) });
  await raiseAlert(d, 'report', user, detail);
  const paused = reportPauseMinutes > 0 ? ` Sign-in requests to your authenticator are paused for ${reportPauseMinutes} minutes.` : '';
  await notifyUser(d, actorOf(user, ''), user, `You reported a sign-in request as not yours (from ${c.ip || 'an unknown IP address'}).${paused} Someone may know your password: change it in My Account, and tell your administrator. This was reported`);
  await checkPushFatigue(d, user);
}
