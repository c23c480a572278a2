// Phone numbers for SMS: one per user.
import type { Updateable } from 'kysely';
import type { Phone } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import type { PhonesTable } from '../schema.ts';
import { isEmptyPatch } from './users.ts';
import { num, numOrNull, str, type Row } from './parse.ts';

const toPhone = (r: Row): Phone => ({
  userId: str(r.user_id),
  number: str(r.number),
  createdAt: num(r.created_at, 'phones.created_at'),
  verifiedAt: numOrNull(r.verified_at, 'phones.verified_at'),
  lastUsedAt: numOrNull(r.last_used_at, 'phones.last_used_at'),
});

const phonePatch = (p: Partial<Pick<Phone, 'verifiedAt' | 'lastUsedAt'>>): Updateable<PhonesTable> => ({ verified_at: p.verifiedAt, last_used_at: p.lastUsedAt });

export function phonesStore(engine: Engine): Pick<Repository, 'replacePhone' | 'getUserPhone' | 'updatePhone' | 'deleteUserPhone'> {
  return {
    async replacePhone(p) {
      const row = { number: p.number, created_at: p.createdAt, verified_at: p.verifiedAt, last_used_at: p.lastUsedAt };
      // One phone per user (the primary key): one upsert replaces the earlier number whole.
      await engine.db
        .insertInto('phones')
        .values({ user_id: p.userId, ...row })
        .onConflict((oc) => oc.column('user_id').doUpdateSet(row))
        .execute();
    },
    async getUserPhone(userId) {
      const r = await engine.db.selectFrom('phones').selectAll().where('user_id', '=', userId).executeTakeFirst();
      return r ? toPhone(r) : null;
    },
    async updatePhone(userId, patch) {
      const set = phonePatch(patch);
      if (isEmptyPatch(set)) return;
      await engine.db.updateTable('phones').set(set).where('user_id', '=', userId).execute();
    },
    async deleteUserPhone(userId) {
      const r = await engine.db.deleteFrom('phones').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
  };
}
