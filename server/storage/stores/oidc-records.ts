// The OpenID provider's records, one table for every kind. A record past its expiry is not
// found (the sweep deletes it later); consuming one is a conditional write, so a code is
// exchanged once however many instances race for it.
import type { OidcRecord } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import { num, numOrNull, str, strOrNull, type Row } from './parse.ts';

function payload(v: unknown): Record<string, unknown> {
  const p: unknown = JSON.parse(String(v));
  if (typeof p !== 'object' || p === null || Array.isArray(p)) throw new TypeError('Stored oidc_records.payload is not a JSON object');
  return p as Record<string, unknown>;
}

const toRecord = (r: Row): OidcRecord => ({
  kind: str(r.kind),
  id: str(r.id),
  payload: payload(r.payload),
  grantId: strOrNull(r.grant_id),
  uid: strOrNull(r.uid),
  userCode: strOrNull(r.user_code),
  createdAt: num(r.created_at, 'oidc_records.created_at'),
  expiresAt: num(r.expires_at, 'oidc_records.expires_at'),
  consumedAt: numOrNull(r.consumed_at, 'oidc_records.consumed_at'),
});

type OidcStore = Pick<Repository, 'saveOidcRecord' | 'findOidcRecord' | 'consumeOidcRecord' | 'deleteOidcRecord' | 'deleteOidcGrant'>;

export function oidcRecordsStore(engine: Engine): OidcStore {
  // Every authorization, token and userinfo request reads and writes these.
  const byId = prepared(engine, (kind: string, id: string, now: number) =>
    engine.db.selectFrom('oidc_records').selectAll().where('kind', '=', kind).where('id', '=', id).where('expires_at', '>', now),
  );
  const byUid = prepared(engine, (kind: string, uid: string, now: number) =>
    engine.db.selectFrom('oidc_records').selectAll().where('kind', '=', kind).where('uid', '=', uid).where('expires_at', '>', now),
  );
  const byUserCode = prepared(engine, (kind: string, userCode: string, now: number) =>
    engine.db.selectFrom('oidc_records').selectAll().where('kind', '=', kind).where('user_code', '=', userCode).where('expires_at', '>', now),
  );
  const consume = prepared(engine, (kind: string, id: string, at: number) =>
    engine.db.updateTable('oidc_records').set({ consumed_at: at }).where('kind', '=', kind).where('id', '=', id).where('consumed_at', 'is', null),
  );
  return {
    async saveOidcRecord(r) {
      const row = {
        payload: JSON.stringify(r.payload),
        grant_id: r.grantId,
        uid: r.uid,
        user_code: r.userCode,
        expires_at: r.expiresAt,
        consumed_at: r.consumedAt,
      };
      await engine.db
        .insertInto('oidc_records')
        .values({ kind: r.kind, id: r.id, created_at: r.createdAt, ...row })
        .onConflict((oc) => oc.columns(['kind', 'id']).doUpdateSet(row))
        .execute();
    },
    async findOidcRecord(kind, by, now) {
      const q = 'id' in by ? byId.first(kind, by.id, now) : 'uid' in by ? byUid.first(kind, by.uid, now) : byUserCode.first(kind, by.userCode, now);
      const r = await q;
      return r ? toRecord(r) : null;
    },
    async consumeOidcRecord(kind, id, at) {
      return (await consume.changes(kind, id, at)) === 1;
    },
    async deleteOidcRecord(kind, id) {
      await engine.db.deleteFrom('oidc_records').where('kind', '=', kind).where('id', '=', id).execute();
    },
    async deleteOidcGrant(grantId) {
      const r = await engine.db.deleteFrom('oidc_records').where('grant_id', '=', grantId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
