// Sign-ins for apps without a browser (OpenID Connect CIBA, poll mode), driven by an unmodified
// openid-client against the real server on port 0 with a software authenticator: the app asks
// with the user name and the number it shows, the device gets a passwordless push naming the
// app, and the app polls the token endpoint. Approve, deny, expiry (on the injected clock),
// polling too fast, a bad binding_message, an app without the permission, a user the app
// does not admit: each gets the standard answer.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { updateApp } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import { ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';
import { enrollUser, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { registerTestApp, type TestApp } from '../support/oidc.ts';

const CIBA = 'urn:openid:params:grant-type:ciba';
let srv: TestServer;
let clock: ManualClock;
let t: TestApp;
let alice: EnrolledUser;

beforeAll(async () => {
  clock = new ManualClock();
  srv = await startServer({ clock, limits: { backchannelIntervalS: 2 } });
  t = await registerTestApp(srv, { name: 'Kiosk (test)' });
  await updateApp(srv.deps, systemActor, t.app.id, { backchannel: true });
  alice = await enrollUser(srv, 'alice');
  await upgradeToPasswordless(alice);
});
afterAll(async () => srv?.close());

/** The app asks; answers the provider's response and the push the device got. */
async function ask(number = '47', over: Record<string, string> = {}) {
  const res = await oidc.initiateBackchannelAuthentication(t.config, { scope: 'openid profile', login_hint: alice.upn, binding_message: number, ...over });
  const push = await alice.device.nextPush();
  return { res, push };
}

/** One poll of the token endpoint, as the app sends it. */
const poll = (authReqId: string) => oidc.genericGrantRequest(t.config, CIBA, { auth_req_id: authReqId });

/** The provider's request has the device's answer (the server settles it when the push ends). */
const settled = (authReqId: string) =>
  vi.waitFor(async () => {
    const r = await srv.repo.findOidcRecord('BackchannelAuthenticationRequest', { id: authReqId }, clock.now());
    expect(r?.payload.grantId ?? r?.payload.error).toBeTruthy();
  });

describe('CIBA (poll mode)', () => {
  it('publishes the back-channel endpoint, poll mode only and no user_code, in discovery', () => {
    const meta = t.config.serverMetadata();
    expect(meta.backchannel_authentication_endpoint).toBe(`${srv.origin}/oidc/backchannel`);
    expect(meta.backchannel_token_delivery_modes_supported).toEqual(['poll']);
    expect(meta.backchannel_user_code_parameter_supported).toBe(false);
    expect(meta.grant_types_supported).toContain(CIBA);
  });

  it('refuses a request with a user_code (not supported) instead of ignoring it, and sends no push', async () => {
    await expect(oidc.initiateBackchannelAuthentication(t.config, { scope: 'openid', login_hint: alice.upn, binding_message: '47', user_code: '1234' })).rejects.toMatchObject({
      error: 'invalid_request',
      error_description: expect.stringContaining('user_code is not supported'),
    });
    await expect(alice.device.nextPush(300)).rejects.toThrow();
  });

  it('pushes the number and the app name to the device; approving gives the app tokens with an honest amr', async () => {
    const { res, push } = await ask('47');
    expect(res).toMatchObject({ expires_in: 90, interval: 2 });
    expect(push).toMatchObject({ kind: 'passwordless', app: 'Kiosk (test)' });
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'authorization_pending' });
    expect((await alice.device.respond(push, 'approve', '47')).body).toMatchObject({ outcome: 'approved' });
    await settled(res.auth_req_id);
    clock.advance(2000);
    const tokens = await poll(res.auth_req_id);
    const claims = tokens.claims()!;
    const user = (await srv.repo.getUserByUpn(alice.upn))!;
    // A passwordless push is one factor: a software key and the user's approval (RFC 8176).
    expect(claims).toMatchObject({ iss: `${srv.origin}/oidc`, aud: t.app.id, sub: user.id, amr: ['swk', 'user'], acr: 'urn:pushkey:acr:sfa' });
    const info = await oidc.fetchUserInfo(t.config, tokens.access_token, user.id);
    expect(info).toMatchObject({ sub: user.id, name: user.displayName });
    // The request is single use.
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'invalid_grant' });
    // In the sign-in log, under the app's name.
    expect((await srv.repo.listSignIns({ app: 'Kiosk (test)', limit: 1 }))[0]).toMatchObject({ upn: alice.upn, result: 'success', methods: ['passwordless'] });
  });

  it('with the app lock opened for the approval the token says two factors, and so does the sign-in log', async () => {
    const { res, push } = await ask('58');
    expect((await alice.device.respond(push, 'approve', '58', { userVerification: 'pin' })).body).toMatchObject({ outcome: 'approved' });
    await settled(res.auth_req_id);
    clock.advance(2000);
    const claims = (await poll(res.auth_req_id)).claims()!;
    expect(claims).toMatchObject({ amr: ['mfa', 'pin', 'swk', 'user'], acr: 'urn:pushkey:acr:mfa' });
    expect((await srv.repo.listSignIns({ app: 'Kiosk (test)', limit: 1 }))[0]).toMatchObject({ result: 'success', requirement: 'multifactor', methods: ['passwordless', 'app_lock'] });
  });

  it('a wrong number typed on the device fails the sign-in: access_denied', async () => {
    const { res, push } = await ask('51');
    await alice.device.respond(push, 'approve', '15');
    await settled(res.auth_req_id);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'access_denied' });
  });

  it('a denial on the device is access_denied, and the sign-in log keeps it under the app', async () => {
    const { res, push } = await ask('23');
    expect((await alice.device.respond(push, 'deny', '')).body).toMatchObject({ outcome: 'denied' });
    await settled(res.auth_req_id);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'access_denied' });
    expect((await srv.repo.listSignIns({ app: 'Kiosk (test)', limit: 1 }))[0]).toMatchObject({ result: 'failure', failureCode: 'denied' });
  });

  it('no answer before the push expires: expired_token', async () => {
    const { res } = await ask('64');
    clock.advance(res.expires_in * 1000);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'authorization_pending' });
    await settled(res.auth_req_id);
    clock.advance(2000);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'expired_token' });
    expect((await srv.repo.listSignIns({ app: 'Kiosk (test)', limit: 1 }))[0]).toMatchObject({ result: 'failure', failureCode: 'expired' });
  });

  it('polling faster than the interval: slow_down, and the interval grows by 5 seconds', async () => {
    const { res, push } = await ask('38');
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'authorization_pending' });
    clock.advance(1000);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'slow_down' });
    clock.advance(3000);
    // 4 s after the first poll, but only 3 s after the last, and the interval is now 7 s.
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'slow_down' });
    clock.advance(12_000);
    await expect(poll(res.auth_req_id)).rejects.toMatchObject({ error: 'authorization_pending' });
    await alice.device.respond(push, 'deny', '');
  });

  it('binding_message must be the policy’s number of digits: invalid_binding_message, and no push', async () => {
    for (const bad of ['4', '470', 'ab', 'Sign in to the kiosk']) {
      await expect(oidc.initiateBackchannelAuthentication(t.config, { scope: 'openid', login_hint: alice.upn, binding_message: bad })).rejects.toMatchObject({ error: 'invalid_binding_message' });
    }
    await expect(oidc.initiateBackchannelAuthentication(t.config, { scope: 'openid', login_hint: alice.upn })).rejects.toMatchObject({ error: 'invalid_binding_message' });
    await expect(alice.device.nextPush(300)).rejects.toThrow();
    // Six digits, as NIST SP 800-63B-4 counts them.
    await srv.setPolicy({ numberLength: 6 });
    try {
      await expect(oidc.initiateBackchannelAuthentication(t.config, { scope: 'openid', login_hint: alice.upn, binding_message: '47' })).rejects.toMatchObject({ error: 'invalid_binding_message' });
      const { res, push } = await ask('470112');
      await alice.device.respond(push, 'deny', '');
      await settled(res.auth_req_id);
    } finally {
      await srv.setPolicy({ numberLength: 2 });
    }
  });

  it('an app without the back-channel permission: unauthorized_client, at the endpoint and at the token endpoint', async () => {
    const other = await registerTestApp(srv, { name: 'Browser-only app' });
    await expect(oidc.initiateBackchannelAuthentication(other.config, { scope: 'openid', login_hint: alice.upn, binding_message: '12' })).rejects.toMatchObject({ error: 'unauthorized_client' });
    await expect(oidc.genericGrantRequest(other.config, CIBA, { auth_req_id: 'x'.repeat(43) })).rejects.toMatchObject({ error: 'unauthorized_client' });
    await expect(alice.device.nextPush(300)).rejects.toThrow();
  });

  it('a user the app does not admit, an unknown name and a user without an authenticator all answer unknown_user_id alike', async () => {
    const restricted = await registerTestApp(srv, { name: 'Payroll kiosk', access: { everyone: false, groups: [], userIds: [] } });
    await updateApp(srv.deps, systemActor, restricted.app.id, { backchannel: true });
    const answers = [];
    for (const [config, hint] of [
      [restricted.config, alice.upn],
      [t.config, 'nobody@pushkey.test'],
      [t.config, srv.users.bob!.upn],
    ] as const) {
      const err = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid', login_hint: hint, binding_message: '12' }).catch((e: oidc.ResponseBodyError) => e);
      answers.push({ error: (err as oidc.ResponseBodyError).error, description: (err as oidc.ResponseBodyError).error_description, status: (err as oidc.ResponseBodyError).status });
    }
    expect(answers[0]).toMatchObject({ error: 'unknown_user_id', status: 400 });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    await expect(alice.device.nextPush(300)).rejects.toThrow();
    // The sign-in log says which it was.
    expect((await srv.repo.listSignIns({ app: 'Payroll kiosk', limit: 1 }))[0]).toMatchObject({ upn: alice.upn, result: 'failure', failureCode: 'app_not_allowed' });
  });

  it('an admin turns the permission on and off in App registrations, audited; a public client cannot have it', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const created = await admin.post('/api/admin/apps', { name: 'CLI', redirectUris: ['http://localhost:5555/callback'] });
    const on = await admin.patch(`/api/admin/apps/${created.body.app.id}`, { backchannel: true });
    expect(on.body).toMatchObject({ backchannel: true });
    const entry = (await srv.repo.listAudit({ action: 'app.updated', limit: 1 }))[0]!;
    expect(entry).toMatchObject({ before: { backchannel: false }, after: { backchannel: true } });
    const pub = await admin.post('/api/admin/apps', { name: 'SPA', redirectUris: ['http://localhost:5555/callback'], tokenAuthMethod: 'none' });
    const refused = await admin.patch(`/api/admin/apps/${pub.body.app.id}`, { backchannel: true });
    expect(refused.status).toBe(400);
  });
});
