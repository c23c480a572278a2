// Browser sessions, keyed by the hash of their cookie.
import type { Session } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
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

type SessionsStore = Pick<Repository, 'createSession' | 'getSession' | 'touchSession' | 'deleteSession' | 'deleteUserSessions'>;

export function sessionsStore({ db }: Engine): SessionsStore {
  return {
    async createSession(s) {
      await db
        .insertInto('sessions')
        .values({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, last_seen_at: s.lastSeenAt, methods_json: JSON.stringify(s.methods), ip: s.ip, browser: s.browser })
        .execute();
    },
    async getSession(idHash) {
      const r = await db.selectFrom('sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
      return r ? toSession(r) : null;
    },
    async touchSession(idHash, lastSeenAt) {
      await db.updateTable('sessions').set({ last_seen_at: lastSeenAt }).where('id_hash', '=', idHash).execute();
    },
    async deleteSession(idHash) {
      await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
    },
    async deleteUserSessions(userId) {
      const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
      return Number(r.numDeletedRows);
    },
  };
}
