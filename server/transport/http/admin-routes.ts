// The admin API. Every permission is enforced here, whatever the portal shows:
// policy_admin edits policies; helpdesk issues passes and revokes devices; global_admin all.
import { Router, type Response } from 'express';
import * as v from 'valibot';
import { Id, Label } from '../../../protocol/fields.ts';
import { parseWith } from '../../../protocol/parse.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit } from '../../domain/audit.ts';
import { deviceView, revokeDevice } from '../../domain/devices.ts';
import { endAllSessions } from '../../domain/sessions.ts';
import { hashPassword } from '../../domain/passwords.ts';
import {
  AuthenticatorPolicy,
  getAuthenticatorPolicy,
  getTapPolicy,
  setAuthenticatorPolicy,
  setTapPolicy,
  TapPolicy,
} from '../../domain/policy.ts';
import { deleteTap, IssueTap, issueTap, tapView } from '../../domain/tap.ts';
import { ALERT_KINDS, ROLES, type AuditEntry, type SignInEntry } from '../../domain/types.ts';
import { getMonitoringPolicy, MonitoringPolicy, purgeOldRecords, setMonitoringPolicy } from '../../domain/monitoring.ts';
import { getSignIn, listSignIns, signInChart } from '../../domain/signin-log.ts';
import { toCsv } from './csv.ts';
import { createUser, NewPassword, NewUser, publicUser, requireUser } from '../../domain/users.ts';
import { assertMayManage, callerWithRole } from './auth.ts';
import type { HttpDeps } from './http-deps.ts';

const IdParam = v.object({ id: Id });

const UserPatch = v.object({
  displayName: v.optional(v.pipe(Label(128), v.trim(), v.minLength(1))),
  groups: v.optional(v.pipe(v.array(v.pipe(Label(64), v.minLength(1))), v.maxLength(50))),
  roles: v.optional(v.array(v.picklist(ROLES))),
  disabled: v.optional(v.boolean()),
  /** Clears a lockout. */
  unlock: v.optional(v.boolean()),
});
const PasswordReset = v.object({ password: NewPassword });

/** Query-string numbers arrive as text. */
const QNum = (min: number, max: number) => v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max));
/** A date filter: epoch milliseconds or an ISO date (2026-11-28 or 2026-11-28T10:00Z). */
const QTime = v.pipe(
  v.string(),
  // Only these two forms: Date.parse alone also reads "-5" as a day in 2001.
  v.regex(/^(\d{1,16}|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?)$/, 'a time is epoch milliseconds or an ISO date'),
  v.transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
  // Up to the largest time a Date holds (year 275760): fits both stores' 64-bit integers.
  v.check((n) => Number.isFinite(n) && n >= 0 && n <= 8.64e15, 'a time is epoch milliseconds or an ISO date'),
);
const ListQuery = v.object({
  q: v.optional(v.pipe(v.string(), v.maxLength(100)), ''),
  limit: v.optional(QNum(1, 500), '100'),
  offset: v.optional(QNum(0, 1_000_000), '0'),
});
const QText = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));
const Page = {
  limit: v.optional(QNum(1, 10_000)),
  offset: v.optional(QNum(0, 1_000_000)),
  from: v.optional(QTime),
  to: v.optional(QTime),
  format: v.optional(v.picklist(['csv', 'json'])),
};
const SignInQuery = v.object({
  ...Page,
  upn: v.optional(QText(254)),
  userId: v.optional(Id),
  method: v.optional(v.picklist(['password', 'authenticator', 'passwordless', 'tap', 'passkey', 'sms'])),
  result: v.optional(v.picklist(['success', 'failure', 'in_progress'])),
  app: v.optional(QText(128)),
  ip: v.optional(QText(64)),
});
/** The chart takes the log's filter and reads every match itself. */
const SignInChartQuery = v.omit(SignInQuery, ['limit', 'offset', 'format']);
const AuditQuery = v.object({
  ...Page,
  actor: v.optional(QText(254)),
  action: v.optional(QText(64)),
  /** A user's or device's id, or a policy's name ("authenticator"). */
  targetId: v.optional(QText(64)),
  ip: v.optional(QText(64)),
});
const AlertQuery = v.object({ limit: v.optional(QNum(1, 1000)), kind: v.optional(v.picklist(ALERT_KINDS)), from: v.optional(QTime) });

const iso = (ms: number | null) => (ms === null ? '' : new Date(ms).toISOString());
const signInCsv = (entries: SignInEntry[]) =>
  toCsv(
    ['time', 'correlationId', 'upn', 'application', 'ip', 'location', 'browser', 'os', 'result', 'failureCode', 'reason', 'requirement', 'methods', 'steps'],
    entries.map((e) => [
      iso(e.at), e.id, e.upn, e.app, e.ip, e.location, e.browser, e.os, e.result, e.failureCode, e.reason, e.requirement, e.methods.join(' + '),
      e.steps.map((s) => `${s.method}: ${s.detail} (${s.result}, ${s.durationMs} ms)`).join('; '),
    ]),
  );
const auditCsv = (entries: AuditEntry[]) =>
  toCsv(
    ['time', 'actor', 'action', 'targetType', 'targetId', 'ip', 'before', 'after'],
    entries.map((e) => [iso(e.at), e.actorUpn, e.action, e.targetType, e.targetId, e.ip, JSON.stringify(e.before), JSON.stringify(e.after)]),
  );
function sendCsv(res: Response, name: string, csv: string): void {
  res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.type('text/csv').send(csv);
}
function sendJsonFile(res: Response, name: string, data: unknown): void {
  res.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
  res.type('application/json').send(JSON.stringify(data, null, 2));
}

export function adminRoutes(d: HttpDeps): Router {
  const r = Router();

  r.get('/policies/authenticator', async (req, res) => {
    await callerWithRole(d, req, 'policy_admin', 'helpdesk');
    res.json(await getAuthenticatorPolicy(d.repo));
  });
  r.put('/policies/authenticator', async (req, res) => {
    const c = await callerWithRole(d, req, 'policy_admin');
    const next = parseWith(AuthenticatorPolicy, req.body, 'Authenticator policy');
    const before = await getAuthenticatorPolicy(d.repo);
    await setAuthenticatorPolicy(d.repo, next);
    await audit(d, c.actor, 'policy.authenticator.updated', { type: 'policy', id: 'authenticator' }, before, next);
    res.json(next);
  });
  r.get('/policies/tap', async (req, res) => {
    await callerWithRole(d, req, 'policy_admin', 'helpdesk');
    res.json(await getTapPolicy(d.repo));
  });
  r.put('/policies/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'policy_admin');
    const next = parseWith(TapPolicy, req.body, 'Temporary Access Pass policy');
    const before = await getTapPolicy(d.repo);
    await setTapPolicy(d.repo, next);
    await audit(d, c.actor, 'policy.tap.updated', { type: 'policy', id: 'tap' }, before, next);
    res.json(next);
  });

  r.get('/users', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk', 'policy_admin');
    const q = parseWith(ListQuery, req.query, 'user search');
    res.json({ users: (await d.repo.listUsers({ search: q.q, limit: q.limit, offset: q.offset })).map(publicUser) });
  });
  r.post('/users', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin');
    res.status(201).json(publicUser(await createUser(d, c.actor, parseWith(NewUser, req.body, 'new user'))));
  });
  r.get('/users/:id', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk', 'policy_admin');
    res.json(publicUser(await requireUser(d, parseWith(IdParam, req.params, 'user').id)));
  });
  r.patch('/users/:id', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const patch = parseWith(UserPatch, req.body, 'user change');
    if (patch.roles && !patch.roles.includes('user')) patch.roles = ['user', ...patch.roles];
    if (user.id === c.user.id && (patch.disabled || (patch.roles && !patch.roles.includes('global_admin')))) {
      throw new PushkeyError('conflict', 'You cannot disable yourself or remove your own global admin role.');
    }
    const { unlock, ...fields } = patch;
    await d.repo.updateUser(user.id, { ...fields, ...(unlock ? { lockedUntil: 0, passwordFailures: 0, pushFailures: 0 } : {}) });
    if (patch.disabled) await endAllSessions(d, user.id);
    const after = await requireUser(d, user.id);
    await audit(d, c.actor, 'user.updated', { type: 'user', id: user.id }, publicUser(user), publicUser(after));
    res.json(publicUser(after));
  });
  r.post('/users/:id/password', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    assertMayManage(c, user);
    const { password } = parseWith(PasswordReset, req.body, 'password reset');
    await d.repo.updateUser(user.id, { passwordHash: await hashPassword(password), passwordFailures: 0, lockedUntil: 0 });
    await endAllSessions(d, user.id);
    await audit(d, c.actor, 'user.password_reset', { type: 'user', id: user.id });
    res.json({ status: 'reset' });
  });

  r.get('/users/:id/methods', async (req, res) => {
    await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    const tap = await d.repo.getUserTap(user.id);
    res.json({
      devices: (await d.repo.listUserDevices(user.id)).map(deviceView),
      tap: tap ? tapView(tap, d.clock.now()) : null,
    });
  });
  r.post('/users/:id/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    assertMayManage(c, user);
    res.status(201).json(await issueTap(d, c.actor, user, parseWith(IssueTap, req.body ?? {}, 'Temporary Access Pass')));
  });
  r.delete('/users/:id/tap', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const user = await requireUser(d, parseWith(IdParam, req.params, 'user').id);
    assertMayManage(c, user);
    await deleteTap(d, c.actor, user);
    res.json({ status: 'deleted' });
  });
  r.delete('/devices/:id', async (req, res) => {
    const c = await callerWithRole(d, req, 'helpdesk');
    const id = parseWith(IdParam, req.params, 'device').id;
    const device = await d.repo.getDevice(id);
    const owner = device && (await d.repo.getUser(device.userId));
    if (owner) assertMayManage(c, owner);
    await revokeDevice(d, c.actor, id);
    res.json({ status: 'revoked' });
  });

  r.get('/audit', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    const q = parseWith(AuditQuery, req.query, 'audit log query');
    const entries = await d.repo.listAudit({ ...q, limit: q.limit ?? (q.format ? 10_000 : 200) });
    if (q.format === 'csv') return sendCsv(res, 'audit-log', auditCsv(entries));
    if (q.format === 'json') return sendJsonFile(res, 'audit-log', entries);
    res.json({ entries });
  });
  r.get('/signins', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    const q = parseWith(SignInQuery, req.query, 'sign-in log query');
    const entries = await listSignIns(d, { ...q, limit: q.limit ?? (q.format ? 10_000 : 200) });
    if (q.format === 'csv') return sendCsv(res, 'sign-in-log', signInCsv(entries));
    if (q.format === 'json') return sendJsonFile(res, 'sign-in-log', entries);
    res.json({ entries });
  });
  r.get('/signins/chart', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    res.json(await signInChart(d, parseWith(SignInChartQuery, req.query, 'sign-in chart query')));
  });
  r.get('/signins/:id', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    const entry = await getSignIn(d, parseWith(IdParam, req.params, 'sign-in').id);
    if (!entry) throw new PushkeyError('not_found', 'No such sign-in.');
    res.json(entry);
  });
  r.get('/alerts', async (req, res) => {
    await callerWithRole(d, req, 'global_admin', 'policy_admin', 'helpdesk');
    const q = parseWith(AlertQuery, req.query, 'alert query');
    const alerts = await d.repo.listAlerts({ limit: q.limit ?? 200, ...(q.kind ? { kind: q.kind } : {}), ...(q.from ? { since: q.from } : {}) });
    res.json({ alerts });
  });
  r.get('/policies/monitoring', async (req, res) => {
    await callerWithRole(d, req, 'policy_admin', 'helpdesk');
    res.json(await getMonitoringPolicy(d.repo));
  });
  r.put('/policies/monitoring', async (req, res) => {
    const c = await callerWithRole(d, req, 'policy_admin');
    const next = parseWith(MonitoringPolicy, req.body, 'alerts and retention policy');
    const before = await getMonitoringPolicy(d.repo);
    await setMonitoringPolicy(d.repo, next);
    await audit(d, c.actor, 'policy.monitoring.updated', { type: 'policy', id: 'monitoring' }, before, next);
    res.json(next);
  });
  r.post('/purge', async (req, res) => {
    const c = await callerWithRole(d, req, 'global_admin');
    const counts = await purgeOldRecords(d);
    await audit(d, c.actor, 'logs.purged', { type: 'logs', id: 'retention' }, null, counts);
    res.json(counts);
  });
  return r;
}
