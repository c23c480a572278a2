// oidc-provider's storage, on pushkey's repository: clients are the app registrations, and
// every other kind of record (sessions, interactions, codes, tokens, grants) is one row of
// oidc_records, so that they survive restarts and every instance sees the same ones.
import { errors, type Adapter, type AdapterFactory, type AdapterPayload } from 'oidc-provider';
import type { Deps } from '../../domain/deps.ts';
import type { App } from '../../domain/types.ts';
import { CIBA_GRANT } from './backchannel.ts';

/** The grants every app is registered for: code + PKCE, and refresh tokens. */
export const APP_GRANT_TYPES = ['authorization_code', 'refresh_token'];

/**
 * An app as the provider's client. The "secret" it holds is the stored hash: provider.ts
 * compares the hash of what the app sends, so the secret itself is never kept.
 */
export function clientMetadata(app: App): AdapterPayload {
  return {
    client_id: app.id,
    client_name: app.name,
    ...(app.secretHash ? { client_secret: app.secretHash } : {}),
    token_endpoint_auth_method: app.tokenAuthMethod,
    redirect_uris: app.redirectUris,
    post_logout_redirect_uris: app.postLogoutRedirectUris,
    // Sign-ins without a browser (CIBA, poll mode) only for the apps an administrator allowed.
    ...(app.backchannel ? { grant_types: [...APP_GRANT_TYPES, CIBA_GRANT], backchannel_token_delivery_mode: 'poll' } : { grant_types: APP_GRANT_TYPES }),
    response_types: ['code'],
  };
}

const unsupported = (what: string) => () => Promise.reject(new TypeError(`The client adapter does not ${what}: apps are managed in the admin portal`));

function clientsAdapter(d: Deps): Adapter {
  return {
    async find(id) {
      const app = await d.repo.getApp(id);
      return app && !app.disabled ? clientMetadata(app) : undefined;
    },
    upsert: unsupported('write'),
    destroy: unsupported('delete'),
    findByUid: unsupported('look up by uid'),
    findByUserCode: unsupported('look up by user code'),
    consume: unsupported('consume'),
    revokeByGrantId: unsupported('revoke'),
  };
}

/** Expiry as the in-memory adapter keeps it: the provider's lifetime plus its clock tolerance. */
const FAR = 10 * 365 * 86_400;

function recordsAdapter(d: Deps, kind: string, clockToleranceS: number): Adapter {
  const asPayload = (r: { payload: Record<string, unknown>; consumedAt: number | null } | null): AdapterPayload | undefined =>
    r ? { ...(r.payload as AdapterPayload), ...(r.consumedAt === null ? {} : { consumed: Math.floor(r.consumedAt / 1000) }) } : undefined;
  const now = () => d.clock.now();
  return {
    async upsert(id, payload, expiresIn) {
      await d.repo.saveOidcRecord({
        kind,
        id,
        payload: payload as Record<string, unknown>,
        grantId: payload.grantId ?? null,
        uid: payload.uid ?? null,
        userCode: payload.userCode ?? null,
        createdAt: now(),
        expiresAt: now() + ((expiresIn ?? FAR) + clockToleranceS) * 1000,
        consumedAt: null,
      });
    },
    find: async (id) => asPayload(await d.repo.findOidcRecord(kind, { id }, now())),
    findByUid: async (uid) => asPayload(await d.repo.findOidcRecord(kind, { uid }, now())),
    findByUserCode: async (userCode) => asPayload(await d.repo.findOidcRecord(kind, { userCode }, now())),
    async consume(id) {
      // The provider checks "consumed" on the record it read, then consumes: two instances
      // exchanging one code at once would both pass that check. One conditional write decides,
      // and the loser is a replay: the grant's tokens go too (RFC 6749 §4.1.2).
      if (await d.repo.consumeOidcRecord(kind, id, now())) return;
      const record = await d.repo.findOidcRecord(kind, { id }, now());
      if (record?.grantId) await d.repo.deleteOidcGrant(record.grantId);
      throw new errors.InvalidGrant(`${kind} already consumed`);
    },
    async destroy(id) {
      await d.repo.deleteOidcRecord(kind, id);
    },
    async revokeByGrantId(grantId) {
      await d.repo.deleteOidcGrant(grantId);
    },
  };
}

export function repositoryAdapter(d: Deps, clockToleranceS: number): AdapterFactory {
  return (kind) => (kind === 'Client' ? clientsAdapter(d) : recordsAdapter(d, kind, clockToleranceS));
}
