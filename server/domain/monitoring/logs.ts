// What admins read of the logs, and the retention purge they may run now.
import type { Alert, AlertKind, AuditEntry, PurgeCounts } from '../../../protocol/http/logs.ts';
import { audit } from './audit.ts';
import type { Caller } from '../admin/caller.ts';
import type { Deps } from '../deps.ts';
import { purgeOldRecords } from './monitoring.ts';
import type { AuditFilter } from '../types.ts';

export async function listAuditLog(d: Deps, filter: AuditFilter): Promise<AuditEntry[]> {
  return d.repo.listAudit(filter);
}

export async function listAlerts(d: Deps, q: { limit: number; kind?: AlertKind; from?: number }): Promise<Alert[]> {
  return d.repo.listAlerts({ limit: q.limit, ...(q.kind ? { kind: q.kind } : {}), ...(q.from ? { since: q.from } : {}) });
}

/** Deletes what is older than the retention setting now; the purge itself is audited. */
export async function purgeNow(d: Deps, c: Caller): Promise<PurgeCounts> {
  const counts = await purgeOldRecords(d);
  await audit(d, c.actor, 'logs.purged', { type: 'logs', id: 'retention' }, null, counts);
  return counts;
}
