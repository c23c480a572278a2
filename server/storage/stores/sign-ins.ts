// The sign-in log: one entry per attempt (keyed by its flow id), rewritten as it goes on.
import { sql } from 'kysely';
import type { SignInEntry, SignInStep } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import type { SignInsTable } from '../schema.ts';
import { contains, num, oneOf, str, stringList, strOrNull, type Row } from './parse.ts';
import { countWhere, likeIgnoringCase } from './match.ts';

const result = oneOf<SignInEntry['result']>({ success: true, failure: true, in_progress: true });
const requirement = oneOf<SignInEntry['requirement']>({ single: true, multifactor: true, none: true });
const stepResult = oneOf<SignInStep['result']>({ success: true, failure: true, pending: true });

function steps(v: unknown): SignInStep[] {
  const list: unknown = JSON.parse(String(v));
  if (!Array.isArray(list)) throw new TypeError(`Stored signins.steps_json is ${String(v)}, expected a list`);
  return (list as unknown[]).map((item) => {
    if (typeof item !== 'object' || item === null) throw new TypeError(`Stored signins.steps_json holds ${JSON.stringify(item)}, expected a step`);
    const s = item as Record<string, unknown>;
    return {
    method: str(s.method),
    detail: str(s.detail),
    result: stepResult(s.result, 'signins.steps_json result'),
    at: num(s.at, 'signins.steps_json at'),
    durationMs: num(s.durationMs, 'signins.steps_json durationMs'),
    ...(s.challengeId === undefined ? {} : { challengeId: str(s.challengeId) }),
    };
  });
}

const toSignIn = (r: Row): SignInEntry => ({
  id: str(r.id),
  at: num(r.at, 'signins.at'),
  userId: strOrNull(r.user_id),
  upn: str(r.upn),
  app: str(r.app),
  ip: str(r.ip),
  location: str(r.location),
  browser: str(r.browser),
  os: str(r.os ?? ''),
  result: result(r.result, 'signins.result'),
  expiresAt: num(r.expires_at, 'signins.expires_at'),
  failureCode: strOrNull(r.failure_code),
  reason: strOrNull(r.reason),
  requirement: requirement(r.requirement ?? 'none', 'signins.requirement'),
  methods: stringList(r.methods_json, 'signins.methods_json'),
  steps: steps(r.steps_json),
});

const signInRow = (e: SignInEntry): Omit<SignInsTable, 'id'> => ({
  at: e.at,
  user_id: e.userId,
  upn: e.upn,
  app: e.app,
  ip: e.ip,
  location: e.location,
  browser: e.browser,
  os: e.os,
  result: e.result,
  expires_at: e.expiresAt,
  failure_code: e.failureCode,
  reason: e.reason,
  requirement: e.requirement,
  methods_json: JSON.stringify(e.methods),
  steps_json: JSON.stringify(e.steps),
});

type SignInsStore = Pick<Repository, 'upsertSignIn' | 'getSignIn' | 'listSignIns' | 'endExpiredSignIns' | 'signInHistory'>;

export function signInsStore(engine: Engine): SignInsStore {
  const { db, insertionOrder } = engine;
  // Written as a sign-in starts and ends, and read for the monitoring rules.
  const upsert = prepared(engine, (id: string, row: Omit<SignInsTable, 'id'>) =>
    db
      .insertInto('signins')
      .values({ id, ...row })
      // Each value bound once: the update takes the row that conflicted.
      .onConflict((oc) => oc.column('id').doUpdateSet(Object.fromEntries(Object.keys(row).map((c) => [c, sql.ref<never>(`excluded.${c}`)])))),
  );
  const history = prepared(engine, (userId: string, ip: string, location: string, exceptId: string) =>
    db
      .selectFrom('signins')
      .select((eb) => [eb.fn.countAll<string | number>().as('n'), countWhere(sql`ip = ${ip}`).as('ip'), countWhere(sql`location = ${location}`).as('loc')])
      .where('user_id', '=', userId)
      // A literal, not a parameter: SQLite then reads this count faster (measured, by half).
      .where('result', '=', sql.lit('success'))
      .where('id', '<>', exceptId),
  );
  return {
    async upsertSignIn(e) {
      await upsert.changes(e.id, signInRow(e));
    },
    async getSignIn(id) {
      const r = await db.selectFrom('signins').selectAll().where('id', '=', id).executeTakeFirst();
      return r ? toSignIn(r) : null;
    },
    async listSignIns(f) {
      let q = db.selectFrom('signins').selectAll();
      if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
      if (f.upn) q = q.where(likeIgnoringCase('upn', contains(f.upn)));
      // A method counts when the attempt ended with it or any step used it.
      const method = f.method;
      if (method) q = q.where((eb) => eb.or([likeIgnoringCase('methods_json', contains(JSON.stringify(method))), likeIgnoringCase('steps_json', contains(`"method":${JSON.stringify(method)}`))]));
      if (f.result !== undefined) q = q.where('result', '=', f.result);
      if (f.app !== undefined) q = q.where('app', '=', f.app);
      if (f.ip !== undefined) q = q.where('ip', '=', f.ip);
      if (f.from !== undefined) q = q.where('at', '>=', f.from);
      if (f.to !== undefined) q = q.where('at', '<', f.to);
      const rows = await q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc').limit(f.limit).offset(f.offset ?? 0).execute();
      return rows.map(toSignIn);
    },
    async endExpiredSignIns(now, end, id) {
      let q = db
        .updateTable('signins')
        .set({ result: 'failure', failure_code: end.failureCode, reason: end.reason })
        .where('result', '=', 'in_progress')
        .where('expires_at', '<=', now);
      if (id !== undefined) q = q.where('id', '=', id);
      const r = await q.executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    async signInHistory(userId, ip, location, exceptId) {
      const r = await history.first(userId, ip, location, exceptId);
      if (!r) throw new TypeError('signInHistory: a count returned no row');
      return { any: num(r.n, 'count') > 0, ip: num(r.ip, 'count') > 0, location: num(r.loc, 'count') > 0 };
    },
  };
}
