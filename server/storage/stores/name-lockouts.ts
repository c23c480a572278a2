// Lockout for user names that name no account: the same count and lock as a user row
// (users.ts countFailure), keyed by the normalized name, so that wrong passwords for a name
// nobody has lock it exactly as they would lock an account.
import { sql } from 'kysely';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { num } from './parse.ts';

export function nameLockoutsStore(engine: Engine): Pick<Repository, 'countNameFailure' | 'nameLockedUntil'> {
  return {
    async countNameFailure(name, cap, now, lockUntil) {
      const first = 1 >= cap;
      const reachesCap = sql`name_lockouts.failures + 1 >= ${cap}`;
      // One statement, as for a user row: a locked name is not counted (the update's WHERE
      // refuses it and nothing comes back), and parallel failures count one by one.
      const r = await engine.db
        .insertInto('name_lockouts')
        .values({ name, failures: first ? 0 : 1, locked_until: first ? lockUntil : 0 })
        .onConflict((oc) =>
          oc
            .column('name')
            .doUpdateSet({
              failures: sql<number>`case when ${reachesCap} then 0 else name_lockouts.failures + 1 end`,
              locked_until: sql<number>`case when ${reachesCap} then ${lockUntil} else name_lockouts.locked_until end`,
            })
            .where('name_lockouts.locked_until', '<=', now),
        )
        .returning('locked_until')
        .executeTakeFirst();
      if (!r) return { locked: true, newly: false };
      const locked = num(r.locked_until, 'name_lockouts.locked_until') > now;
      return { locked, newly: locked };
    },
    async nameLockedUntil(name) {
      const r = await engine.db.selectFrom('name_lockouts').select('locked_until').where('name', '=', name).executeTakeFirst();
      return r ? num(r.locked_until, 'name_lockouts.locked_until') : 0;
    },
  };
}
