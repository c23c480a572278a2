// Activation codes: single use, expiring, stored hashed.
import type { Activation } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { num, numOrNull, str, strOrNull, type Row } from './parse.ts';

const toActivation = (r: Row): Activation => ({
  id: str(r.id),
  codeHash: str(r.code_hash),
  userId: str(r.user_id),
  createdAt: num(r.created_at, 'activations.created_at'),
  expiresAt: num(r.expires_at, 'activations.expires_at'),
  usedAt: numOrNull(r.used_at, 'activations.used_at'),
  deviceId: strOrNull(r.device_id),
});

type ActivationsStore = Pick<Repository, 'createActivation' | 'getActivation' | 'consumeActivation' | 'setActivationDevice'>;

export function activationsStore(engine: Engine): ActivationsStore {
  return {
    async createActivation(a) {
      await engine.db
        .insertInto('activations')
        .values({ id: a.id, code_hash: a.codeHash, user_id: a.userId, created_at: a.createdAt, expires_at: a.expiresAt, used_at: a.usedAt, device_id: a.deviceId })
        .execute();
    },
    async getActivation(id) {
      const r = await engine.db.selectFrom('activations').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toActivation(r) : null;
    },
    async consumeActivation(codeHash, now) {
      // Consumed in the statement that finds it: of concurrent callers, one gets the row.
      const r = await engine.db
        .updateTable('activations')
        .set({ used_at: now })
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return r ? toActivation(r) : null;
    },
    async setActivationDevice(id, deviceId) {
      await engine.db.updateTable('activations').set({ device_id: deviceId }).where('id', '=', id).execute();
    },
  };
}
