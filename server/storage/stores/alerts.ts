// Alerts raised by the monitoring rules, newest first.
import { sql } from 'kysely';
import { ALERT_KINDS, type Alert } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import { memberOf, num, str, type Row } from './parse.ts';

const alertKind = memberOf(ALERT_KINDS);

const toAlert = (r: Row): Alert => ({ id: str(r.id), at: num(r.at, 'alerts.at'), kind: alertKind(r.kind, 'alerts.kind'), userId: str(r.user_id), detail: str(r.detail) });

type AlertFilter = Parameters<Repository['listAlerts']>[0];

export function alertsStore(engine: Engine): Pick<Repository, 'appendAlert' | 'listAlerts'> {
  const { insertionOrder } = engine;
  // The monitoring rules read this on every sign-in; one query per set of filter terms.
  const list = prepared(engine, (f: AlertFilter) => {
    let q = engine.db.selectFrom('alerts').selectAll();
    if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
    if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
    if (f.since !== undefined) q = q.where('at', '>=', f.since);
    return q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc').limit(f.limit);
  });
  return {
    async appendAlert(a) {
      await engine.db.insertInto('alerts').values({ id: a.id, at: a.at, kind: a.kind, user_id: a.userId, detail: a.detail }).execute();
    },
    async listAlerts(f) {
      // Only the terms the query knows: the shape is which of them are set.
      return (await list.all({ userId: f.userId, kind: f.kind, since: f.since, limit: f.limit })).map(toAlert);
    },
  };
}
