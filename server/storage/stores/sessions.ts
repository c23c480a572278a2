// Browser sessions, keyed by the hash of their cookie.
import type { Session } from '../../domain/types.ts';
import type { SessionsTable } from '../schema.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import { num, str, stringList, type Row } from './parse.ts';

const toSession = (r: Row): Session => ({
  idHash: str(r.id_hash),
  userId: str(r.user_id),
  createdAt: num(r.created_at, 'sessions.created_at'),
  lastSeenAt: num(r.last_seen_at, 'sessions.last_seen_at'),
  methods: stringList(r.methods_json, 'sessions.methods_json'),
  ip: str(r.ip),
  browser: str(r.browser),
});

type SessionsStore = Pick<Repository, 'createSession' | 'getSession' | 'touchSession' | 'shiftSession' | 'deleteSession' | 'deleteUserSessions' | 'countUserSessions'>;

export function sessionsStore(engine: Engine): SessionsStore {
  // A session is read and touched on every signed-in request.
  const insert = prepared(engine, (row: SessionsTable) => engine.db.insertInto('sessions').values(row));
  const byId = prepared(engine, (idHash: string) => engine.db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash));
  // Never back: a request that read the clock before the lab clock moved, and touches after, leaves the moved time.
  const touch = prepared(engine, (idHash: string, lastSeenAt: number) =>
    engine.db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).where('last_seen_at', '<', lastSeenAt),
  );
  return {
    async createSession(s) {
      await insert.changes({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, last_seen_at: s.lastSeenAt, methods_json: JSON.stringify(s.methods), ip: s.ip, browser: s.browser });
    },
    async getSession(idHash) {
      const r = await byId.first(idHash);
      return r ? toSession(r) : null;
    },
    async touchSession(idHash, lastSeenAt) {
      await touch.changes(idHash, lastSeenAt);
    },
    async shiftSession(idHash, byMs) {
      await engine.db
        .updateTable('sessions')
        .set((eb) => ({ created_at: eb('created_at', '+', byMs), last_seen_at: eb('last_seen_at', '+', byMs) }))
        .where('id_hash', '=', idHash)
        .execute();
    },
    async deleteSession(idHash) {
      await engine.db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteUserSessions(userId, exceptIdHash) {
      let q = engine.db.deleteFrom('sessions').where('user_id', '=', userId);
      if (exceptIdHash !== undefined) q = q.where('id_hash', '<>', exceptIdHash);
      const r = await q.executeTakeFirst();
      return Number(r.numDeletedRows);
    },
    async countUserSessions(userId, exceptIdHash, seenSince, createdSince) {
      const r = await engine.db
        .selectFrom('sessions')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .where('id_hash', '<>', exceptIdHash)
        .where('last_seen_at', '>=', seenSince)
        .where('created_at', '>=', createdSince)
        .executeTakeFirstOrThrow();
      return num(r.n, 'sessions count');
    },
  };
}
