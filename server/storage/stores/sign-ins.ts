// The sign-in log: one entry per attempt (keyed by its flow id), rewritten as it goes on.
import { sql } from 'kysely';
import type { SignInEntry, SignInFilter, SignInPoint, SignInStep } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import type { SignInsTable } from '../schema.ts';
import { SIGN_IN_METHOD_BITS } from '../migrations.ts';
import { num, oneOf, str, stringList, strOrNull, type Row } from './parse.ts';
import { startsWithIgnoringCase } from './match.ts';

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

/** The bit of each method any step used (a method in `methods` has a step too). */
function methodBits(e: SignInEntry): number {
  let bits = 0;
  for (const m of [...e.methods, ...e.steps.map((s) => s.method)]) {
    const i = SIGN_IN_METHOD_BITS.indexOf(m as (typeof SIGN_IN_METHOD_BITS)[number]);
    if (i >= 0) bits |= 1 << i;
  }
  return bits;
}

/** An attempt counts once, under the method it ended with: push MFA under the push (not also the password), a denied push too. */
export const endedWith = (e: Pick<SignInEntry, 'steps' | 'methods'>): string => e.steps.at(-1)?.method ?? e.methods.at(-1) ?? '(none)';

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
  method_bits: methodBits(e),
  ended_with: endedWith(e),
});

/**
 * The rows a filter matches, newest first. Each term is one an index serves (migration 8):
 * equality on a column indexed with the time, the UPN's start as a bytewise range, a
 * method's bit as the predicate of its partial index (a literal, so that the planner can
 * match it), so that no filter reads the whole log.
 */
export function signInsMatching({ db, insertionOrder, bytewise }: Pick<Engine, 'db' | 'insertionOrder' | 'bytewise'>, f: Omit<SignInFilter, 'limit' | 'offset'>) {
  let q = db.selectFrom('signins');
  if (f.userId !== undefined) q = q.where('user_id', '=', f.userId);
  if (f.upn) q = q.where(startsWithIgnoringCase('upn', f.upn, bytewise));
  if (f.method) {
    const bit = SIGN_IN_METHOD_BITS.indexOf(f.method as (typeof SIGN_IN_METHOD_BITS)[number]);
    // A method no step can have: nothing matches.
    q = bit < 0 ? q.where(sql.lit(false)) : q.where(sql<boolean>`(method_bits & ${sql.lit(1 << bit)}) <> 0`);
  }
  if (f.result !== undefined) q = q.where('result', '=', f.result);
  if (f.app !== undefined) q = q.where('app', '=', f.app);
  if (f.ip !== undefined) q = q.where('ip', '=', f.ip);
  if (f.from !== undefined) q = q.where('at', '>=', f.from);
  if (f.to !== undefined) q = q.where('at', '<', f.to);
  return q.orderBy('at', 'desc').orderBy(sql.ref(insertionOrder), 'desc');
}

const MINUTE = 60_000;

/** A text column's value through an expression (col || ''), which no index serves: the planner then takes another. */
const unindexed = (column: 'result' | 'ip') => sql<string>`(${sql.ref(column)} || '')`;

/** A probe's answer: 1 when a row answered it, null (SQL's empty scalar subquery) when none did. */
function flag(v: unknown, what: string): boolean {
  if (v === 1 || v === '1') return true;
  if (v === null) return false;
  throw new TypeError(`signInHistory: ${what} is ${String(v)}, expected 1 or null`);
}

/** The columns that place an entry in the log, which its steps leave as they are. */
const PLACE: readonly (keyof SignInsTable)[] = ['at', 'user_id', 'upn', 'app', 'ip'];

type SignInsStore = Pick<Repository, 'upsertSignIn' | 'getSignIn' | 'listSignIns' | 'chartSignIns' | 'endExpiredSignIns' | 'signInHistory'>;

export function signInsStore(engine: Engine): SignInsStore {
  const { bytewise } = engine;
  const matching = (f: Omit<SignInFilter, 'limit' | 'offset'>) => signInsMatching(engine, f);
  const read = async (q: { compile(): { sql: string; parameters: readonly unknown[] } }) => {
    const c = q.compile();
    return (await engine.read(c.sql, c.parameters)) as Row[];
  };
  // Written as a sign-in starts and at each of its steps. Each value is bound once: the
  // update takes the row that conflicted. `upsert` rewrites only what changes as an attempt
  // goes on, and only while its place in the log is the same (when, whose, from which app and
  // address): SQLite rewrites every index on a column an update sets, even to the value it had,
  // and five of the log's indexes are on those. `replace` rewrites the whole entry.
  const upsertOf = (kept: readonly string[]) =>
    prepared(engine, (id: string, row: Omit<SignInsTable, 'id'>) =>
      engine.db
        .insertInto('signins')
        .values({ id, ...row })
        .onConflict((oc) => {
          const set = oc.column('id').doUpdateSet(Object.fromEntries(Object.keys(row).filter((c) => !kept.includes(c)).map((c) => [c, sql.ref<never>(`excluded.${c}`)])));
          return kept.length === 0 ? set : set.where((eb) => eb.and(kept.map((c) => eb(sql.ref(`signins.${c}`), 'is not distinct from', sql.ref(`excluded.${c}`)))));
        }),
    );
  const upsert = upsertOf(PLACE);
  const replace = upsertOf([]);
  // Read before each step is appended to it (logStep).
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('signins').selectAll().where('id', '=', id));
  // Asked by every successful sign-in: three probes of this user's sign-ins only
  // (signins_user), newest first, each ending at the first row that answers it: a sign-in
  // most likely comes from where the last ones did. The result and the IP are compared through
  // an expression no index is on, so that neither engine walks every user's successful
  // sign-ins (signins_result) or everyone's from a shared IP (signins_ip): the count this
  // replaces read each successful sign-in in the log, on SQLite, for every sign-in.
  const history = prepared(engine, (userId: string, ip: string, location: string, exceptId: string) => {
    const newestSuccess = () =>
      engine.db
        .selectFrom('signins')
        .select(sql.lit(1).as('one'))
        .where('user_id', '=', userId)
        .where(unindexed('result'), '=', sql.lit('success'))
        .where('id', '<>', exceptId)
        .orderBy('at', 'desc')
        .limit(1);
    return engine.db.selectNoFrom([
      newestSuccess().as('any'),
      newestSuccess().where(unindexed('ip'), '=', ip).as('ip'),
      newestSuccess().where('location', '=', location).as('loc'),
    ]);
  });
  return {
    async upsertSignIn(e) {
      const row = signInRow(e);
      // Nothing written: the entry is there, in another place (a user named late).
      if ((await upsert.changes(e.id, row)) === 0) await replace.changes(e.id, row);
    },
    async getSignIn(id) {
      const r = await byId.first(id);
      return r ? toSignIn(r) : null;
    },
    async listSignIns(f) {
      const rows = await read(matching(f).selectAll().limit(f.limit).offset(f.offset ?? 0));
      return rows.map(toSignIn);
    },
    async chartSignIns(f, limit) {
      // Counted by the database, over the newest `limit` (read through the filter's index),
      // so that only the counts travel; and whether one more matched.
      const finished = (q: ReturnType<typeof matching>) => q.where('result', '<>', 'in_progress');
      const newest = finished(matching(f)).select(['at', 'result', 'ended_with']).limit(limit);
      const minute = sql<number>`(at / ${sql.lit(MINUTE)}) * ${sql.lit(MINUTE)}`;
      const counts = engine.db
        .selectFrom(newest.as('newest'))
        .select([minute.as('minute'), 'result', 'ended_with', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy([minute, 'result', 'ended_with'])
        .orderBy(minute, 'desc')
        .orderBy('result')
        .orderBy(sql`ended_with collate ${sql.raw(bytewise === 'C' ? '"C"' : 'BINARY')}`);
      const [rows, beyond] = await Promise.all([read(counts), read(finished(matching(f)).select('at').limit(1).offset(limit))]);
      return {
        points: rows.map((r): SignInPoint => [num(r.minute, 'signins.at'), r.result === 'success' ? 'success' : 'failure', str(r.ended_with), num(r.n, 'count')]),
        capped: beyond.length > 0,
      };
    },
    async endExpiredSignIns(now, end, id) {
      let q = engine.db
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
      if (!r) throw new TypeError('signInHistory: the probes returned no row');
      return { any: flag(r.any, 'any'), ip: flag(r.ip, 'ip'), location: flag(r.loc, 'loc') };
    },
  };
}
