// The lab outbox: messages the lab SMS and email providers "sent", newest first.
import { sql } from 'kysely';
import type { OutboxMessage } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { num, oneOf, str, strOrNull, type Row } from './parse.ts';

const channel = oneOf<OutboxMessage['channel']>({ sms: true, email: true });

const toOutbox = (r: Row): OutboxMessage => ({
  id: str(r.id),
  at: num(r.at, 'outbox.at'),
  channel: channel(r.channel, 'outbox.channel'),
  // The column is `recipient`: `to` is a reserved word in SQL.
  to: str(r.recipient),
  userId: strOrNull(r.user_id),
  text: str(r.text),
});

export function outboxStore(engine: Engine): Pick<Repository, 'appendOutbox' | 'listOutbox'> {
  const { insertionOrder } = engine;
  return {
    async appendOutbox(m) {
      await engine.db.insertInto('outbox').values({ id: m.id, at: m.at, channel: m.channel, recipient: m.to, user_id: m.userId, text: m.text }).execute();
    },
    async listOutbox(f) {
      let q = engine.db.selectFrom('outbox').selectAll();
      if (f.channel !== undefined) q = q.where('channel', '=', f.channel);
      if (f.to !== undefined) q = q.where('recipient', '=', f.to);
      const rows = await q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc').limit(f.limit).execute();
      return rows.map(toOutbox);
    },
  };
}
