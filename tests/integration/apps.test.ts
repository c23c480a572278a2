// App registrations through the admin API: a global admin registers an app and sees its
// secret once, an app signs in with it, rotating it stops the old one at once, every change is
// audited without the secret, and bad redirect URIs and other roles are refused.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { authorizationRequest, REDIRECT_URI, signInThroughPushkey } from '../support/oidc.ts';

let srv: TestServer;
let admin: HttpClient;
beforeAll(async () => {
  srv = await startServer();
  admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
});
afterAll(async () => srv?.close());

const discover = (id: string, secret: string) => oidc.discovery(new URL(`${srv.origin}/oidc`), id, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });

async function codeFor(config: oidc.Configuration) {
  const t = { config } as Parameters<typeof authorizationRequest>[0];
  const a = await authorizationRequest(t);
  const callback = await signInThroughPushkey(new HttpClient(srv.origin), a, srv.users.carol!.upn, srv.users.carol!.password);
  return () => oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
}

describe('App registrations', () => {
  it('registers an app whose secret is shown once, signs in with it, rotates it and deletes it, all audited', async () => {
    const created = await admin.post('/api/admin/apps', { name: 'Wiki', redirectUris: [REDIRECT_URI] });
    expect(created.status).toBe(201);
    const { app, secret } = created.body;
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const listed = await admin.get('/api/admin/apps');
    expect(JSON.stringify(listed.body)).not.toContain(secret);
    expect(listed.body.apps).toEqual([expect.objectContaining({ id: app.id, name: 'Wiki', tokenAuthMethod: 'client_secret_basic' })]);

    const exchange = await codeFor(await discover(app.id, secret));
    expect((await exchange()).claims()).toMatchObject({ aud: app.id });

    const rotated = await admin.post(`/api/admin/apps/${app.id}/secret`);
    expect(rotated.body.secret).not.toBe(secret);
    const stale = await codeFor(await discover(app.id, rotated.body.secret));
    // The old secret is refused at once: 401, WWW-Authenticate: Basic error="invalid_client".
    await expect((await codeFor(await discover(app.id, secret)))()).rejects.toMatchObject({ status: 401 });
    expect((await stale()).claims()).toMatchObject({ aud: app.id });

    expect((await admin.del(`/api/admin/apps/${app.id}`)).body).toEqual({ status: 'deleted' });
    const audit = await srv.repo.listAudit({ action: 'app.', limit: 10 });
    expect(audit.map((e) => e.action)).toEqual(['app.deleted', 'app.secret_rotated', 'app.created']);
    const log = JSON.stringify(audit);
    for (const s of [secret, rotated.body.secret]) expect(log).not.toContain(s);
  });

  it('refuses a redirect URI that is not https or loopback http, or has a fragment', async () => {
    for (const uri of ['http://app.example/cb', 'https://app.example/cb#x', 'not a url']) {
      expect(await admin.post('/api/admin/apps', { name: 'Bad', redirectUris: [uri] })).toMatchObject({ status: 400, body: { error: 'bad_request' } });
    }
  });

  it('is for global admins only', async () => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    expect((await helpdesk.get('/api/admin/apps')).status).toBe(403);
    expect((await helpdesk.post('/api/admin/apps', { name: 'X', redirectUris: [REDIRECT_URI] })).status).toBe(403);
  });
});
