// App registrations: the apps that sign their users in through this server (OpenID Connect
// clients). The secret is shown once, when it is made, and stored as its SHA-256 (it carries
// 256 random bits); a confidential app proves it at the token endpoint, a public one (a
// single-page or native app) has none and must use PKCE. Every change is audited, secrets never.
import { PushkeyError } from '../../../protocol/errors.ts';
import { hashSecret, newId, newSecret, type Deps } from '../deps.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import type { App, AppAccess, TokenAuthMethod, User } from '../types.ts';

export interface AppInput {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  access: AppAccess;
  /** 'none': a public client (no secret; PKCE, which every app must use anyway). */
  tokenAuthMethod: TokenAuthMethod;
}

/** What the audit log keeps of an app: everything but the secret's hash. */
const audited = ({ secretHash: _, ...rest }: App) => rest;

/** A redirect URI an app may register: absolute, no fragment (RFC 6749 §3.1.2), https, or http to this machine only. */
export function assertRedirectUri(uri: string): void {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    throw new PushkeyError('bad_request', `"${uri}" is not an absolute URL.`);
  }
  if (u.hash) throw new PushkeyError('bad_request', `"${uri}" has a fragment; a redirect URI may not (RFC 6749 §3.1.2).`);
  const loopback = u.hostname === 'localhost' || u.hostname === '127.0.0.1' || u.hostname === '[::1]';
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new PushkeyError('bad_request', `"${uri}" must use https (http only to localhost).`);
  }
}

function checked(input: AppInput): AppInput {
  if (input.redirectUris.length === 0) throw new PushkeyError('bad_request', 'An app needs at least one redirect URI.');
  for (const uri of [...input.redirectUris, ...input.postLogoutRedirectUris]) assertRedirectUri(uri);
  return input;
}

/** Registers an app; answers its secret (confidential apps) this once. */
export async function registerApp(d: Deps, actor: Actor, input: AppInput): Promise<{ app: App; secret: string | null }> {
  const { name, redirectUris, postLogoutRedirectUris, access, tokenAuthMethod } = checked(input);
  const now = d.clock.now();
  const secret = tokenAuthMethod === 'none' ? null : newSecret(d);
  const app: App = { id: newId(d), name, secretHash: secret && hashSecret(secret), tokenAuthMethod, redirectUris, postLogoutRedirectUris, access, createdAt: now, secretSetAt: secret ? now : null, disabled: false, backchannel: false };
  await d.repo.createApp(app);
  await audit(d, actor, 'app.created', { type: 'app', id: app.id }, null, audited(app));
  return { app, secret };
}

export async function requireApp(d: Deps, id: string): Promise<App> {
  const app = await d.repo.getApp(id);
  if (!app) throw new PushkeyError('not_found', 'No such app.');
  return app;
}

/** A change of name, URIs, access, back-channel permission or state; whether the app has a secret is fixed when it is registered. */
export async function updateApp(d: Deps, actor: Actor, id: string, patch: Partial<Omit<AppInput, 'tokenAuthMethod'>> & { disabled?: boolean; backchannel?: boolean; tokenAuthMethod?: Exclude<TokenAuthMethod, 'none'> }): Promise<App> {
  const before = await requireApp(d, id);
  if (patch.tokenAuthMethod && before.secretHash === null) throw new PushkeyError('bad_request', 'A public client has no secret to send.');
  // CIBA §7.1: the client authenticates to the back-channel endpoint; a public client cannot.
  if (patch.backchannel && before.secretHash === null) throw new PushkeyError('bad_request', 'A public client cannot ask for sign-ins without a browser: it has no secret to prove itself with.');
  const after: App = { ...before, ...patch };
  checked(after);
  if (!(await d.repo.replaceApp(after))) throw new PushkeyError('not_found', 'No such app.');
  await audit(d, actor, 'app.updated', { type: 'app', id }, audited(before), audited(after));
  return after;
}

/** A new secret, shown this once; the old one stops working at once. */
export async function rotateAppSecret(d: Deps, actor: Actor, id: string): Promise<{ app: App; secret: string }> {
  const before = await requireApp(d, id);
  if (before.secretHash === null) throw new PushkeyError('bad_request', 'This app is a public client: it has no secret to rotate.');
  const secret = newSecret(d);
  const app: App = { ...before, secretHash: hashSecret(secret), secretSetAt: d.clock.now() };
  if (!(await d.repo.replaceApp(app))) throw new PushkeyError('not_found', 'No such app.');
  await audit(d, actor, 'app.secret_rotated', { type: 'app', id }, { secretSetAt: before.secretSetAt }, { secretSetAt: app.secretSetAt });
  return { app, secret };
}

export async function deleteApp(d: Deps, actor: Actor, id: string): Promise<void> {
  const before = await requireApp(d, id);
  if (!(await d.repo.deleteApp(id))) throw new PushkeyError('not_found', 'No such app.');
  await audit(d, actor, 'app.deleted', { type: 'app', id }, audited(before), null);
}

/** Whether the app's access list lets this user sign in to it. */
export function mayUseApp(app: Pick<App, 'access' | 'disabled'>, user: Pick<User, 'id' | 'groups'>): boolean {
  if (app.disabled) return false;
  const { everyone, groups, userIds } = app.access;
  return everyone || userIds.includes(user.id) || user.groups.some((g) => groups.includes(g));
}

/** The scopes the user already agreed to give this app (none when never asked). */
export async function consentedScopes(d: Deps, userId: string, appId: string): Promise<string[]> {
  return (await d.repo.getConsent(userId, appId))?.scopes ?? [];
}

/** Remembers the user's consent to these scopes, added to what they gave the app before. */
export async function rememberConsent(d: Deps, userId: string, appId: string, scopes: string[]): Promise<string[]> {
  const all = [...new Set([...(await consentedScopes(d, userId, appId)), ...scopes])];
  await d.repo.saveConsent({ userId, appId, scopes: all, grantedAt: d.clock.now() });
  return all;
}
