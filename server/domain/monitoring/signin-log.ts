// The sign-in log: one entry per attempt (a flow), its steps with how long each took,
// the result with a code and a person's reason, and the authentication requirement met.
// The flow id is the correlation id; steps about a push carry the request's id, which
// the extension's history shows too.
import { newId, utcMinute, type Deps } from '../deps.ts';
import type { Flow, Session, SignInChartData, SignInEntry, SignInFilter, SignInStep, User } from '../types.ts';
import type { RequestContext } from '../authenticator/challenges.ts';
import { failureReason } from '../../../protocol/failure-reasons.ts';
import { assuranceOf } from '../apps/assurance.ts';

/**
 * Multifactor exactly when two different factors were shown (apps/assurance.ts, which gives
 * apps the same answer as amr and acr): a password and a push, a passkey that verified its
 * user, the authenticator opened with its app lock. The authenticator alone, a passkey alone,
 * a Temporary Access Pass or an SMS code alone is one factor.
 */
export function requirementOf(methods: readonly string[]): SignInEntry['requirement'] {
  if (methods.length === 0) return 'none';
  return assuranceOf(methods).amr.includes('mfa') ? 'multifactor' : 'single';
}

/** Where an attempt came from, as the log shows it. */
function whereFrom(ctx: RequestContext): Pick<SignInEntry, 'app' | 'ip' | 'location' | 'browser' | 'os'> {
  return { app: ctx.app, ip: ctx.ip, location: ctx.location, browser: ctx.browserName ?? ctx.browser, os: ctx.os ?? '' };
}

export async function beginSignIn(d: Deps, flow: Flow, ctx: RequestContext): Promise<void> {
  await d.repo.upsertSignIn({
    id: flow.id,
    at: flow.createdAt,
    userId: flow.userId,
    upn: flow.upn,
    ...whereFrom(ctx),
    result: 'in_progress',
    expiresAt: flow.expiresAt,
    failureCode: null,
    reason: null,
    requirement: 'none',
    methods: [],
    steps: [],
  });
}

/**
 * An app's sign-in answered without a sign-in of its own: a session the browser already had
 * (single sign-on), or the app's refusal of a user it does not admit. One finished entry under
 * the app's name, with the methods the session proved.
 */
export async function logAppSignIn(d: Deps, user: User, session: Pick<Session, 'methods' | 'createdAt'>, ctx: RequestContext, failureCode: 'app_not_allowed' | null = null): Promise<void> {
  const at = d.clock.now();
  const step: SignInStep = { method: 'session', detail: `single sign-on: signed in ${utcMinute(session.createdAt)}`, result: failureCode ? 'failure' : 'success', at, durationMs: 0 };
  await d.repo.upsertSignIn({
    id: newId(d),
    at,
    userId: user.id,
    upn: user.upn,
    ...whereFrom(ctx),
    result: failureCode ? 'failure' : 'success',
    expiresAt: at,
    failureCode,
    reason: failureCode && failureReason(failureCode),
    requirement: requirementOf(session.methods),
    methods: session.methods,
    steps: [step],
  });
}

export type StepInput = Omit<SignInStep, 'at' | 'durationMs'>;
/** `proven`: on success, every method the session records, proofs within a step included (a passkey's user verification, the app lock). */
export type Ending = { result: 'success'; proven?: readonly string[] } | { result: 'failure'; failureCode: string } | { result: 'in_progress' };

/** Appends a step and, with `end`, sets the attempt's result. */
export async function logStep(d: Deps, flowId: string, step: StepInput, end?: Ending): Promise<SignInEntry | null> {
  const entry = await d.repo.getSignIn(flowId);
  if (!entry) return null;
  const now = d.clock.now();
  const last = entry.steps.at(-1)?.at ?? entry.at;
  const stepped = step.result === 'success' && !entry.methods.includes(step.method) ? [...entry.methods, step.method] : entry.methods;
  const proven = end?.result === 'success' ? (end.proven ?? []) : [];
  const methods = [...stepped, ...proven.filter((m) => !stepped.includes(m))];
  const next: SignInEntry = {
    ...entry,
    steps: [...entry.steps, { ...step, at: now, durationMs: now - last }],
    methods,
    ...(end?.result === 'success' ? { result: 'success', failureCode: null, reason: null, requirement: requirementOf(methods) } : {}),
    ...(end?.result === 'failure' ? { result: 'failure', failureCode: end.failureCode, reason: failureReason(end.failureCode) } : {}),
    ...(end?.result === 'in_progress' ? { result: 'in_progress', failureCode: null, reason: null } : {}),
  };
  await d.repo.upsertSignIn(next);
  return next;
}

const ABANDONED = { failureCode: 'abandoned', reason: failureReason('abandoned') };

/**
 * An attempt still in progress when its flow expires can never finish: it was abandoned.
 * Every read shows it so, even before a write has ended it (at the same instant the flow
 * stops being accepted: requireFlow refuses at expiresAt).
 */
export function asOf(e: SignInEntry, now: number): SignInEntry {
  return e.result === 'in_progress' && now >= e.expiresAt ? { ...e, result: 'failure', ...ABANDONED } : e;
}

/** Ends as abandoned the attempts left in progress past their flow's expiry (only `flowId`'s, when given). */
export async function endAbandoned(d: Deps, flowId?: string): Promise<number> {
  return d.repo.endExpiredSignIns(d.clock.now(), ABANDONED, flowId);
}

/** The log as people read it: abandoned attempts are ended first, so that the filters (a result, the chart) see them ended too. */
export async function listSignIns(d: Deps, filter: SignInFilter): Promise<SignInEntry[]> {
  await endAbandoned(d);
  const now = d.clock.now();
  return (await d.repo.listSignIns(filter)).map((e) => asOf(e, now));
}

export async function getSignIn(d: Deps, id: string): Promise<SignInEntry | null> {
  const entry = await d.repo.getSignIn(id);
  return entry && asOf(entry, d.clock.now());
}

/** How many attempts the chart counts at most (the newest): the database reads this many rows through an index, in a few milliseconds. */
export const CHART_LIMIT = 20_000;

/** The chart's data for a filter: every finished attempt it matches (not only the page of rows shown), newest first. */
export async function signInChart(d: Deps, filter: Omit<SignInFilter, 'limit' | 'offset'>): Promise<SignInChartData> {
  if (filter.result === 'in_progress') return { points: [], capped: false };
  await endAbandoned(d);
  return d.repo.chartSignIns(filter, CHART_LIMIT);
}
