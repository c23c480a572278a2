// Enrolled authenticator devices.
import { sql, type Updateable } from 'kysely';
import type { Device } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';
import type { DevicesTable } from '../schema.ts';
import { isEmptyPatch } from './users.ts';
import { flag, num, numOrNull, str, stringList, toFlag, type Row } from './parse.ts';

const toDevice = (r: Row): Device => ({
  id: str(r.id),
  userId: str(r.user_id),
  publicKey: str(r.public_key),
  name: str(r.name),
  clientVersion: str(r.client_version),
  capabilities: stringList(r.capabilities_json, 'devices.capabilities_json'),
  passwordless: flag(r.passwordless),
  createdAt: num(r.created_at, 'devices.created_at'),
  lastUsedAt: numOrNull(r.last_used_at, 'devices.last_used_at'),
  revokedAt: numOrNull(r.revoked_at, 'devices.revoked_at'),
  lastCommandAt: num(r.last_command_at, 'devices.last_command_at'),
});

const devicePatch = (p: Partial<Omit<Device, 'id' | 'userId' | 'publicKey'>>): Updateable<DevicesTable> => ({
  name: p.name,
  client_version: p.clientVersion,
  capabilities_json: p.capabilities && JSON.stringify(p.capabilities),
  passwordless: p.passwordless === undefined ? undefined : toFlag(p.passwordless),
  created_at: p.createdAt,
  last_used_at: p.lastUsedAt,
  revoked_at: p.revokedAt,
  last_command_at: p.lastCommandAt,
});

type DevicesStore = Pick<Repository, 'createDevice' | 'getDevice' | 'listUserDevices' | 'updateDevice' | 'advanceCommandTimestamp'>;

export function devicesStore(engine: Engine): DevicesStore {
  const { insertionOrder } = engine;
  // On every sign-in and every answer from a device.
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('devices').selectAll().where('id', '=', id));
  // Oldest first; devices added in the same millisecond in the order they were added.
  const ofUser = prepared(engine, (userId: string) =>
    engine.db.selectFrom('devices').selectAll().where('user_id', '=', userId).orderBy('created_at').orderBy(sql.ref(insertionOrder)),
  );
  const update = prepared(engine, (id: string, set: Updateable<DevicesTable>) => engine.db.updateTable('devices').set(set).where('id', '=', id));
  return {
    async createDevice(d) {
      await engine.db
        .insertInto('devices')
        .values({
          id: d.id,
          user_id: d.userId,
          public_key: d.publicKey,
          name: d.name,
          client_version: d.clientVersion,
          capabilities_json: JSON.stringify(d.capabilities),
          passwordless: toFlag(d.passwordless),
          created_at: d.createdAt,
          last_used_at: d.lastUsedAt,
          revoked_at: d.revokedAt,
          last_command_at: d.lastCommandAt,
        })
        .execute();
    },
    async getDevice(id) {
      const r = await byId.first(id);
      return r ? toDevice(r) : null;
    },
    async listUserDevices(userId) {
      return (await ofUser.all(userId)).map(toDevice);
    },
    async updateDevice(id, patch) {
      const set = devicePatch(patch);
      if (isEmptyPatch(set)) return;
      await update.changes(id, set);
    },
    async advanceCommandTimestamp(deviceId, timestamp) {
      const r = await engine.db
        .updateTable('devices')
        .set({ last_command_at: timestamp })
        .where('id', '=', deviceId)
        .where('last_command_at', '<', timestamp)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
