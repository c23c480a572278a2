// What admins read: the sign-in and audit logs (filterable, downloadable), the sign-in
// chart, alerts, the lab outbox, and the retention purge.
import * as v from 'valibot';
import { Id } from '../fields.ts';
import { route } from './route.ts';
import { IdParam, QNum, QText, QTime, Time } from './values.ts';
import { SignInTimeline } from './timeline.ts';

const READERS = ['global_admin', 'policy_admin', 'helpdesk'] as const;

export const SignInStep = v.object({
  method: v.string(),
  /** What happened, e.g. "number matched", "wrong number", "request sent". Never a secret. */
  detail: v.string(),
  result: v.picklist(['success', 'failure', 'pending']),
  at: Time,
  /** Time since the previous step (or the start of the attempt). */
  durationMs: v.number(),
  /** The number-match request this step concerns; the extension's history shows the same id. */
  challengeId: v.optional(v.string()),
});
export type SignInStep = v.InferOutput<typeof SignInStep>;

export const SignInEntry = v.object({
  /** The flow id: also the correlation id. */
  id: v.string(),
  at: Time,
  userId: v.nullable(v.string()),
  upn: v.string(),
  app: v.string(),
  ip: v.string(),
  location: v.string(),
  browser: v.string(),
  os: v.string(),
  result: v.picklist(['success', 'failure', 'in_progress']),
  /** When the attempt's flow expires: an attempt still in progress then was abandoned (failure code "abandoned"). */
  expiresAt: Time,
  failureCode: v.nullable(v.string()),
  /** A person's explanation of failureCode. */
  reason: v.nullable(v.string()),
  /** single: one factor (a password alone); multifactor: password + authenticator, passwordless, TAP. */
  requirement: v.picklist(['single', 'multifactor', 'none']),
  methods: v.array(v.string()),
  steps: v.array(SignInStep),
});
export type SignInEntry = v.InferOutput<typeof SignInEntry>;

export const AuditEntry = v.object({
  id: v.string(),
  at: Time,
  actorId: v.nullable(v.string()),
  actorUpn: v.string(),
  action: v.string(),
  targetType: v.string(),
  targetId: v.string(),
  before: v.unknown(),
  after: v.unknown(),
  ip: v.string(),
  /** Ties the change to a sign-in attempt (flow id) or a number-match request (challenge id). */
  correlationId: v.optional(v.nullable(v.string())),
});
export type AuditEntry = v.InferOutput<typeof AuditEntry>;

/**
 * Finished attempts as the chart counts them: the minute they started in, how they ended,
 * the method they ended with, and how many there were (the database counts them; every
 * bar of the chart is a whole number of minutes in any time zone).
 */
export const SignInPoint = v.tuple([Time, v.picklist(['success', 'failure']), v.string(), v.pipe(v.number(), v.integer(), v.minValue(1))]);
export type SignInPoint = v.InferOutput<typeof SignInPoint>;
export const SignInChartData = v.object({
  /** Newest minute first. */
  points: v.array(SignInPoint),
  /** True when more attempts matched than the chart counts: it then counts the newest. */
  capped: v.boolean(),
});
export type SignInChartData = v.InferOutput<typeof SignInChartData>;

export const ALERT_KINDS = ['report', 'push_fatigue', 'push_throttled', 'new_location', 'lockout', 'tap_issued'] as const;
export const AlertKind = v.picklist(ALERT_KINDS);
export type AlertKind = v.InferOutput<typeof AlertKind>;
export const Alert = v.object({
  id: v.string(),
  at: Time,
  kind: AlertKind,
  userId: v.string(),
  /** A person's one-line description; never a secret. */
  detail: v.string(),
});
export type Alert = v.InferOutput<typeof Alert>;

/** A message the lab providers "sent". */
export const OutboxMessage = v.object({
  id: v.string(),
  at: Time,
  channel: v.picklist(['sms', 'email']),
  /** E.164 number or email address. */
  to: v.string(),
  userId: v.nullable(v.string()),
  text: v.string(),
});
export type OutboxMessage = v.InferOutput<typeof OutboxMessage>;

export const PurgeCounts = v.object({ signIns: v.number(), audit: v.number(), alerts: v.number(), transient: v.number() });
export type PurgeCounts = v.InferOutput<typeof PurgeCounts>;

const Page = {
  limit: v.optional(QNum(1, 10_000)),
  offset: v.optional(QNum(0, 1_000_000)),
  from: v.optional(QTime),
  to: v.optional(QTime),
  format: v.optional(v.picklist(['csv', 'json'])),
};
export const SignInQuery = v.object({
  ...Page,
  upn: v.optional(QText(254)),
  userId: v.optional(Id),
  method: v.optional(v.picklist(['password', 'authenticator', 'passwordless', 'tap', 'passkey', 'sms'])),
  result: v.optional(v.picklist(['success', 'failure', 'in_progress'])),
  app: v.optional(QText(128)),
  ip: v.optional(QText(64)),
});
export const AuditQuery = v.object({
  ...Page,
  actor: v.optional(QText(254)),
  action: v.optional(QText(64)),
  /** A user's or device's id, or a policy's name ("authenticator"). */
  targetId: v.optional(QText(64)),
  ip: v.optional(QText(64)),
});

export const logsRoutes = {
  audit: route({
    method: 'GET', path: '/api/admin/audit', summary: 'The audit log, newest first; with format=csv|json a file of every match.',
    subject: 'audit log query', access: READERS, query: AuditQuery, answer: v.object({ entries: v.array(AuditEntry) }), download: true,
  }),
  signIns: route({
    method: 'GET', path: '/api/admin/signins', summary: 'The sign-in log, newest first; with format=csv|json a file of every match.',
    subject: 'sign-in log query', access: READERS, query: SignInQuery, answer: v.object({ entries: v.array(SignInEntry) }), download: true,
  }),
  signInChart: route({
    method: 'GET', path: '/api/admin/signins/chart', summary: 'Every finished attempt the log\'s filter matches, for the chart.',
    // The chart takes the log's filter and reads every match itself.
    subject: 'sign-in chart query', access: READERS, query: v.omit(SignInQuery, ['limit', 'offset', 'format']), answer: SignInChartData,
  }),
  signIn: route({
    method: 'GET', path: '/api/admin/signins/:id', summary: 'One sign-in attempt with its steps.', subject: 'sign-in',
    access: READERS, params: IdParam, answer: SignInEntry,
  }),
  signInTimeline: route({
    method: 'GET', path: '/api/admin/signins/:id/timeline',
    summary: 'One sign-in\'s protocol steps in order, each signed message decoded and its signature checked now; never a secret.',
    subject: 'sign-in', access: READERS, params: IdParam, answer: SignInTimeline,
  }),
  alerts: route({
    method: 'GET', path: '/api/admin/alerts', summary: 'Alerts, newest first.', subject: 'alert query', access: READERS,
    query: v.object({ limit: v.optional(QNum(1, 1000)), kind: v.optional(AlertKind), from: v.optional(QTime) }),
    answer: v.object({ alerts: v.array(Alert) }),
  }),
  outbox: route({
    method: 'GET', path: '/api/admin/outbox',
    summary: 'The lab outbox (texted codes and email notices); the helpdesk sees only messages to users it may manage.',
    subject: 'outbox query', access: ['global_admin', 'helpdesk'],
    query: v.object({
      channel: v.optional(v.picklist(['sms', 'email'])),
      to: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(254))),
    }),
    answer: v.object({ messages: v.array(OutboxMessage) }),
  }),
  purge: route({
    method: 'POST', path: '/api/admin/purge', summary: 'Deletes what is older than the retention setting now; answers what went.',
    subject: 'purge', access: ['global_admin'], answer: PurgeCounts,
  }),
};
