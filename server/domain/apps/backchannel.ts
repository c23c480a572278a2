// Sign-ins an app asks for without a browser (OpenID Connect CIBA, poll mode): the app names
// the user and shows a number; the user's authenticator gets a passwordless push carrying the
// app's name, and the person types that number. The attempt is a flow of its own (no browser
// holds its secret, and it makes no pushkey session), so it is in the sign-in log under the
// app's name like every other sign-in.
//
// startBackchannelSignIn (the app asks) → the device answers (resolveSignInResponse) →
// settleBackchannelSignIn (once: the app's poll is answered from it) ; pollBackchannel
// keeps the app to its polling interval.
import * as v from 'valibot';
import { PushkeyError } from '../../../protocol/errors.ts';
import { createChallenge, effectiveStatus, isRequestNumber, type RequestContext } from '../authenticator/challenges.ts';
import { hashSecret, newId, newSecret, type Deps } from '../deps.ts';
import { beginSignIn, logStep } from '../monitoring/signin-log.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import type { App, Challenge, Flow, OidcRecord, User } from '../types.ts';
import { atomically } from '../unit-of-work.ts';
import { checkNewPlace } from '../monitoring/monitoring.ts';
import { assertCanSignIn } from '../users/users.ts';
import { assuranceOf, type Assurance } from './assurance.ts';
import { mayUseApp } from './apps.ts';

/**
 * The record linking the provider's request (auth_req_id) to our flow and push, kept beside the
 * provider's own records (found by the push as their uid; consumed once, when it is settled).
 * Not one of the provider's models: no adapter of the provider reads this kind.
 */
export const BACKCHANNEL_KIND = 'PushkeyBackchannelSignIn';
/** When the app last polled, and the interval it must keep. */
const POLL_KIND = 'PushkeyBackchannelPoll';
const Poll = v.object({
  at: v.nullable(v.number()),
  /** Seconds the app must wait between polls (RFC 8628 §3.5: grows by 5 with each slow_down). */
  intervalS: v.number(),
});
type Poll = v.InferOutput<typeof Poll>;

const Link = v.object({
  appId: v.string(),
  userId: v.string(),
  flowId: v.string(),
  challengeId: v.string(),
  /** Seconds the app was told to wait between polls. */
  intervalS: v.number(),
});
type Link = v.InferOutput<typeof Link>;

/** A stored record read back: one that is not what this module wrote is a fault of storage, not of the request. */
function stored<T extends v.GenericSchema>(schema: T, r: OidcRecord): v.InferOutput<T> {
  const parsed = v.safeParse(schema, r.payload);
  if (!parsed.success) throw new TypeError(`Stored ${r.kind} ${r.id} is not as written: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

/** Long enough past the push's expiry for the app's last polls to be answered from it. */
const KEEP_MS = 10 * 60_000;

export type BackchannelOutcome =
  | { result: 'approved'; userId: string; at: number; assurance: Assurance }
  | { result: 'denied' | 'expired'; description: string };

/** The rule for binding_message: exactly the number of digits the policy's requests have. Null when it holds, else what is wrong. */
export async function bindingMessageProblem(d: Deps, bindingMessage: string | undefined): Promise<string | null> {
  const policy = await getAuthenticatorPolicy(d.repo);
  if (bindingMessage !== undefined && isRequestNumber(policy, bindingMessage)) return null;
  return `binding_message must be the ${policy.numberLength}-digit number the app shows the user (the number they type on their authenticator); got ${bindingMessage === undefined ? 'none' : `"${bindingMessage.slice(0, 40)}"`}`;
}

/**
 * Why this user cannot be asked through this app, or null when they can: the app admits them,
 * the account may sign in, and an authenticator of theirs takes passwordless requests. The app
 * is told none of this (each answers the same: unknown_user_id); the sign-in log keeps it.
 */
export async function backchannelRefusal(d: Deps, app: App, user: User): Promise<PushkeyError | null> {
  if (!app.backchannel) return new PushkeyError('method_not_allowed', 'This app may not ask for sign-ins without a browser.');
  if (!mayUseApp(app, user)) return new PushkeyError('method_not_allowed', 'The app registration does not let this user sign in.');
  try {
    assertCanSignIn(d, user);
  } catch (err) {
    if (err instanceof PushkeyError) return err;
    throw err;
  }
  const policy = await getAuthenticatorPolicy(d.repo);
  if (!authenticatorRights(policy, user, await d.repo.listUserDevices(user.id)).passwordless) {
    return new PushkeyError('no_device', 'No authenticator of this account takes passwordless requests.');
  }
  return null;
}

function newFlow(d: Deps, app: App, user: User, ctx: RequestContext): Flow {
  const now = d.clock.now();
  return {
    id: newId(d),
    // Nobody holds this secret: no browser can take this flow over.
    secretHash: hashSecret(newSecret(d)),
    userId: user.id,
    upn: user.upn,
    state: 'identified',
    createdAt: now,
    expiresAt: now + d.limits.flowLifetimeMs,
    challengeId: null,
    methods: [],
    completedAt: null,
    ip: ctx.ip,
    browser: ctx.browser,
    app: app.name,
    requiredAcr: null,
  };
}

/** An attempt refused before any push (the app does not admit the user, no authenticator…): one failed entry in the sign-in log. */
export async function logRefusedBackchannel(d: Deps, app: App, user: User, ctx: RequestContext, why: PushkeyError): Promise<void> {
  const flow = newFlow(d, app, user, ctx);
  await d.repo.createFlow(flow);
  await beginSignIn(d, flow, { ...ctx, app: app.name });
  const code = why.message.startsWith('The app registration') ? 'app_not_allowed' : why.code;
  await logStep(d, flow.id, { method: 'passwordless', detail: `app without a browser: ${why.message}`, result: 'failure' }, { result: 'failure', failureCode: code });
}

/**
 * The app asked (its request `authReqId` is stored by the provider): a passwordless push to the
 * user's authenticators, with the app's number and name. Throws the refusal (logged) when the
 * user cannot be asked. Answers when the push expires.
 */
export async function startBackchannelSignIn(d: Deps, app: App, user: User, authReqId: string, number: string, ctx: RequestContext): Promise<{ challenge: Challenge; intervalS: number }> {
  const refusal = await backchannelRefusal(d, app, user);
  if (refusal) {
    await logRefusedBackchannel(d, app, user, ctx, refusal);
    throw refusal;
  }
  const flow = newFlow(d, app, user, ctx);
  await d.repo.createFlow(flow);
  await beginSignIn(d, flow, { ...ctx, app: app.name });
  let challenge: Challenge;
  try {
    challenge = await createChallenge(d, user, 'passwordless', { ...ctx, app: app.name }, { flowId: flow.id, number });
  } catch (err) {
    if (err instanceof PushkeyError) await logStep(d, flow.id, { method: 'passwordless', detail: err.code, result: 'failure' }, { result: 'failure', failureCode: err.code });
    throw err;
  }
  await d.repo.updateFlow(flow.id, { challengeId: challenge.id, state: 'awaiting_push' });
  await logStep(d, flow.id, { method: 'passwordless', detail: 'request sent (app without a browser)', result: 'pending', challengeId: challenge.id }, { result: 'in_progress' });
  const intervalS = d.limits.backchannelIntervalS;
  const link: Link = { appId: app.id, userId: user.id, flowId: flow.id, challengeId: challenge.id, intervalS };
  await d.repo.saveOidcRecord({ kind: BACKCHANNEL_KIND, id: authReqId, payload: { ...link }, grantId: null, uid: challenge.id, userCode: null, createdAt: d.clock.now(), expiresAt: challenge.expiresAt + KEEP_MS, consumedAt: null });
  return { challenge, intervalS };
}

const linkOf = (r: OidcRecord): Link => stored(Link, r);

/** The request (auth_req_id) a push was sent for, if it was sent for an app without a browser. */
export async function backchannelRequestOf(d: Deps, challengeId: string): Promise<string | null> {
  return (await d.repo.findOidcRecord(BACKCHANNEL_KIND, { uid: challengeId }, d.clock.now()))?.id ?? null;
}

/**
 * What the device decided, once it has: null while the push is pending, and for every caller
 * but the first once decided (the outcome goes to the provider exactly once, whichever instance
 * heard the answer first). An approval completes the flow and the sign-in log entry.
 */
export async function settleBackchannelSignIn(d: Deps, authReqId: string): Promise<BackchannelOutcome | null> {
  const record = await d.repo.findOidcRecord(BACKCHANNEL_KIND, { id: authReqId }, d.clock.now());
  if (!record || record.consumedAt !== null) return null;
  const link = linkOf(record);
  const c = await d.repo.getChallenge(link.challengeId);
  const status = c ? effectiveStatus(c, d.clock.now()) : 'expired';
  if (status === 'pending') return null;
  if (!(await d.repo.consumeOidcRecord(BACKCHANNEL_KIND, authReqId, d.clock.now()))) return null;
  if (status === 'approved') {
    const user = await d.repo.getUser(link.userId);
    const app = await d.repo.getApp(link.appId);
    // Locked, disabled or no longer admitted since the push went out: the approval signs nobody in.
    const refusal = !user ? 'the account is gone' : user.disabled ? 'user_disabled' : user.lockedUntil > d.clock.now() ? 'locked_out' : !app || !mayUseApp(app, user) ? 'app_not_allowed' : null;
    if (refusal || !user) {
      await endFlow(d, link, c, refusal ?? 'flow_invalid');
      return { result: 'denied', description: 'The user may not sign in to this app now.' };
    }
    // The app lock opened for the approval is the second factor the token may claim.
    const methods = ['passwordless', ...(c?.userVerified ? ['app_lock'] : [])];
    await atomically(d, async (tx) => {
      if (!(await tx.repo.completeFlow(link.flowId, tx.clock.now()))) throw new PushkeyError('flow_invalid', 'This sign-in was already completed.');
      const entry = await logStep(tx, link.flowId, { method: 'passwordless', detail: 'number matched', result: 'success', challengeId: link.challengeId }, { result: 'success', proven: methods });
      if (entry) await checkNewPlace(tx, user, entry.id, entry.ip, entry.location);
    });
    return { result: 'approved', userId: user.id, at: d.clock.now(), assurance: assuranceOf(methods) };
  }
  // Denied, reported, a wrong number, withdrawn: the sign-in log was ended when the device answered.
  if (status === 'expired') {
    await endFlow(d, link, c, 'expired');
    return { result: 'expired', description: 'Nobody approved the sign-in on the authenticator in time.' };
  }
  return { result: 'denied', description: status === 'number_mismatch' ? 'The number typed on the authenticator did not match.' : 'The user did not approve the sign-in.' };
}

/** Ends the attempt's log entry, if it is still in progress (a sweep or the device's answer may have ended it). */
async function endFlow(d: Deps, link: Link, c: Challenge | null, code: string): Promise<void> {
  const entry = await d.repo.getSignIn(link.flowId);
  if (entry?.result !== 'in_progress') return;
  await logStep(d, link.flowId, { method: 'passwordless', detail: code === 'expired' ? 'no answer before the request expired' : code, result: 'failure', ...(c ? { challengeId: c.id } : {}) }, { result: 'failure', failureCode: code });
}

/**
 * One poll of the token endpoint while the sign-in is pending. 'slow_down' when it came sooner
 * than the interval after the previous one; the interval then grows by 5 seconds (RFC 8628
 * §3.5, which CIBA §11 refers to). The poll time is kept either way, in a record of its own so
 * that the link, consumed when settled, is never written again.
 */
export async function pollBackchannel(d: Deps, authReqId: string): Promise<'pending' | 'slow_down'> {
  const now = d.clock.now();
  const record = await d.repo.findOidcRecord(BACKCHANNEL_KIND, { id: authReqId }, now);
  if (!record) return 'pending';
  const last = await d.repo.findOidcRecord(POLL_KIND, { id: authReqId }, now);
  const polled: Poll = last ? stored(Poll, last) : { intervalS: linkOf(record).intervalS, at: null };
  const tooSoon = polled.at !== null && now - polled.at < polled.intervalS * 1000;
  const next: Poll = { at: now, intervalS: tooSoon ? polled.intervalS + 5 : polled.intervalS };
  await d.repo.saveOidcRecord({ kind: POLL_KIND, id: authReqId, payload: { ...next }, grantId: null, uid: null, userCode: null, createdAt: record.createdAt, expiresAt: record.expiresAt, consumedAt: null });
  return tooSoon ? 'slow_down' : 'pending';
}
