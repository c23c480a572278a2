// Users: the directory, and the failure counters behind lockout.
import { sql, type Updateable } from 'kysely';
import { ROLES, type User } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import type { UsersTable } from '../schema.ts';
import { contains, flag, memberOf, num, str, stringList, toFlag, type Row } from './parse.ts';
import { likeIgnoringCase } from './match.ts';

const role = memberOf(ROLES);

export function toUser(r: Row): User {
  return {
    id: str(r.id),
    upn: str(r.upn),
    displayName: str(r.display_name),
    passwordHash: str(r.password_hash),
    groups: stringList(r.groups_json, 'users.groups_json'),
    roles: stringList(r.roles_json, 'users.roles_json').map((x) => role(x, 'users.roles_json')),
    disabled: flag(r.disabled),
    createdAt: num(r.created_at, 'users.created_at'),
    passwordFailures: num(r.password_failures, 'users.password_failures'),
    pushFailures: num(r.push_failures, 'users.push_failures'),
    lockedUntil: num(r.locked_until, 'users.locked_until'),
    pushPausedUntil: num(r.push_paused_until, 'users.push_paused_until'),
    passwordResetAt: num(r.password_reset_at, 'users.password_reset_at'),
    risk: r.risk_since === null || r.risk_since === undefined ? null : { since: num(r.risk_since, 'users.risk_since'), detail: str(r.risk_detail) },
  };
}

function userPatch(p: Partial<Omit<User, 'id' | 'createdAt'>>): Updateable<UsersTable> {
  return {
    upn: p.upn,
    display_name: p.displayName,
    password_hash: p.passwordHash,
    groups_json: p.groups && JSON.stringify(p.groups),
    roles_json: p.roles && JSON.stringify(p.roles),
    disabled: p.disabled === undefined ? undefined : toFlag(p.disabled),
    password_failures: p.passwordFailures,
    push_failures: p.pushFailures,
    locked_until: p.lockedUntil,
    push_paused_until: p.pushPausedUntil,
    password_reset_at: p.passwordResetAt,
    ...(p.risk === undefined ? {} : { risk_since: p.risk?.since ?? null, risk_detail: p.risk?.detail ?? '' }),
  };
}

/** Kysely leaves out undefined values; a patch with none would be an empty SET. */
export const isEmptyPatch = (patch: object): boolean => Object.values(patch).every((v) => v === undefined);

type UsersStore = Pick<Repository, 'createUser' | 'getUser' | 'getUserByUpn' | 'listUsers' | 'updateUser' | 'countFailure'>;

export function usersStore(engine: Engine): UsersStore {
  const { bytewise } = engine;
  // On every sign-in.
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('users').selectAll().where('id', '=', id));
  // A UPN is one name whatever its case: both engines index lower(upn) (ASCII letters fold
  // on both; PostgreSQL folds the rest too).
  const byUpn = prepared(engine, (upn: string) => engine.db.selectFrom('users').selectAll().where(sql`lower(upn)`, '=', sql`lower(${upn})`));
  const update = prepared(engine, (id: string, set: Updateable<UsersTable>) => engine.db.updateTable('users').set(set).where('id', '=', id));
  return {
    async createUser(u) {
      await engine.db
        .insertInto('users')
        .values({
          id: u.id,
          upn: u.upn,
          display_name: u.displayName,
          password_hash: u.passwordHash,
          groups_json: JSON.stringify(u.groups),
          roles_json: JSON.stringify(u.roles),
          disabled: toFlag(u.disabled),
          created_at: u.createdAt,
          password_failures: u.passwordFailures,
          push_failures: u.pushFailures,
          locked_until: u.lockedUntil,
          push_paused_until: u.pushPausedUntil,
          password_reset_at: u.passwordResetAt,
          risk_since: u.risk?.since ?? null,
          risk_detail: u.risk?.detail ?? '',
        })
        .execute();
    },
    async getUser(id) {
      const r = await byId.first(id);
      return r ? toUser(r) : null;
    },
    async getUserByUpn(upn) {
      const r = await byUpn.first(upn);
      return r ? toUser(r) : null;
    },
    async listUsers(q) {
      const like = contains(q.search ?? '');
      const rows = await engine.db
        .selectFrom('users')
        .selectAll()
        .where((eb) => eb.or([likeIgnoringCase('upn', like), likeIgnoringCase('display_name', like)]))
        .orderBy(sql`display_name collate ${sql.raw(bytewise === 'C' ? '"C"' : 'BINARY')}`)
        .orderBy('id')
        .limit(q.limit)
        .offset(q.offset)
        .execute();
      return rows.map(toUser);
    },
    async updateUser(id, patch) {
      const set = userPatch(patch);
      if (isEmptyPatch(set)) return;
      await update.changes(id, set);
    },
    async countFailure(userId, counter, cap, now, lockUntil) {
      const col = sql.ref(counter === 'password' ? 'password_failures' : 'push_failures');
      const reachesCap = sql`${col} + 1 >= ${cap}`;
      // One statement, matching only an unlocked row (the engine locks it while it runs): a
      // locked user is not counted, and failures on any instance count one by one.
      const r = await engine.db
        .updateTable('users')
        .set({
          [counter === 'password' ? 'password_failures' : 'push_failures']: sql<number>`case when ${reachesCap} then 0 else ${col} + 1 end`,
          locked_until: sql<number>`case when ${reachesCap} then ${lockUntil} else locked_until end`,
        })
        .where('id', '=', userId)
        .where('locked_until', '<=', now)
        .returning('locked_until')
        .executeTakeFirst();
      if (!r) return { locked: true, newly: false };
      const locked = num(r.locked_until, 'users.locked_until') > now;
      return { locked, newly: locked };
    },
  };
}
