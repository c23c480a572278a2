// Passkeys (WebAuthn credentials). Deleting the row is what revokes one.
import { sql, type Updateable } from 'kysely';
import type { Passkey } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import type { PasskeysTable } from '../schema.ts';
import { isEmptyPatch } from './users.ts';
import { flag, num, numOrNull, str, stringList, toFlag, type Row } from './parse.ts';

const toPasskey = (r: Row): Passkey => ({
  id: str(r.id),
  userId: str(r.user_id),
  credentialId: str(r.credential_id),
  publicKey: str(r.public_key),
  counter: num(r.counter, 'passkeys.counter'),
  transports: stringList(r.transports_json, 'passkeys.transports_json'),
  name: str(r.name),
  aaguid: str(r.aaguid),
  backedUp: flag(r.backed_up),
  createdAt: num(r.created_at, 'passkeys.created_at'),
  lastUsedAt: numOrNull(r.last_used_at, 'passkeys.last_used_at'),
});

const passkeyPatch = (p: Partial<Pick<Passkey, 'name' | 'lastUsedAt'>>): Updateable<PasskeysTable> => ({ name: p.name, last_used_at: p.lastUsedAt });

type PasskeysStore = Pick<Repository, 'createPasskey' | 'getPasskeyByCredentialId' | 'listUserPasskeys' | 'updatePasskey' | 'advancePasskeyCounter' | 'deletePasskey'>;

export function passkeysStore(engine: Engine): PasskeysStore {
  const { insertionOrder } = engine;
  return {
    async createPasskey(p) {
      await engine.db
        .insertInto('passkeys')
        .values({
          id: p.id,
          user_id: p.userId,
          credential_id: p.credentialId,
          public_key: p.publicKey,
          counter: p.counter,
          transports_json: JSON.stringify(p.transports),
          name: p.name,
          aaguid: p.aaguid,
          backed_up: toFlag(p.backedUp),
          created_at: p.createdAt,
          last_used_at: p.lastUsedAt,
        })
        .execute();
    },
    async getPasskeyByCredentialId(credentialId) {
      const r = await engine.db.selectFrom('passkeys').selectAll().where('credential_id', '=', credentialId).executeTakeFirst();
      return r ? toPasskey(r) : null;
    },
    async listUserPasskeys(userId) {
      // Oldest first; passkeys added in the same millisecond in the order they were added.
      const rows = await engine.db.selectFrom('passkeys').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy(sql.ref(insertionOrder)).execute();
      return rows.map(toPasskey);
    },
    async updatePasskey(id, patch) {
      const set = passkeyPatch(patch);
      if (isEmptyPatch(set)) return;
      await engine.db.updateTable('passkeys').set(set).where('id', '=', id).execute();
    },
    async advancePasskeyCounter(id, counter) {
      const r = await engine.db.updateTable('passkeys').set({ counter }).where('id', '=', id).where('counter', '<', counter).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deletePasskey(id) {
      const r = await engine.db.deleteFrom('passkeys').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
  };
}
