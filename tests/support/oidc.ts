// An app that signs in through pushkey, for tests: registers it, discovers the provider with
// an unmodified openid-client, and walks a browser (HttpClient) through authorization, the
// interaction and consent, the way a browser would follow the redirects.
import * as oidc from 'openid-client';
import { expect } from 'vitest';
import { registerApp, type AppInput } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import type { App } from '../../server/domain/types.ts';
import type { HttpClient, TestServer } from './server.ts';

export const REDIRECT_URI = 'http://localhost:5555/callback';

export interface TestApp {
  app: App;
  secret: string | null;
  config: oidc.Configuration;
}

/** Registers an app (confidential, everyone may sign in) and discovers pushkey as openid-client does. */
export async function registerTestApp(srv: TestServer, over: Partial<AppInput> = {}): Promise<TestApp> {
  const { app, secret } = await registerApp(srv.deps, systemActor, {
    name: 'Grafana (test)',
    redirectUris: [REDIRECT_URI],
    postLogoutRedirectUris: ['http://localhost:5555/signed-out'],
    access: { everyone: true, groups: [], userIds: [] },
    tokenAuthMethod: 'client_secret_post',
    ...over,
  });
  const auth = secret ? oidc.ClientSecretPost(secret) : oidc.None();
  const config = await oidc.discovery(new URL(`${srv.origin}/oidc`), app.id, undefined, auth, { execute: [oidc.allowInsecureRequests] });
  return { app, secret, config };
}

export interface Authorization {
  url: URL;
  verifier: string;
  state: string;
  nonce: string;
}

export async function authorizationRequest(t: TestApp, params: Record<string, string> = {}): Promise<Authorization> {
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(t.config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile email offline_access',
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
    prompt: 'consent',
    ...params,
  });
  return { url, verifier, state, nonce };
}

/** Follows the provider's redirects until they leave it (the app's callback) or reach the sign-in page. */
export async function follow(browser: HttpClient, url: string): Promise<{ url: string; page?: 'signin' }> {
  let at = url;
  for (let hops = 0; hops < 10; hops++) {
    const r = await browser.navigate(at);
    if (r.status !== 302 && r.status !== 303) throw new Error(`${at}: ${r.status} ${r.text.replace(/^[\s\S]*<main>/, "").slice(0, 300)}`);
    at = r.location!;
    const next = new URL(at);
    if (next.origin !== browser.origin) return { url: at };
    if (next.pathname === '/login/') return { url: at, page: 'signin' };
  }
  throw new Error('too many redirects');
}

/** The interaction id in a /login/?interaction= URL. */
export const interactionOf = (url: string): string => new URL(url).searchParams.get('interaction')!;

/** Signs in with the password on the sign-in page of this interaction (a user without an authenticator). */
export async function signInOnPage(browser: HttpClient, uid: string, upn: string, password: string): Promise<void> {
  const start = await browser.post('/api/signin/start', { username: upn, interaction: uid });
  expect(start.status, JSON.stringify(start.body)).toBe(200);
  const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password });
  expect(pw.body).toEqual({ status: 'signed_in' });
}

/** The sign-in page's consent screen: asks what is asked, then "Allow". Answers where the browser goes next. */
export async function allowOnPage(browser: HttpClient, uid: string): Promise<string> {
  const view = await browser.get(`/api/oidc/interactions/${uid}`);
  expect(view.body.prompt).toBe('consent');
  const allowed = await browser.post(`/oidc/interaction/${uid}/consent`, {});
  expect(allowed.status, JSON.stringify(allowed.body)).toBe(200);
  return allowed.body.redirectTo as string;
}

/** The whole browser part for a user without an authenticator: answers the app's callback URL. */
export async function signInThroughPushkey(browser: HttpClient, a: Authorization, upn: string, password: string): Promise<string> {
  let step = await follow(browser, a.url.toString());
  if (step.page) {
    const uid = interactionOf(step.url);
    const view = await browser.get(`/api/oidc/interactions/${uid}`);
    if (view.body.prompt === 'login') {
      await signInOnPage(browser, uid, upn, password);
      step = await follow(browser, `${browser.origin}/oidc/interaction/${uid}`);
    }
  }
  if (step.page) step = await follow(browser, await allowOnPage(browser, interactionOf(step.url)));
  expect(step.page).toBeUndefined();
  return step.url;
}
