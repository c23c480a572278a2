// One-time SMS codes: attempts capped, consumed once, sends limited per user and per number.
import type { SmsCode } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Db, Engine } from '../engine.ts';
import { num, numOrNull, oneOf, str, strOrNull, type Row } from './parse.ts';

const purpose = oneOf<SmsCode['purpose']>({ verify: true, signin: true });

const toSmsCode = (r: Row): SmsCode => ({
  id: str(r.id),
  userId: str(r.user_id),
  phone: str(r.phone),
  purpose: purpose(r.purpose, 'sms_codes.purpose'),
  flowId: strOrNull(r.flow_id),
  codeHash: str(r.code_hash),
  createdAt: num(r.created_at, 'sms_codes.created_at'),
  expiresAt: num(r.expires_at, 'sms_codes.expires_at'),
  attempts: num(r.attempts, 'sms_codes.attempts'),
  usedAt: numOrNull(r.used_at, 'sms_codes.used_at'),
});

async function insertCode(db: Db, c: SmsCode): Promise<void> {
  await db
    .insertInto('sms_codes')
    .values({ id: c.id, user_id: c.userId, phone: c.phone, purpose: c.purpose, flow_id: c.flowId, code_hash: c.codeHash, created_at: c.createdAt, expires_at: c.expiresAt, attempts: c.attempts, used_at: c.usedAt })
    .execute();
}

async function countCodes(db: Db, f: { userId?: string; phone?: string; since: number }): Promise<number> {
  let q = db.selectFrom('sms_codes').select((eb) => eb.fn.countAll<string | number>().as('n')).where('created_at', '>', f.since);
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  if (f.phone !== undefined) q = q.where('phone', '=', f.phone);
  return num((await q.executeTakeFirstOrThrow()).n, 'count');
}

type SmsCodesStore = Pick<Repository, 'createSmsCode' | 'getSmsCode' | 'attemptSmsCode' | 'consumeSmsCode' | 'countSmsCodes' | 'createSmsCodeWithin'>;

export function smsCodesStore(engine: Engine): SmsCodesStore {
  return {
    createSmsCode: (c) => insertCode(engine.db, c),
    async getSmsCode(id) {
      const r = await engine.db.selectFrom('sms_codes').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSmsCode(r) : null;
    },
    async attemptSmsCode(id, max, now) {
      const r = await engine.db
        .updateTable('sms_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', id)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .where('attempts', '<', max)
        .returningAll()
        .executeTakeFirst();
      return r ? toSmsCode(r) : null;
    },
    async consumeSmsCode(id, now) {
      const r = await engine.db.updateTable('sms_codes').set({ used_at: now }).where('id', '=', id).where('used_at', 'is', null).where('expires_at', '>', now).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    countSmsCodes: (f) => countCodes(engine.db, f),
    createSmsCodeWithin(c, l) {
      // Count and insert under the locks of the user and the number (always in that order),
      // so that parallel sends on any instance cannot slip past the limit.
      return engine.serialized([`pushkey.sms.user:${c.userId}`, `pushkey.sms.number:${c.phone}`], async (trx): Promise<'user' | 'number' | null> => {
        if ((await countCodes(trx, { userId: c.userId, since: l.since })) >= l.maxPerUser) return 'user';
        if ((await countCodes(trx, { phone: c.phone, since: l.since })) >= l.maxPerNumber) return 'number';
        await insertCode(trx, c);
        return null;
      });
    },
  };
}
