// The audit log: who changed what, newest first.
import { sql } from 'kysely';
import type { AuditEntry } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { contains, escapeLike, num, str, strOrNull, type Row } from './parse.ts';
import { likeIgnoringCase } from './match.ts';

const jsonOrNull = (v: unknown): unknown => (v === null || v === undefined ? null : JSON.parse(String(v)));

const toAudit = (r: Row): AuditEntry => ({
  id: str(r.id),
  at: num(r.at, 'audit.at'),
  actorId: strOrNull(r.actor_id),
  actorUpn: str(r.actor_upn),
  action: str(r.action),
  targetType: str(r.target_type),
  targetId: str(r.target_id),
  before: jsonOrNull(r.before_json),
  after: jsonOrNull(r.after_json),
  ip: str(r.ip),
  correlationId: strOrNull(r.correlation_id),
});

export function auditStore(engine: Engine): Pick<Repository, 'appendAudit' | 'listAudit'> {
  const { insertionOrder } = engine;
  return {
    async appendAudit(e) {
      await engine.db
        .insertInto('audit')
        .values({
          id: e.id,
          at: e.at,
          actor_id: e.actorId,
          actor_upn: e.actorUpn,
          action: e.action,
          target_type: e.targetType,
          target_id: e.targetId,
          before_json: e.before === undefined ? null : JSON.stringify(e.before),
          after_json: e.after === undefined ? null : JSON.stringify(e.after),
          ip: e.ip,
          correlation_id: e.correlationId ?? null,
        })
        .execute();
    },
    async listAudit(f) {
      let q = engine.db.selectFrom('audit').selectAll();
      if (f.targetId !== undefined) q = q.where('target_id', '=', f.targetId);
      if (f.actorId !== undefined) q = q.where('actor_id', '=', f.actorId);
      if (f.actor) q = q.where(likeIgnoringCase('actor_upn', contains(f.actor)));
      if (f.action) q = q.where(likeIgnoringCase('action', escapeLike(f.action) + '%'));
      if (f.ip !== undefined) q = q.where('ip', '=', f.ip);
      if (f.from !== undefined) q = q.where('at', '>=', f.from);
      if (f.to !== undefined) q = q.where('at', '<', f.to);
      // Newest first; entries of the same millisecond newest-written first.
      const rows = await q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc').limit(f.limit).offset(f.offset ?? 0).execute();
      return rows.map(toAudit);
    },
  };
}
