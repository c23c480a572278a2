// Key/value settings: tenant name, policies (JSON), the server key.
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import { prepared } from '../prepared.ts';

export function settingsStore(engine: Engine): Pick<Repository, 'getSetting' | 'setSetting' | 'initSetting' | 'replaceSetting'> {
  // Read on every request (policies, tenant name): from memory where the engine keeps them.
  const byKey = prepared(engine, (key: string) => engine.db.selectFrom('settings').select('value').where('key', '=', key));
  const fromDatabase = async (key: string) => {
    const r = await byKey.first(key);
    return r ? String(r.value) : null;
  };
  const getSetting = (key: string) => {
    const { settings } = engine;
    return settings ? settings.read(key, () => fromDatabase(key)) : fromDatabase(key);
  };
  // Dropped before the write, and again once it is done: a read that ran meanwhile may have seen either value.
  const writing = async (key: string, write: () => Promise<unknown>) => {
    const { settings } = engine;
    settings?.writing(key);
    try {
      await write();
    } finally {
      settings?.written(key);
    }
  };
  return {
    getSetting,
    async setSetting(key, value) {
      await writing(key, () => engine.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute());
    },
    async initSetting(key, value) {
      // Only the first writer's value lands; every starter then reads the same one.
      await writing(key, () => engine.db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doNothing()).execute());
      const stored = await getSetting(key);
      if (stored === null) throw new TypeError(`initSetting: "${key}" vanished after it was stored`);
      return stored;
    },
    async replaceSetting(key, expected, value) {
      let replaced = false;
      await writing(key, async () => {
        const r = await engine.db.updateTable('settings').set({ value }).where('key', '=', key).where('value', '=', expected).executeTakeFirst();
        replaced = Number(r.numUpdatedRows) === 1;
      });
      return replaced;
    },
  };
}
