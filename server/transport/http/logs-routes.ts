// The admin logs: rows as JSON, or with ?format=csv|json every match as a file to download.
import type { Response } from 'express';
import { api } from '../../../protocol/http/index.ts';
import type { AuditEntry, SignInEntry } from '../../../protocol/http/logs.ts';
import { readOutbox } from '../../domain/admin/admin.ts';
import { listAlerts, listAuditLog, purgeNow } from '../../domain/monitoring/logs.ts';
import { getSignIn, listSignIns, signInChart } from '../../domain/monitoring/signin-log.ts';
import { signInTimeline } from '../../domain/monitoring/timeline.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { toCsv } from './csv.ts';
import { SENT, type Handlers } from './mount.ts';

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

/** Sends the entries as a file when a format is asked for. */
function download<T>(res: Response, name: string, format: 'csv' | 'json' | undefined, entries: T[], csv: (e: T[]) => string): typeof SENT | null {
  if (!format) return null;
  res.setHeader('Content-Disposition', `attachment; filename="${name}.${format}"`);
  if (format === 'csv') res.type('text/csv').send(csv(entries));
  else res.type('application/json').send(JSON.stringify(entries, null, 2));
  return SENT;
}

export const logsHandlers: Handlers<typeof api.logs> = {
  async audit({ d, res, query }) {
    const entries = await listAuditLog(d, { ...query, limit: query.limit ?? (query.format ? 10_000 : 200) });
    return download(res, 'audit-log', query.format, entries, auditCsv) ?? { entries };
  },
  async signIns({ d, res, query }) {
    const entries = await listSignIns(d, { ...query, limit: query.limit ?? (query.format ? 10_000 : 200) });
    return download(res, 'sign-in-log', query.format, entries, signInCsv) ?? { entries };
  },
  signInChart: ({ d, query }) => signInChart(d, query),
  async signIn({ d, params }) {
    const entry = await getSignIn(d, params.id);
    if (!entry) throw new PushkeyError('not_found', 'No such sign-in.');
    return entry;
  },
  signInTimeline: ({ d, params }) => signInTimeline(d, params.id),
  alerts: async ({ d, query }) => ({ alerts: await listAlerts(d, { ...query, limit: query.limit ?? 200 }) }),
  outbox: async ({ d, caller, query }) => ({ messages: await readOutbox(d, caller, query) }),
  purge: ({ d, caller }) => purgeNow(d, caller),
};
