// Each sign-in's protocol trace (its timeline's source): appended as the steps happen, one row
// each, and read back by the sign-in's flow id in the order they happened.
import { sql } from 'kysely';
import type { ProtocolEvent } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import type { ProtocolEventsTable } from '../schema.ts';
import { prepared } from '../prepared.ts';
import { num, oneOf, str, strOrNull, type Row } from './parse.ts';

const kind = oneOf<ProtocolEvent['kind']>({ push: true, delivery: true, answer: true });
const via = oneOf<NonNullable<ProtocolEvent['via']>>({ channel: true, poll: true });

const toEvent = (r: Row): ProtocolEvent => ({
  id: str(r.id),
  flowId: str(r.flow_id),
  challengeId: str(r.challenge_id),
  at: num(r.at, 'protocol_events.at'),
  kind: kind(r.kind, 'protocol_events.kind'),
  deviceId: str(r.device_id),
  via: r.via === null || r.via === undefined ? null : via(r.via, 'protocol_events.via'),
  payload: strOrNull(r.payload),
});

export function protocolEventsStore(engine: Engine): Pick<Repository, 'appendProtocolEvent' | 'listProtocolEvents'> {
  const { insertionOrder } = engine;
  // A sign-in by push appends one per device pushed to, one per delivery and one for the answer.
  const insert = prepared(engine, (row: ProtocolEventsTable) => engine.db.insertInto('protocol_events').values(row));
  return {
    async appendProtocolEvent(e) {
      await insert.changes({
        id: e.id,
        flow_id: e.flowId,
        challenge_id: e.challengeId,
        at: e.at,
        kind: e.kind,
        device_id: e.deviceId,
        via: e.via,
        payload: e.payload,
      });
    },
    async listProtocolEvents(flowId) {
      const rows = await engine.db
        .selectFrom('protocol_events')
        .selectAll()
        .where('flow_id', '=', flowId)
        .orderBy('at')
        .orderBy(sql.ref(insertionOrder))
        .execute();
      return rows.map(toEvent);
    },
  };
}
