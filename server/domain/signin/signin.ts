// A browser's sign-in: start with a user name, then password (and push MFA where the
// policy wants it), passwordless with the app, or a Temporary Access Pass (the first step
// when the user has a usable one: method-order.ts). The flow is
// bound to the browser that started it by a secret cookie; only that browser gets the session.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { ChallengeView, FlowStatus, SignInMethod } from '../../../protocol/http/signin.ts';
import type { DeviceResponse } from '../../../protocol/messages.ts';
import { createChallenge, effectiveStatus, resolveResponse, withdrawRequest, type RequestContext } from '../authenticator/challenges.ts';
import { hashSecret, newId, newSecret, type Deps } from '../deps.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import { createSession } from './sessions.ts';
import { atomically, recording } from '../unit-of-work.ts';
import { ACR, assuranceOf, meetsAcr } from '../apps/assurance.ts';
import { hasUsableTap, redeemTap } from '../methods/tap.ts';
import type { Challenge, Device, Flow, User } from '../types.ts';
import { beginSignIn, endAbandoned, logStep, type StepInput } from '../monitoring/signin-log.ts';
import { checkNewPlace, checkPushFatigue } from '../monitoring/monitoring.ts';
import { assertCanSignIn, assertGuesserNotLocked, checkSignInPassword, guesserOf } from '../users/users.ts';
import { extraSignInMethods, getDefaultMethod, orderSignInMethods, secondFactorsFor, type SecondFactor } from './method-order.ts';
import { getTapPolicy } from '../policies/policy.ts';
import { getPasskeyPolicy, getSmsPolicy } from '../methods/method-policy.ts';

export type { ChallengeView, FlowStatus, SignInMethod } from '../../../protocol/http/signin.ts';
const challengeView = (c: Challenge): ChallengeView => ({ challengeId: c.id, number: c.number, expiresAt: c.expiresAt });

/** What a step returns to the browser. `session` is set only when the browser is signed in. */
export type StepResult =
  | { status: 'signed_in'; session: string }
  /** `secondFactors`: every second factor the user may use instead of the push, in order (for "I can't use my Authenticator app"). */
  | { status: 'mfa_required'; challenge: ChallengeView; secondFactors?: SecondFactor[]; tapUsable?: boolean }
  | { status: 'pending'; challenge: ChallengeView }
  /** The password was right; one of these (ordered, the preferred first) must follow. `tapUsable`: the user holds a pass that can still be redeemed. `pushRefused`: why the push, which would have come first, cannot go out. */
  | { status: 'second_factor'; methods: SecondFactor[]; tapUsable?: boolean; pushRefused?: { error: string; message: string } };

/**
 * What this user can sign in with, ordered (TAP first, the user's default next). Never told
 * to whoever types the name: the user-name step answers `offeredMethods` for every name.
 */
export async function userSignInMethods(d: Deps, user: User | null, requiredAcr: string | null = null): Promise<SignInMethod[]> {
  if (!user || user.disabled) return ['password'];
  const policy = await getAuthenticatorPolicy(d.repo);
  const rights = authenticatorRights(policy, user, await d.repo.listUserDevices(user.id));
  const methods: SignInMethod[] = ['password'];
  if (rights.passwordless) methods.push('passwordless');
  if (await hasUsableTap(d, user.id)) methods.push('tap');
  methods.push(...(await extraSignInMethods(d, user)));
  return orderSignInMethods(forAcr(methods, requiredAcr, policy.requireAppLock), await getDefaultMethod(d, user.id));
}

/**
 * The ways in the tenant's policies turn on, the same for every user name, known or not:
 * the user-name step lists no account's methods (OWASP ASVS 5.0 V6.3.8). A way the account
 * does not have then fails as it would for a name with no account; the user's own methods
 * are named only after the password (the second factors).
 */
export async function offeredMethods(d: Deps, requiredAcr: string | null): Promise<SignInMethod[]> {
  const [app, tap, passkey, sms] = await Promise.all([getAuthenticatorPolicy(d.repo), getTapPolicy(d.repo), getPasskeyPolicy(d.repo), getSmsPolicy(d.repo)]);
  const methods: SignInMethod[] = ['password'];
  if (app.enabled && app.mode !== 'push') methods.push('passwordless');
  if (tap.enabled) methods.push('tap');
  if (passkey.enabled) methods.push('passkey');
  if (sms.enabled && sms.useForSignIn) methods.push('sms');
  return orderSignInMethods(forAcr(methods, requiredAcr, app.requireAppLock), null);
}

/**
 * An app that asked for more than one factor is not offered a way in that is one factor alone.
 * Passwordless is two factors when the policy requires the app lock (possession of the key and
 * the PIN that opens it); the answer must still carry the PIN's proof (assertMeetsRequirement).
 */
const forAcr = (methods: SignInMethod[], requiredAcr: string | null, appLockRequired: boolean): SignInMethod[] =>
  requiredAcr && !meetsAcr(ACR.sfa, [requiredAcr]) ? methods.filter((m) => !SINGLE_FACTOR_ALONE.has(m) || (m === 'passwordless' && appLockRequired && requiredAcr === ACR.mfa)) : methods;

/** Ways in that are one factor however they end (a passkey may add user verification; the password may be followed by a second factor; the app lock may open the authenticator). */
const SINGLE_FACTOR_ALONE = new Set<SignInMethod>(['passwordless', 'tap', 'sms']);

/** Whether a sign-in by these methods reaches the level the app asked for (none asked: any does). */
export const meetsRequirement = (requiredAcr: string | null, methods: readonly string[]): boolean => !requiredAcr || meetsAcr(assuranceOf(methods).acr, [requiredAcr]);

/** The app this sign-in is for asked for an authentication level these methods do not reach: no silent downgrade. */
export function assertMeetsRequirement(flow: Pick<Flow, 'requiredAcr' | 'app'>, methods: readonly string[]): void {
  if (meetsRequirement(flow.requiredAcr, methods)) return;
  const what = flow.requiredAcr === ACR.phr ? 'a passkey, with your password or with the passkey’s own PIN or biometric' : 'two factors (your password and a second method)';
  throw new PushkeyError('step_up_required', `${flow.app} asks for a stronger sign-in: ${what}.`);
}

/**
 * A one-factor way in asked for by a sign-in whose app wants more is refused before it sends
 * or spends anything: no push goes out, no pass is used up, no code is texted, for a sign-in
 * that could only end in step_up_required.
 */
export async function assertWayReachesRequirement(d: Deps, flow: Pick<Flow, 'requiredAcr' | 'app'>, way: SignInMethod): Promise<void> {
  if (!flow.requiredAcr) return;
  const { requireAppLock } = await getAuthenticatorPolicy(d.repo);
  if (forAcr([way], flow.requiredAcr, requireAppLock).length === 0) assertMeetsRequirement(flow, []);
}

/** `methods`: the ways in the tenant offers, ordered, the same whoever the name names (offeredMethods); the page asks for the password first. */
export async function startFlow(
  d: Deps,
  upn: string,
  ctx: RequestContext,
  /** The authentication level the app asked for (acr_values), which every way in must reach. */
  requiredAcr: string | null = null,
): Promise<{ flowId: string; secret: string; upn: string; methods: SignInMethod[] }> {
  const user = await d.repo.getUserByUpn(upn);
  const now = d.clock.now();
  const secret = newSecret(d);
  const flow: Flow = {
    id: newId(d),
    secretHash: hashSecret(secret),
    userId: user?.id ?? null,
    upn,
    state: 'identified',
    createdAt: now,
    expiresAt: now + d.limits.flowLifetimeMs,
    challengeId: null,
    methods: [],
    completedAt: null,
    ip: ctx.ip,
    browser: ctx.browser,
    app: ctx.app,
    requiredAcr,
  };
  // The flow and its sign-in log entry: one unit of work.
  await atomically(d, async (tx) => {
    await tx.repo.createFlow(flow);
    await beginSignIn(tx, flow, ctx);
  });
  return { flowId: flow.id, secret, upn, methods: await offeredMethods(d, requiredAcr) };
}

/** The flow, if it exists, is unexpired, unfinished, and this browser holds its secret. */
export async function requireFlow(d: Deps, flowId: string, secret: string | undefined): Promise<Flow> {
  const flow = await d.repo.getFlow(flowId);
  // Found expired: its attempt, if still in progress, ends in the log now as abandoned.
  if (flow && d.clock.now() >= flow.expiresAt) await endAbandoned(d, flow.id);
  if (!flow || !secret || flow.secretHash !== hashSecret(secret) || d.clock.now() >= flow.expiresAt) {
    throw new PushkeyError('flow_invalid', 'This sign-in has expired or belongs to another browser. Start again.');
  }
  return flow;
}

/** Runs a step; a PushkeyError it throws is logged as the attempt's failure, then rethrown. */
export async function step<T>(d: Deps, flow: Flow, method: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof PushkeyError) await logStep(d, flow.id, { method, detail: err.code, result: 'failure' }, { result: 'failure', failureCode: err.code });
    throw err;
  }
}

export async function finish(d: Deps, flow: Flow, user: User, methods: string[], last: StepInput): Promise<StepResult> {
  assertMeetsRequirement(flow, methods);
  // One unit of work: the flow completed, the session, the log entry and the new-place check
  // all commit, or none does, so a failure on the way (the database gone) leaves the flow open
  // for the browser's retry, never completed with a session whose cookie nobody got. Nothing
  // that can fail runs after the commit: the answer carrying the cookie would fail with it.
  const session = await atomically(d, async (tx) => {
    if (!(await tx.repo.completeFlow(flow.id, tx.clock.now()))) throw new PushkeyError('flow_invalid', 'This sign-in was already completed.');
    // Finished another way (a pass, a code, a passkey): the push it also sent is no longer needed.
    if (flow.challengeId && flow.challengeId !== last.challengeId) await withdrawRequest(tx, { id: flow.challengeId, userId: user.id });
    const session = await createSession(tx, user, methods, { ip: flow.ip, browser: flow.browser });
    const entry = await logStep(tx, flow.id, last, { result: 'success', proven: methods });
    if (entry) await checkNewPlace(tx, user, entry.id, entry.ip, entry.location);
    return session;
  });
  return { status: 'signed_in', session };
}

const methodOf = (kind: Challenge['kind']) => (kind === 'mfa' ? 'authenticator' : 'passwordless');
const STEP_DETAIL: Record<string, string> = {
  denied: 'denied in the app',
  reported: "reported as not me",
  number_mismatch: 'wrong number',
  expired: 'no answer before the request expired',
  update_required: 'authenticator app too old',
  cancelled: 'request cancelled',
};

export async function flowUser(d: Deps, flow: Flow): Promise<User | null> {
  return flow.userId ? d.repo.getUser(flow.userId) : null;
}

/**
 * A new request for the flow, in the unit of work `d` (a step's, which `recording` runs: a
 * refusal still commits the request it replaced and the step's log). `devices`: the user's,
 * when the step has just read them.
 */
async function pushFor(d: Deps, flow: Flow, user: User, kind: 'mfa' | 'passwordless', ctx: RequestContext, devices?: readonly Device[]): Promise<Challenge> {
  // "Send another request" replaces the previous one.
  if (flow.challengeId) await withdrawRequest(d, { id: flow.challengeId, userId: user.id });
  // The app is the one the sign-in started for (an app signing in through OpenID Connect names itself).
  const challenge = await createChallenge(d, user, kind, { ...ctx, app: flow.app }, { flowId: flow.id, devices });
  await d.repo.updateFlow(flow.id, { challengeId: challenge.id, state: 'awaiting_push' });
  // A new request reopens an attempt whose previous request failed.
  await logStep(d, flow.id, { method: methodOf(kind), detail: 'request sent', result: 'pending', challengeId: challenge.id }, { result: 'in_progress' });
  return challenge;
}

/**
 * What must follow this user's right password, ordered (the preferred first; the push goes out
 * at once when it is first). Empty: the password alone signs in. signInWithPassword runs it; the
 * policy what-if shows it.
 */
export async function secondFactorsAfterPassword(d: Deps, user: User, requiredAcr: string | null): Promise<SecondFactor[]> {
  const policy = await getAuthenticatorPolicy(d.repo);
  const pushMfa = authenticatorRights(policy, user, await d.repo.listUserDevices(user.id)).pushMfa;
  // Only a passkey makes the sign-in phishing-resistant: an app that asked for that is offered nothing else.
  return (await secondFactorsFor(d, user, pushMfa)).filter((m) => !onlyPasskeyAfterPassword(requiredAcr) || m === 'passkey');
}

/** An app that asked for a phishing-resistant sign-in: after the password, only a passkey. */
export const onlyPasskeyAfterPassword = (requiredAcr: string | null): boolean => requiredAcr === ACR.phr;

/** The password is proven: the person may now learn that a pass of theirs is waiting (the way back when the app is lost), unless the app asked for more than one factor. */
export async function tapUsableAfterPassword(d: Deps, user: User, requiredAcr: string | null): Promise<boolean> {
  return (!requiredAcr || meetsAcr(ACR.sfa, [requiredAcr])) && (await hasUsableTap(d, user.id));
}

/** Why a push cannot go out that leaves the password's other second factors standing (a lockout or a disabled account leaves none). */
const PUSH_REFUSALS = new Set(['push_paused', 'client_update_required', 'no_device', 'rate_limited']);
export const isPushRefusal = (err: unknown): err is PushkeyError => err instanceof PushkeyError && PUSH_REFUSALS.has(err.code);

export async function signInWithPassword(d: Deps, flowId: string, secret: string | undefined, password: string, ctx: RequestContext): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'password', async () => {
    const user = await checkSignInPassword(d, guesserOf(await flowUser(d, flow), flow.upn), password);
    const verified: StepInput = { method: 'password', detail: 'password verified', result: 'success' };
    const second = await secondFactorsAfterPassword(d, user, flow.requiredAcr);
    if (second.length === 0) assertMeetsRequirement(flow, ['password']);
    if (second.length > 0) {
      const tapUsable = await tapUsableAfterPassword(d, user, flow.requiredAcr);
      // The password step's writes are one unit of work; a refused push still leaves the password proven (recording).
      let challenge: Challenge | null;
      try {
        challenge = await recording(d, async (tx) => {
          await logStep(tx, flow.id, verified);
          await tx.repo.updateFlow(flow.id, { methods: ['password'] });
          // A passkey or an SMS code is preferred over the push: the browser asks for it next.
          return second[0] === 'authenticator' ? pushFor(tx, { ...flow, methods: ['password'] }, user, 'mfa', ctx) : null;
        });
      } catch (err) {
        // The push cannot go out now: another second factor the user holds, or a pass, stands in, and the page says why.
        const others = second.filter((m) => m !== 'authenticator');
        if (!isPushRefusal(err) || (others.length === 0 && !tapUsable)) throw err;
        await logStep(d, flow.id, { method: 'authenticator', detail: err.code, result: 'failure' });
        return { status: 'second_factor', methods: others, tapUsable, pushRefused: { error: err.code, message: err.message } };
      }
      if (!challenge) return { status: 'second_factor', methods: second, tapUsable };
      return { status: 'mfa_required', challenge: challengeView(challenge), secondFactors: second, tapUsable };
    }
    return finish(d, flow, user, ['password'], verified);
  });
}

export async function signInWithApp(d: Deps, flowId: string, secret: string | undefined, ctx: RequestContext): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'passwordless', async () => {
    const user = await flowUser(d, flow);
    // A name with no account, a disabled account and one with no passwordless device answer
    // alike (locked, or not available): no secret has been proved yet.
    await assertGuesserNotLocked(d, guesserOf(user, flow.upn));
    await assertWayReachesRequirement(d, flow, 'passwordless');
    const policy = await getAuthenticatorPolicy(d.repo);
    const devices = user ? await d.repo.listUserDevices(user.id) : [];
    if (!user || user.disabled || !authenticatorRights(policy, user, devices).passwordless) {
      throw new PushkeyError('method_not_allowed', 'Passwordless sign-in is not available for this account.');
    }
    const challenge = await recording(d, (tx) => pushFor(tx, flow, user, 'passwordless', ctx, devices));
    return { status: 'pending', challenge: challengeView(challenge) };
  });
}

/** "Send another request" after a push MFA that failed or timed out. */
export async function resendPush(d: Deps, flowId: string, secret: string | undefined, ctx: RequestContext): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  if (!flow.methods.includes('password')) return signInWithApp(d, flowId, secret, ctx);
  return step(d, flow, 'authenticator', async () => {
    const user = await flowUser(d, flow);
    if (!user) throw new PushkeyError('flow_invalid', 'Start again.');
    return { status: 'mfa_required', challenge: challengeView(await recording(d, (tx) => pushFor(tx, flow, user, 'mfa', ctx))) };
  });
}

export async function signInWithTap(d: Deps, flowId: string, secret: string | undefined, pass: string): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'tap', async () => {
    await assertWayReachesRequirement(d, flow, 'tap');
    const user = await redeemTap(d, guesserOf(await flowUser(d, flow), flow.upn), pass, { flowId: flow.id, ip: flow.ip });
    return finish(d, flow, user, ['tap'], { method: 'tap', detail: 'pass accepted', result: 'success' });
  });
}

/**
 * What the browser that started the flow sees of its request. On approval it gets the
 * session (exactly once: completeFlow is a conditional write).
 */
export async function flowStatus(d: Deps, flowId: string, secret: string | undefined): Promise<{ status: FlowStatus; session?: string; challengeId?: string; expiresAt?: number }> {
  const flow = await requireFlow(d, flowId, secret).catch(async (err: unknown) => {
    // A completed flow still answers its own browser "signed_in" (a repeated poll), without a new session.
    const f = await d.repo.getFlow(flowId);
    if (f?.completedAt && secret && f.secretHash === hashSecret(secret)) return f;
    throw err;
  });
  if (flow.completedAt) return { status: 'signed_in' };
  if (!flow.challengeId) return { status: 'pending' };
  const c = await d.repo.getChallenge(flow.challengeId);
  if (!c) return { status: 'pending' };
  const status = effectiveStatus(c, d.clock.now());
  const base = { challengeId: c.id };
  if (status === 'pending') return { status: 'pending', ...base, expiresAt: c.expiresAt };
  if (status === 'approved') {
    const user = await flowUser(d, flow);
    if (!user) throw new PushkeyError('flow_invalid', 'Start again.');
    // An account locked or disabled since the request was sent is not signed in by its approval.
    if (user.disabled || user.lockedUntil > d.clock.now()) {
      const code = user.disabled ? 'user_disabled' : 'locked_out';
      await logStep(d, flow.id, { method: methodOf(c.kind), detail: code, result: 'failure', challengeId: c.id }, { result: 'failure', failureCode: code });
      assertCanSignIn(d, user);
    }
    const methods = [...(c.kind === 'mfa' ? ['password', 'authenticator'] : ['passwordless']), ...(c.userVerified ? ['app_lock'] : [])];
    try {
      const done = await finish(d, flow, user, methods, { method: methodOf(c.kind), detail: 'number matched', result: 'success', challengeId: c.id });
      return { status: 'signed_in', session: done.status === 'signed_in' ? done.session : undefined, ...base };
    } catch (err) {
      // A concurrent poll of the same browser completed the flow first: it holds the session.
      if (err instanceof PushkeyError && err.code === 'flow_invalid') return { status: 'signed_in', ...base };
      throw err;
    }
  }
  const failure: Record<Exclude<typeof status, 'pending' | 'approved'>, FlowStatus> = {
    denied: 'denied',
    reported: 'reported',
    number_mismatch: 'number_mismatch',
    expired: 'expired',
    update_required: 'update_required',
    cancelled: 'cancelled',
  };
  await logFailedRequest(d, c, status);
  return { status: failure[status], ...base };
}

/** Ends the sign-in log entry of a request that failed (once: a later call finds it ended). */
async function logFailedRequest(d: Deps, c: Challenge, status: string): Promise<void> {
  if (!c.flowId) return;
  const entry = await d.repo.getSignIn(c.flowId);
  if (entry?.result !== 'in_progress') return;
  await logStep(d, c.flowId, { method: methodOf(c.kind), detail: STEP_DETAIL[status] ?? status, result: 'failure', challengeId: c.id }, { result: 'failure', failureCode: status });
  const user = await d.repo.getUser(c.userId);
  if (user && (status === 'denied' || status === 'reported' || status === 'expired')) await checkPushFatigue(d, user);
}

/**
 * Ends, in the sign-in log, the attempts whose request ran out of time with nobody asking
 * (a script that never polls, a closed tab), so none stays "in progress" and push fatigue
 * counts them; then those whose whole flow expired unfinished, as abandoned. main.ts runs
 * it every 30 s; it is idempotent and bounded per run.
 */
export async function sweepExpiredRequests(d: Deps, limit = 500): Promise<number> {
  const expired = await d.repo.expirePending(d.clock.now(), limit);
  for (const c of expired) {
    d.bus.publish({ type: 'challenge', challengeId: c.id, status: 'expired' });
    await logFailedRequest(d, c, 'expired');
  }
  await endAbandoned(d);
  return expired.length;
}

/**
 * A device's answer to a request. A sign-in request it refuses (denied, reported, wrong
 * number, app too old) ends the attempt in the sign-in log at once, not only when the
 * browser next asks: a push-bombing script that never polls still leaves each failure and
 * its reason in the log.
 */
export async function resolveSignInResponse(
  d: Deps,
  r: DeviceResponse,
  /** Told the sign-in the request belongs to, answered or not (for the log line's correlation id). */
  seen: (flowId: string) => void = () => {},
): ReturnType<typeof resolveResponse> {
  let result: Awaited<ReturnType<typeof resolveResponse>>;
  try {
    result = await resolveResponse(d, r);
  } catch (err) {
    // Refused: whatever became of the request (ended by this answer, by another, or not at all) is read back.
    const c = await d.repo.getChallenge(r.challengeId);
    if (c?.flowId) seen(c.flowId);
    const status = c && effectiveStatus(c, d.clock.now());
    if (c && status !== 'pending' && status !== 'approved') await logFailedRequest(d, c, status!);
    throw err;
  }
  // Answered: the request ended as the answer said.
  if (result.challenge.flowId) seen(result.challenge.flowId);
  if (result.outcome !== 'approved') await logFailedRequest(d, result.challenge, result.outcome);
  return result;
}
