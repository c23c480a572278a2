// Alerts raised by the monitoring rules, newest first.
import { sql } from 'kysely';
import { ALERT_KINDS, type Alert } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { memberOf, num, str, type Row } from './parse.ts';

const alertKind = memberOf(ALERT_KINDS);

const toAlert = (r: Row): Alert => ({ id: str(r.id), at: num(r.at, 'alerts.at'), kind: alertKind(r.kind, 'alerts.kind'), userId: str(r.user_id), detail: str(r.detail) });

export function alertsStore({ db, insertionOrder }: Engine): Pick<Repository, 'appendAlert' | 'listAlerts'> {
  return {
    async appendAlert(a) {
      await db.insertInto('alerts').values({ id: a.id, at: a.at, kind: a.kind, user_id: a.userId, detail: a.detail }).execute();
    },
    async listAlerts(f) {
      let q = db.selectFrom('alerts').selectAll();
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.kind !== undefined) q = q.where('kind', '=', f.kind);
      if (f.since !== undefined) q = q.where('at', '>=', f.since);
      const rows = await q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc').limit(f.limit).execute();
      return rows.map(toAlert);
    },
  };
}
