// App registrations (OpenID Connect clients) and the consent each user gave each app.
import { TOKEN_AUTH_METHODS, type App, type AppAccess, type AppConsent } from '../../domain/types.ts';
import type { Repository } from '../repository.ts';
import type { Engine } from '../engine.ts';
import type { AppsTable } from '../schema.ts';
import { prepared } from '../prepared.ts';
import { flag, memberOf, num, numOrNull, str, stringList, strOrNull, toFlag, type Row } from './parse.ts';

const authMethod = memberOf(TOKEN_AUTH_METHODS);

function access(v: unknown): AppAccess {
  const a = JSON.parse(String(v)) as Partial<AppAccess> | null;
  const list = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  if (!a || typeof a.everyone !== 'boolean' || !list(a.groups) || !list(a.userIds)) throw new TypeError(`Stored apps.access_json is ${String(v)}, expected {everyone, groups, userIds}`);
  return { everyone: a.everyone, groups: a.groups!, userIds: a.userIds! };
}

const toApp = (r: Row): App => ({
  id: str(r.id),
  name: str(r.name),
  secretHash: strOrNull(r.secret_hash),
  tokenAuthMethod: authMethod(r.token_auth_method, 'apps.token_auth_method'),
  redirectUris: stringList(r.redirect_uris_json, 'apps.redirect_uris_json'),
  postLogoutRedirectUris: stringList(r.post_logout_redirect_uris_json, 'apps.post_logout_redirect_uris_json'),
  access: access(r.access_json),
  createdAt: num(r.created_at, 'apps.created_at'),
  secretSetAt: numOrNull(r.secret_set_at, 'apps.secret_set_at'),
  disabled: flag(r.disabled),
  backchannel: flag(r.backchannel),
});

const toRow = (a: Omit<App, 'id' | 'createdAt'>): Omit<AppsTable, 'id' | 'created_at'> => ({
  name: a.name,
  secret_hash: a.secretHash,
  token_auth_method: a.tokenAuthMethod,
  redirect_uris_json: JSON.stringify(a.redirectUris),
  post_logout_redirect_uris_json: JSON.stringify(a.postLogoutRedirectUris),
  access_json: JSON.stringify(a.access),
  secret_set_at: a.secretSetAt,
  disabled: toFlag(a.disabled),
  backchannel: toFlag(a.backchannel),
});

type AppsStore = Pick<Repository, 'createApp' | 'getApp' | 'listApps' | 'replaceApp' | 'deleteApp' | 'getConsent' | 'saveConsent' | 'deleteConsent'>;

export function appsStore(engine: Engine): AppsStore {
  // Read on every authorization and token request (the provider's client lookup).
  const byId = prepared(engine, (id: string) => engine.db.selectFrom('apps').selectAll().where('id', '=', id));
  return {
    async createApp(a) {
      await engine.db.insertInto('apps').values({ id: a.id, created_at: a.createdAt, ...toRow(a) }).execute();
    },
    async getApp(id) {
      const r = await byId.first(id);
      return r ? toApp(r) : null;
    },
    async listApps() {
      return (await engine.db.selectFrom('apps').selectAll().orderBy('name').orderBy('id').execute()).map(toApp);
    },
    async replaceApp(a) {
      const r = await engine.db.updateTable('apps').set(toRow(a)).where('id', '=', a.id).executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async deleteApp(id) {
      const r = await engine.db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return Number(r.numDeletedRows) === 1;
    },
    async getConsent(userId, appId) {
      const r = await engine.db.selectFrom('app_consents').selectAll().where('user_id', '=', userId).where('app_id', '=', appId).executeTakeFirst();
      return r ? { userId: str(r.user_id), appId: str(r.app_id), scopes: stringList(r.scopes, 'app_consents.scopes'), grantedAt: num(r.granted_at, 'app_consents.granted_at') } : null;
    },
    async saveConsent(c: AppConsent) {
      const row = { scopes: JSON.stringify(c.scopes), granted_at: c.grantedAt };
      await engine.db
        .insertInto('app_consents')
        .values({ user_id: c.userId, app_id: c.appId, ...row })
        .onConflict((oc) => oc.columns(['user_id', 'app_id']).doUpdateSet(row))
        .execute();
    },
    async deleteConsent(userId, appId) {
      await engine.db.deleteFrom('app_consents').where('user_id', '=', userId).where('app_id', '=', appId).execute();
    },
  };
}
