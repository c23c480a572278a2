// The Repository contract for app registrations, consents and the OpenID provider's records,
// run on SQLite and PostgreSQL: records round-trip, expiry holds at the exact millisecond,
// a code is consumed by exactly one of many concurrent callers, and a grant's records go together.
import { beforeEach, describe, expect, it } from 'vitest';
import type { App, OidcRecord, User } from '../domain/types.ts';
import { useRepositoryWithUser, type RepositoryHarness } from './repository.contract.ts';
import type { Repository } from './repository.ts';

const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);
let seq = 0;
const id = (tag: string) => `${tag}${(++seq).toString(36)}`.padEnd(22, '_').slice(0, 22);

const makeApp = (over: Partial<App> = {}): App => ({
  id: id('a'),
  name: 'Zoë’s “Grafana” 📈',
  secretHash: 'h'.repeat(43),
  tokenAuthMethod: 'client_secret_post',
  redirectUris: ['https://grafana.example.test/login/generic_oauth', 'http://localhost:8080/cb?x=1&y=2'],
  postLogoutRedirectUris: [],
  access: { everyone: false, groups: ['Pilot', 'Ünïcode'], userIds: ['u1'] },
  createdAt: T0,
  secretSetAt: T0,
  disabled: false,
  backchannel: false,
  ...over,
});
const makeRecord = (over: Partial<OidcRecord> = {}): OidcRecord => ({
  kind: 'AuthorizationCode',
  id: id('r'),
  payload: { accountId: 'u1', scope: 'openid profile', nested: { ü: ['✓'] } },
  grantId: 'g1',
  uid: null,
  userCode: null,
  createdAt: T0,
  expiresAt: T0 + 60_000,
  consumedAt: null,
  ...over,
});

export function describeAppsContract(name: string, makeHarness: () => RepositoryHarness): void {
  describe(`Repository contract, apps and the OpenID provider: ${name}`, () => {
    const ctx = useRepositoryWithUser(makeHarness);
    let repo: Repository;
    let user: User;
    beforeEach(() => {
      ({ repo, user } = ctx);
    });

    it('round-trips an app, lists apps by name, replaces and deletes one', async () => {
      const app = makeApp();
      const pub = makeApp({ name: 'A public one', secretHash: null, tokenAuthMethod: 'none', secretSetAt: null, access: { everyone: true, groups: [], userIds: [] }, disabled: true });
      await repo.createApp(app);
      await repo.createApp(pub);
      expect(await repo.getApp(app.id)).toEqual(app);
      expect(await repo.listApps()).toEqual([pub, app]);
      const changed = { ...app, backchannel: true, name: 'Renamed', redirectUris: ['https://x.test/cb'], secretHash: 'n'.repeat(43), secretSetAt: T0 + 5, createdAt: 0 };
      expect(await repo.replaceApp(changed)).toBe(true);
      expect(await repo.getApp(app.id)).toEqual({ ...changed, createdAt: T0 });
      expect(await repo.deleteApp(app.id)).toBe(true);
      expect(await repo.getApp(app.id)).toBeNull();
      expect(await repo.replaceApp(changed)).toBe(false);
      expect(await repo.deleteApp(app.id)).toBe(false);
    });

    it('keeps one consent per user and app, and deleting the app deletes its consents', async () => {
      const app = makeApp();
      await repo.createApp(app);
      expect(await repo.getConsent(user.id, app.id)).toBeNull();
      await repo.saveConsent({ userId: user.id, appId: app.id, scopes: ['openid'], grantedAt: T0 });
      await repo.saveConsent({ userId: user.id, appId: app.id, scopes: ['openid', 'profile'], grantedAt: T0 + 1 });
      expect(await repo.getConsent(user.id, app.id)).toEqual({ userId: user.id, appId: app.id, scopes: ['openid', 'profile'], grantedAt: T0 + 1 });
      await repo.deleteApp(app.id);
      expect(await repo.getConsent(user.id, app.id)).toBeNull();
    });

    it('finds a record by id, uid or user code until the millisecond it expires', async () => {
      const r = makeRecord({ kind: 'Interaction', uid: 'uid-1', userCode: 'ABCD-EFGH' });
      await repo.saveOidcRecord(r);
      const before = r.expiresAt - 1;
      expect(await repo.findOidcRecord('Interaction', { id: r.id }, before)).toEqual(r);
      expect(await repo.findOidcRecord('Interaction', { uid: 'uid-1' }, before)).toEqual(r);
      expect(await repo.findOidcRecord('Interaction', { userCode: 'ABCD-EFGH' }, before)).toEqual(r);
      expect(await repo.findOidcRecord('Session', { id: r.id }, before)).toBeNull();
      expect(await repo.findOidcRecord('Interaction', { id: r.id }, r.expiresAt)).toBeNull();
      // Saving again replaces the whole record but its creation time.
      await repo.saveOidcRecord({ ...r, payload: { replaced: true }, uid: null, createdAt: T0 + 5 });
      expect(await repo.findOidcRecord('Interaction', { id: r.id }, before)).toMatchObject({ payload: { replaced: true }, createdAt: T0 });
      expect(await repo.findOidcRecord('Interaction', { uid: 'uid-1' }, before)).toBeNull();
      await repo.deleteOidcRecord('Interaction', r.id);
      expect(await repo.findOidcRecord('Interaction', { id: r.id }, before)).toBeNull();
    });

    it('consumes a code for exactly one of many concurrent callers', async () => {
      const r = makeRecord();
      await repo.saveOidcRecord(r);
      const wins = await Promise.all(Array.from({ length: 8 }, () => repo.consumeOidcRecord(r.kind, r.id, T0 + 1)));
      expect(wins.filter(Boolean)).toHaveLength(1);
      expect((await repo.findOidcRecord(r.kind, { id: r.id }, T0 + 2))?.consumedAt).toBe(T0 + 1);
    });

    it('deletes every record of a grant and nothing else', async () => {
      const code = makeRecord({ grantId: 'g-del' });
      const token = makeRecord({ kind: 'RefreshToken', grantId: 'g-del' });
      const other = makeRecord({ grantId: 'g-keep' });
      for (const r of [code, token, other]) await repo.saveOidcRecord(r);
      expect(await repo.deleteOidcGrant('g-del')).toBe(2);
      expect(await repo.findOidcRecord(code.kind, { id: code.id }, T0)).toBeNull();
      expect(await repo.findOidcRecord(token.kind, { id: token.id }, T0)).toBeNull();
      expect(await repo.findOidcRecord(other.kind, { id: other.id }, T0)).toEqual(other);
    });

    it('purges records past their expiry and keeps the live ones', async () => {
      const spent = makeRecord({ expiresAt: T0 });
      const live = makeRecord({ expiresAt: T0 + 10 });
      await repo.saveOidcRecord(spent);
      await repo.saveOidcRecord(live);
      await repo.purge(0, T0 + 1);
      expect(await repo.findOidcRecord(live.kind, { id: live.id }, T0)).toEqual(live);
      expect(await repo.findOidcRecord(spent.kind, { id: spent.id }, T0 - 1)).toBeNull();
    });
  });
}
