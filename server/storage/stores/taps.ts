// Temporary Access Passes: one per user, optionally single use.
import type { Tap } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { flag, num, numOrNull, str, toFlag, type Row } from './parse.ts';

const toTap = (r: Row): Tap => ({
  id: str(r.id),
  userId: str(r.user_id),
  hash: str(r.hash),
  createdAt: num(r.created_at, 'taps.created_at'),
  startsAt: num(r.starts_at, 'taps.starts_at'),
  expiresAt: num(r.expires_at, 'taps.expires_at'),
  oneTime: flag(r.one_time),
  usedAt: numOrNull(r.used_at, 'taps.used_at'),
  createdBy: str(r.created_by),
});

export function tapsStore(engine: Engine): Pick<Repository, 'replaceTap' | 'getUserTap' | 'consumeTap' | 'deleteUserTap'> {
  return {
    async replaceTap(t) {
      const row = { hash: t.hash, created_at: t.createdAt, starts_at: t.startsAt, expires_at: t.expiresAt, one_time: toFlag(t.oneTime), used_at: t.usedAt, created_by: t.createdBy };
      // One pass per user (UNIQUE user_id): one upsert replaces the earlier pass whole, id
      // included, so concurrent issues cannot both insert, and nothing of the old pass stays.
      await engine.db
        .insertInto('taps')
        .values({ id: t.id, user_id: t.userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet({ id: t.id, ...row }))
        .execute();
    },
    async getUserTap(userId) {
      const r = await engine.db.selectFrom('taps').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r ? toTap(r) : null;
    },
    async consumeTap(id, now) {
      const r = await engine.db.updateTable('taps').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteUserTap(userId) {
      await engine.db.deleteFrom('taps').where('user_id', '=', userId).execute();
    },
  };
}
