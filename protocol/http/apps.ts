// The admin portal's app registrations: the apps (OpenID Connect clients) that sign their users
// in through pushkey. A secret is in an answer only when it is made (registration, rotation).
import * as v from 'valibot';
import { Label } from '../fields.ts';
import { route } from './route.ts';
import { Done, IdParam, Time } from './values.ts';

const Uri = v.pipe(v.string(), v.maxLength(2000));
const Uris = v.pipe(v.array(Uri), v.maxLength(20));
export const AppAccess = v.object({
  everyone: v.boolean(),
  groups: v.pipe(v.array(v.pipe(Label(64), v.minLength(1))), v.maxLength(50)),
  userIds: v.pipe(v.array(v.pipe(v.string(), v.maxLength(64))), v.maxLength(500)),
});
export const TokenAuthMethod = v.picklist(['client_secret_basic', 'client_secret_post', 'none']);

export const AppView = v.object({
  /** The OAuth client_id. */
  id: v.string(),
  name: v.string(),
  tokenAuthMethod: TokenAuthMethod,
  redirectUris: v.array(v.string()),
  postLogoutRedirectUris: v.array(v.string()),
  access: AppAccess,
  createdAt: Time,
  secretSetAt: v.nullable(Time),
  disabled: v.boolean(),
  /** May ask for sign-ins on the user's authenticator without a browser (OpenID Connect CIBA, poll mode). */
  backchannel: v.boolean(),
});
export type AppView = v.InferOutput<typeof AppView>;

const Name = v.pipe(Label(128), v.trim(), v.minLength(1, 'an app needs a name'));
export const NewApp = v.object({
  name: Name,
  redirectUris: Uris,
  postLogoutRedirectUris: v.optional(Uris, []),
  access: v.optional(AppAccess, { everyone: true, groups: [], userIds: [] }),
  tokenAuthMethod: v.optional(TokenAuthMethod, 'client_secret_basic'),
});
export const AppPatch = v.object({
  name: v.optional(Name),
  redirectUris: v.optional(Uris),
  postLogoutRedirectUris: v.optional(Uris),
  access: v.optional(AppAccess),
  disabled: v.optional(v.boolean()),
  backchannel: v.optional(v.boolean()),
});

const WithSecret = v.object({ app: AppView, secret: v.nullable(v.string()) });

/** One of the provider's signing keys, as an administrator sees it (never its private half). */
export const SigningKeyView = v.object({
  kid: v.string(),
  alg: v.picklist(['RS256', 'ES256']),
  /** current: signs new tokens; retired: replaced by a rotation, still in the JWKS to verify what it signed. */
  status: v.picklist(['current', 'retired']),
  createdAt: v.nullable(Time),
  retiredAt: v.nullable(Time),
  /** When a retired key leaves the JWKS; null for the current ones. */
  publishedUntil: v.nullable(Time),
});
export type SigningKeyView = v.InferOutput<typeof SigningKeyView>;
/** The rotation names the key it replaces, as the caller saw it: a second request for the same one (a retry, a double click, another admin) is refused, not a second rotation. */
export const SigningKeysRotation = v.object({ replacing: v.pipe(v.string(), v.minLength(1), v.maxLength(64)) });
const SigningKeys = v.object({
  keys: v.array(SigningKeyView),
  /** How long a retired key stays published (ms): the longest an ID token it signed may still be presented. */
  retentionMs: v.number(),
});

export const appsRoutes = {
  list: route({
    method: 'GET', path: '/api/admin/apps', summary: 'The app registrations.', subject: 'request', access: ['global_admin'],
    answer: v.object({ apps: v.array(AppView) }),
  }),
  create: route({
    method: 'POST', path: '/api/admin/apps', summary: 'Registers an app; its secret (a confidential app) is in this answer only.',
    subject: 'new app', access: ['global_admin'], body: NewApp, answer: WithSecret, status: 201,
  }),
  update: route({
    method: 'PATCH', path: '/api/admin/apps/:id', summary: 'Changes an app\'s name, redirect URIs, who may sign in, whether it may ask for sign-ins without a browser (CIBA), or turns it off.',
    subject: 'app change', access: ['global_admin'], params: IdParam, body: AppPatch, answer: AppView,
  }),
  rotateSecret: route({
    method: 'POST', path: '/api/admin/apps/:id/secret', summary: 'A new secret, in this answer only; the old one stops working at once.',
    subject: 'app', access: ['global_admin'], params: IdParam, answer: WithSecret,
  }),
  signingKeys: route({
    method: 'GET', path: '/api/admin/oidc/signing-keys', summary: 'The OpenID provider\'s signing keys: the current pair, and the retired ones still published.',
    subject: 'request', access: ['global_admin'], answer: SigningKeys,
  }),
  rotateSigningKeys: route({
    method: 'POST', path: '/api/admin/oidc/signing-keys/rotate',
    summary: 'A new signing key pair signs every token from now on; the pair it replaces stays in the JWKS until nothing it signed can still be presented. Refused (409) once `replacing` no longer signs. Audited.',
    subject: 'key rotation', access: ['global_admin'], body: SigningKeysRotation, answer: SigningKeys,
  }),
  remove: route({
    method: 'DELETE', path: '/api/admin/apps/:id', summary: 'Deletes an app registration and the consents given to it.',
    subject: 'app', access: ['global_admin'], params: IdParam, answer: Done('deleted'),
  }),
};
