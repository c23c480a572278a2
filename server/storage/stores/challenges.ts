// Number-match requests pushed to devices: consumed once, listed for the device, swept when
// they run out of time, and counted for the throttle and the fatigue rule.
import { sql } from 'kysely';
import { Kind } from '../../../protocol/fields.ts';
import type { Challenge, ChallengeStatus } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import type { ChallengesTable } from '../schema.ts';
import { prepared } from '../prepared.ts';
import { flag, memberOf, num, numOrNull, oneOf, str, strOrNull, toFlag, type Row } from './parse.ts';
import { countWhere } from './match.ts';

const status = oneOf<ChallengeStatus>({ pending: true, approved: true, denied: true, reported: true, number_mismatch: true, update_required: true, cancelled: true, expired: true });
const kind = memberOf(Kind.options);

const toChallenge = (r: Row): Challenge => ({
  id: str(r.id),
  userId: str(r.user_id),
  deviceId: strOrNull(r.device_id),
  kind: kind(r.kind, 'challenges.kind'),
  nonce: str(r.nonce),
  number: str(r.number),
  app: str(r.app),
  ip: str(r.ip),
  location: str(r.location),
  browser: str(r.browser),
  createdAt: num(r.created_at, 'challenges.created_at'),
  expiresAt: num(r.expires_at, 'challenges.expires_at'),
  status: status(r.status, 'challenges.status'),
  answeredAt: numOrNull(r.answered_at, 'challenges.answered_at'),
  answeredBy: strOrNull(r.answered_by),
  flowId: strOrNull(r.flow_id),
  userVerified: flag(r.user_verified),
});

type ChallengesStore = Pick<Repository, 'createChallenge' | 'getChallenge' | 'consumeChallenge' | 'listPendingForDevice' | 'expirePending' | 'cancelPendingForUser' | 'challengeStats'>;

export function challengesStore(engine: Engine): ChallengesStore {
  const { insertionOrder, skipLocked } = engine;
  // Every sign-in by push creates, reads and consumes one, after counting the user's recent ones.
  const insert = prepared(engine, (row: ChallengesTable) => engine.db.insertInto('challenges').values(row));
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('challenges').selectAll().where('id', '=', id));
  const consume = prepared(engine, (id: string, status: string, answeredAt: number, answeredBy: string | null, userVerified: number, now: number) =>
    engine.db
      .updateTable('challenges')
      .set({ status, answered_at: answeredAt, answered_by: answeredBy, user_verified: userVerified })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .where('expires_at', '>', now),
  );
  const statsOf = (kinds: readonly string[]) => prepared(engine, (userId: string, since: number, now: number) =>
    engine.db
      .selectFrom('challenges')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('created'),
        countWhere(sql`status = 'pending' and expires_at > ${now}`).as('outstanding'),
        countWhere(sql`status in ('denied', 'reported')`).as('denied'),
        countWhere(sql`status = 'expired' or (status = 'pending' and expires_at <= ${now})`).as('unanswered'),
      ])
      .where('user_id', '=', userId)
      .where('created_at', '>', since)
      .where('kind', 'in', kinds),
  );
  // Sign-in requests and test notifications are counted apart: a person trying out their app
  // does not use up the sign-in budget, nor trip the fatigue rule.
  const stats = { 'sign-in': statsOf(['mfa', 'passwordless']), test: statsOf(['test']) };
  return {
    async createChallenge(c) {
      await insert.changes({
        id: c.id,
        user_id: c.userId,
        device_id: c.deviceId,
        kind: c.kind,
        nonce: c.nonce,
        number: c.number,
        app: c.app,
        ip: c.ip,
        location: c.location,
        browser: c.browser,
        created_at: c.createdAt,
        expires_at: c.expiresAt,
        status: c.status,
        answered_at: c.answeredAt,
        answered_by: c.answeredBy,
        flow_id: c.flowId,
        user_verified: toFlag(c.userVerified),
      });
    },
    async getChallenge(id) {
      const r = await byId.first(id);
      return r ? toChallenge(r) : null;
    },
    async consumeChallenge(id, u, now) {
      return (await consume.changes(id, u.status, u.answeredAt, u.answeredBy, toFlag(u.userVerified ?? false), now)) === 1;
    },
    async listPendingForDevice(device, now) {
      const rows = await engine.db
        .selectFrom('challenges')
        .selectAll()
        .where('user_id', '=', device.userId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .where((eb) => eb.or([eb('device_id', 'is', null), eb('device_id', '=', device.id)]))
        .orderBy('created_at')
        .orderBy(sql.ref(insertionOrder))
        .execute();
      return rows.map(toChallenge);
    },
    async expirePending(now, limit) {
      // The outer status check holds when another sweep ended the row between the two reads.
      const due = engine.db
        .selectFrom('challenges')
        .select('id')
        .where('status', '=', 'pending')
        .where('expires_at', '<=', now)
        .orderBy('expires_at')
        .limit(limit)
        .$if(skipLocked, (qb) => qb.forUpdate().skipLocked());
      const rows = await engine.db
        .updateTable('challenges')
        .set({ status: 'expired', answered_at: sql<number>`expires_at` })
        .where('id', 'in', due)
        .where('status', '=', 'pending')
        .returningAll()
        .execute();
      return rows.map(toChallenge);
    },
    async cancelPendingForUser(userId, now) {
      const rows = await engine.db
        .updateTable('challenges')
        .set({ status: 'cancelled', answered_at: now })
        .where('user_id', '=', userId)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .returningAll()
        .execute();
      return rows.map(toChallenge);
    },
    async challengeStats(userId, since, now, of = 'sign-in') {
      const r = await stats[of].first(userId, since, now);
      if (!r) throw new TypeError('challengeStats: a count returned no row');
      return {
        created: num(r.created, 'count'),
        outstanding: num(r.outstanding, 'count'),
        denied: num(r.denied, 'count'),
        unanswered: num(r.unanswered, 'count'),
      };
    },
  };
}
