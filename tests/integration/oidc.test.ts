// pushkey as an OpenID Provider, driven by an unmodified openid-client against the real
// server on port 0: discovery, the code flow with PKCE through pushkey's sign-in page and
// consent, userinfo, refresh, logout; and the attacks a provider must refuse with the
// standard OAuth errors: a redirect URI that is not registered, a replayed code, a wrong
// PKCE verifier, a client secret that is not the app's.
import { createPublicKey, verify, type JsonWebKey } from 'node:crypto';
import * as oidc from 'openid-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';
import { enrollUser, upgradeToPasswordless } from '../support/flows.ts';
import { allowOnPage, authorizationRequest, follow, interactionOf, REDIRECT_URI, registerTestApp, signInThroughPushkey, type TestApp } from '../support/oidc.ts';

let srv: TestServer;
let t: TestApp;
beforeEach(async () => {
  srv = await startServer();
  t = await registerTestApp(srv);
});
afterEach(async () => srv.close());

async function codeFlow(browser = new HttpClient(srv.origin), params: Record<string, string> = {}) {
  const a = await authorizationRequest(t, params);
  const callback = await signInThroughPushkey(browser, a, srv.users.alice!.upn, srv.users.alice!.password);
  return { a, callback, browser };
}

describe('OpenID Connect provider', () => {
  it('publishes discovery at the issuer: code with PKCE S256, the RFC 8176 levels, its endpoints', async () => {
    const meta = t.config.serverMetadata();
    expect(meta.issuer).toBe(`${srv.origin}/oidc`);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.grant_types_supported).toEqual(expect.arrayContaining(['authorization_code', 'refresh_token']));
    expect(meta.acr_values_supported).toEqual(['urn:pushkey:acr:sfa', 'urn:pushkey:acr:mfa', 'phr']);
    expect(meta.end_session_endpoint).toBe(`${srv.origin}/oidc/session/end`);
    const jwks = await fetch(meta.jwks_uri!).then((r) => r.json());
    expect(jwks.keys.map((k: { alg: string }) => k.alg)).toEqual(['RS256', 'ES256']);
    // Only public halves are published.
    expect(jwks.keys.some((k: Record<string, unknown>) => 'd' in k)).toBe(false);
  });

  it('signs an app in: code + PKCE through the sign-in page and consent, an ID token it verifies, userinfo, refresh', async () => {
    const { a, callback } = await codeFlow();
    const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
    const claims = tokens.claims()!;
    const alice = (await srv.repo.getUserByUpn(srv.users.alice!.upn))!;
    expect(claims).toMatchObject({ iss: `${srv.origin}/oidc`, aud: t.app.id, sub: alice.id, nonce: a.nonce, amr: ['pwd'], acr: 'urn:pushkey:acr:sfa' });
    const info = await oidc.fetchUserInfo(t.config, tokens.access_token, alice.id);
    expect(info).toMatchObject({ sub: alice.id, name: alice.displayName, preferred_username: alice.upn, email: alice.upn, email_verified: false });
    expect(tokens.refresh_token).toBeTruthy();
    const refreshed = await oidc.refreshTokenGrant(t.config, tokens.refresh_token!);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    // The refresh token is single use: the old one is refused once the new one was handed out.
    await expect(oidc.refreshTokenGrant(t.config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('takes a pushed authorization request (PAR, RFC 9126): the browser carries only the request_uri, and the sign-in goes on as usual', async () => {
    expect(t.config.serverMetadata().pushed_authorization_request_endpoint).toBe(`${srv.origin}/oidc/request`);
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = await oidc.buildAuthorizationUrlWithPAR(t.config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
      prompt: 'consent',
    });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const callback = await signInThroughPushkey(new HttpClient(srv.origin), { url, verifier, state, nonce }, srv.users.alice!.upn, srv.users.alice!.password);
    const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    expect(tokens.claims()).toMatchObject({ aud: t.app.id, nonce, amr: ['pwd'] });
    // A request_uri is used once.
    const again = await new HttpClient(srv.origin).navigate(url.toString());
    expect(again.status).toBe(303);
    const refused = new URL(again.location!);
    expect(refused.origin + refused.pathname).toBe(REDIRECT_URI);
    expect(refused.searchParams.get('error')).toBe('invalid_request_uri');
    expect(refused.searchParams.get('code')).toBeNull();
  });

  it('binds access tokens to the app\'s DPoP key (RFC 9449): userinfo takes them with a fresh proof, not as bearer tokens, not with a replayed proof', async () => {
    expect(t.config.serverMetadata().dpop_signing_alg_values_supported).toContain('ES256');
    const sent: Array<{ url: string; headers: Headers }> = [];
    t.config[oidc.customFetch] = (url, init) => {
      sent.push({ url, headers: new Headers(init.headers) });
      return fetch(url, init as RequestInit);
    };
    const DPoP = oidc.getDPoPHandle(t.config, await oidc.randomDPoPKeyPair('ES256'));
    const { a, callback } = await codeFlow();
    const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce }, undefined, { DPoP });
    expect(tokens.token_type.toLowerCase()).toBe('dpop');
    const alice = (await srv.repo.getUserByUpn(srv.users.alice!.upn))!;
    expect(await oidc.fetchUserInfo(t.config, tokens.access_token, alice.id, { DPoP })).toMatchObject({ sub: alice.id });
    const userinfo = `${srv.origin}/oidc/me`;
    // Copied without the key: as a bearer token it is refused.
    const bearer = await fetch(userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(bearer.status).toBe(401);
    // The proof the app sent with its userinfo call, sent again: a replay.
    const proof = sent.findLast((r) => r.url === userinfo)!.headers.get('dpop')!;
    const replayed = await fetch(userinfo, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: proof } });
    // Refused as a replay, not for the token: a fresh proof still works.
    expect(replayed.status).toBe(401);
    expect(replayed.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
    expect(await oidc.fetchUserInfo(t.config, tokens.access_token, alice.id, { DPoP })).toMatchObject({ sub: alice.id });
  });

  describe('signing keys, rotated by a global admin (POST /api/admin/oidc/signing-keys/rotate)', () => {
    const kidOf = (jwt: string) => (JSON.parse(Buffer.from(jwt.split('.')[0]!, 'base64url').toString()) as { kid: string }).kid;
    const jwks = async (origin = srv.origin) => ((await fetch(`${origin}/oidc/jwks`).then((r) => r.json())) as { keys: Array<JsonWebKey & { kid: string }> }).keys;
    /** Checks an RS256 JWT's signature against the published key with its kid, as an app verifying it does. */
    const verifiesWithJwks = async (jwt: string) => {
      const [header, payload, signature] = jwt.split('.') as [string, string, string];
      const key = (await jwks()).find((k) => k.kid === kidOf(jwt));
      if (!key) return false;
      return verify('sha256', Buffer.from(`${header}.${payload}`), createPublicKey({ key, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    };
    const exchange = async (flow: Awaited<ReturnType<typeof codeFlow>>) =>
      oidc.authorizationCodeGrant(t.config, new URL(flow.callback), { pkceCodeVerifier: flow.a.verifier, expectedState: flow.a.state, expectedNonce: flow.a.nonce });

    it('new tokens carry the new key; the old key stays published and a token it signed still verifies; audited; both survive a restart', async () => {
      const first = await codeFlow();
      const before = await exchange(first);
      const oldKids = (await jwks()).map((k) => k.kid);
      const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      const rotated = await admin.post('/api/admin/oidc/signing-keys/rotate', { replacing: oldKids[0] });
      expect(rotated.status, JSON.stringify(rotated.body)).toBe(200);
      const kids = (rotated.body.keys as Array<{ kid: string; status: string }>).filter((k) => k.status === 'current').map((k) => k.kid);
      expect(kids).toHaveLength(2);
      expect(rotated.body.keys).toEqual([
        ...kids.map((kid) => expect.objectContaining({ kid, status: 'current', publishedUntil: null })),
        ...oldKids.map((kid) => expect.objectContaining({ kid, status: 'retired', retiredAt: srv.clock.now(), publishedUntil: srv.clock.now() + rotated.body.retentionMs })),
      ]);
      expect(rotated.body.retentionMs).toBe(12 * 3_600_000);
      // The JWKS: the new pair first (where new tokens are signed), the old pair after it.
      expect((await jwks()).map((k) => k.kid)).toEqual([...kids, ...oldKids]);
      expect(await verifiesWithJwks(before.id_token!)).toBe(true);
      const after = await exchange(await codeFlow(first.browser, { prompt: '' }));
      expect(kidOf(after.id_token!)).toBe(kids[0]);
      expect(await verifiesWithJwks(after.id_token!)).toBe(true);
      expect(kidOf(before.id_token!)).toBe(oldKids[0]);
      expect((await admin.get('/api/admin/oidc/signing-keys')).body).toEqual(rotated.body);
      expect((await srv.repo.listAudit({ action: 'oidc.keys_rotated', limit: 1 }))[0]).toMatchObject({ actorUpn: srv.users.admin!.upn, before: { kids: oldKids }, after: { kids, retired: oldKids } });
      const restarted = await startServer({ dataDir: srv.dir });
      try {
        expect((await jwks(restarted.origin)).map((k) => k.kid)).toEqual([...kids, ...oldKids]);
      } finally {
        await restarted.close();
      }
    });

    it('a retired key stays published while what it signed may be presented (the session lifetime), then goes at the next rotation', async () => {
      // Signed in anew each time: the clock moves by a session's lifetime.
      const rotate = async () => {
        const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
        const replacing = (await jwks())[0]!.kid;
        return (await admin.post('/api/admin/oidc/signing-keys/rotate', { replacing })).body as { keys: Array<{ kid: string; status: string }>; retentionMs: number };
      };
      const g0 = (await jwks()).map((k) => k.kid);
      const first = await rotate();
      const g1 = first.keys.filter((k) => k.status === 'current').map((k) => k.kid);
      // Two rotations within the retention: both earlier generations are still published.
      (srv.clock as ManualClock).advance(first.retentionMs - 1);
      const second = await rotate();
      const g2 = second.keys.filter((k) => k.status === 'current').map((k) => k.kid);
      expect((await jwks()).map((k) => k.kid)).toEqual([...g2, ...g1, ...g0]);
      // The retention after g0 was retired: the next rotation drops it; g1 and g2 stay.
      (srv.clock as ManualClock).advance(1);
      const third = await rotate();
      const g3 = third.keys.filter((k) => k.status === 'current').map((k) => k.kid);
      expect((await jwks()).map((k) => k.kid)).toEqual([...g3, ...g2, ...g1]);
    });

    it('rotates once for one look at the keys: the same request again (a retry, a double click, a second admin) is refused with conflict', async () => {
      const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      const seen = (await admin.get('/api/admin/oidc/signing-keys')).body.keys[0].kid as string;
      const [one, two] = await Promise.all([0, 1].map(() => admin.post('/api/admin/oidc/signing-keys/rotate', { replacing: seen })));
      expect([one!.status, two!.status].sort()).toEqual([200, 409]);
      const refused = [one!, two!].find((r) => r.status === 409)!;
      expect(refused.body).toMatchObject({ error: 'conflict', message: expect.stringContaining(`The signing keys were rotated since: "${seen}" no longer signs`) });
      expect((await jwks()).map((k) => k.kid)).toHaveLength(4);
      expect(await srv.repo.listAudit({ action: 'oidc.keys_rotated', limit: 5 })).toHaveLength(1);
      expect((await admin.post('/api/admin/oidc/signing-keys/rotate', {})).body.error).toBe('bad_request');
    });

    it('only a global admin may rotate: the helpdesk and the policy admin are refused, and nothing changes', async () => {
      const kids = (await jwks()).map((k) => k.kid);
      for (const who of ['helpdesk', 'policy', 'alice'] as const) {
        const c = await signIn(srv.origin, srv.users[who]!.upn, srv.users[who]!.password);
        expect((await c.post('/api/admin/oidc/signing-keys/rotate', { replacing: kids[0] })).status, who).toBe(403);
        expect((await c.get('/api/admin/oidc/signing-keys')).status, who).toBe(403);
      }
      expect((await new HttpClient(srv.origin).post('/api/admin/oidc/signing-keys/rotate', { replacing: kids[0] })).status).toBe(401);
      expect((await jwks()).map((k) => k.kid)).toEqual(kids);
      expect(await srv.repo.listAudit({ action: 'oidc.keys_rotated', limit: 1 })).toEqual([]);
    });
  });

  it('names the app on the sign-in page, in the sign-in log, and keeps the state across a restart', async () => {
    const a = await authorizationRequest(t);
    const browser = new HttpClient(srv.origin);
    const step = await follow(browser, a.url.toString());
    expect(step.page).toBe('signin');
    const view = await browser.get(`/api/oidc/interactions/${interactionOf(step.url)}`);
    expect(view.body).toMatchObject({ app: 'Grafana (test)', prompt: 'login', requiredAcr: null });
    const callback = await signInThroughPushkey(browser, a, srv.users.alice!.upn, srv.users.alice!.password);
    const log = await srv.repo.listSignIns({ limit: 5 });
    expect(log[0]).toMatchObject({ app: 'Grafana (test)', result: 'success', upn: srv.users.alice!.upn });
    // A new instance on the same database takes the code: nothing lived in memory.
    const other = await startServer({ dataDir: srv.dir });
    try {
      const config = await oidc.discovery(new URL(`${other.origin}/oidc`), t.app.id, undefined, oidc.ClientSecretPost(t.secret!), { execute: [oidc.allowInsecureRequests] });
      // Its issuer is its own origin, so the code's check is the token exchange itself: ask it directly.
      const res = await fetch(`${other.origin}/oidc/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: new URL(callback).searchParams.get('code')!, redirect_uri: REDIRECT_URI, code_verifier: a.verifier, client_id: t.app.id, client_secret: t.secret! }),
      });
      expect(config.serverMetadata().issuer).toBe(`${other.origin}/oidc`);
      expect(res.status, await res.clone().text()).toBe(200);
    } finally {
      await other.close();
    }
  });

  it('remembers consent per app: the next sign-in of the same user asks no more', async () => {
    const browser = new HttpClient(srv.origin);
    await codeFlow(browser);
    // A new browser (no provider session): the sign-in page, but no consent screen.
    const a = await authorizationRequest(t, { prompt: 'login' });
    const fresh = new HttpClient(srv.origin);
    const callback = await signInThroughPushkey(fresh, a, srv.users.alice!.upn, srv.users.alice!.password);
    expect(new URL(callback).searchParams.get('code')).toBeTruthy();
    // The same browser again: single sign-on, straight back to the app.
    const again = await authorizationRequest(t, { prompt: '' });
    const sso = await follow(browser, again.url.toString());
    expect(sso.page).toBeUndefined();
    expect(new URL(sso.url).searchParams.get('code')).toBeTruthy();
  });

  it('logs every sign-in to the app under its name: single sign-on from a pushkey session or the provider\'s, and a user it does not admit', async () => {
    const alice = srv.users.alice!;
    const appEntries = async () => (await srv.repo.listSignIns({ app: t.app.name, limit: 10 })).map((e) => [e.result, e.failureCode, e.steps.map((s) => s.method).join(' ')]);
    // Signed in to pushkey first (My Account), then the app: the interaction is finished by that session.
    const browser = await signIn(srv.origin, alice.upn, alice.password);
    (srv.clock as ManualClock).advance(60_000);
    const first = await follow(browser, (await authorizationRequest(t)).url.toString());
    await follow(browser, await allowOnPage(browser, interactionOf(first.url)));
    expect(await appEntries()).toEqual([['success', null, 'session']]);
    // Again in the same browser: the provider's own session answers, without an interaction.
    const again = await follow(browser, (await authorizationRequest(t, { prompt: '' })).url.toString());
    expect(new URL(again.url).searchParams.get('code')).toBeTruthy();
    expect(await appEntries()).toEqual([['success', null, 'session'], ['success', null, 'session']]);
    // The app now admits only a group alice is not in: refused, and logged so.
    await srv.repo.replaceApp({ ...t.app, access: { everyone: false, groups: ['Nobody'], userIds: [] } });
    const other = await signIn(srv.origin, srv.users.bob!.upn, srv.users.bob!.password);
    (srv.clock as ManualClock).advance(60_000);
    const denied = await follow(other, (await authorizationRequest(t)).url.toString());
    expect(new URL(denied.url).searchParams.get('error')).toBe('access_denied');
    expect((await srv.repo.listSignIns({ app: t.app.name, limit: 1 }))[0]).toMatchObject({ upn: srv.users.bob!.upn, result: 'failure', failureCode: 'app_not_allowed' });
  });

  it('signing out of pushkey ends the app\'s silent sign-in too', async () => {
    const { browser } = await codeFlow();
    await browser.post('/api/signin/signout');
    const a = await authorizationRequest(t, { prompt: 'none' });
    const r = await follow(browser, a.url.toString());
    expect(new URL(r.url).searchParams.get('error')).toBe('login_required');
  });

  it('RP-initiated logout ends the provider session and the pushkey session, then returns to the app', async () => {
    const { a, callback, browser } = await codeFlow();
    const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
    const end = oidc.buildEndSessionUrl(t.config, { id_token_hint: tokens.id_token!, post_logout_redirect_uri: 'http://localhost:5555/signed-out' });
    const confirm = await browser.navigate(end.toString());
    expect(confirm.status).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)![1]!;
    const res = await fetch(`${srv.origin}/oidc/session/end/confirm`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
      body: new URLSearchParams({ xsrf, logout: 'yes' }),
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('http://localhost:5555/signed-out');
    expect(res.headers.getSetCookie().some((c) => c.startsWith('pk_session=;'))).toBe(true);
    expect((await browser.get('/api/me')).status).toBe(401);
  });

  describe('an app that asks for a stronger sign-in (acr_values) gets a step-up, never less', () => {
    const MFA = 'urn:pushkey:acr:mfa';

    it('password + push with the number: amr mfa, pwd, swk, user and acr mfa', async () => {
      const bob = await enrollUser(srv, 'bob');
      const a = await authorizationRequest(t, { acr_values: MFA });
      const browser = new HttpClient(srv.origin);
      const uid = interactionOf((await follow(browser, a.url.toString())).url);
      expect((await browser.get(`/api/oidc/interactions/${uid}`)).body.requiredAcr).toBe(MFA);
      const start = await browser.post('/api/signin/start', { username: bob.upn, interaction: uid });
      const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: bob.password });
      expect(pw.body.status).toBe('mfa_required');
      const push = await bob.device.nextPush();
      expect(push.app).toBe('Grafana (test)');
      await bob.device.respond(push, 'approve', pw.body.challenge.number);
      expect((await browser.get(`/api/signin/status?flowId=${start.body.flowId}`)).body.status).toBe('signed_in');
      const consent = await follow(browser, `${srv.origin}/oidc/interaction/${uid}`);
      const back = await follow(browser, await allowOnPage(browser, interactionOf(consent.url)));
      const tokens = await oidc.authorizationCodeGrant(t.config, new URL(back.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
      expect(tokens.claims()).toMatchObject({ amr: ['mfa', 'pwd', 'swk', 'user'], acr: MFA });
      bob.device.close();
    });

    it('passwordless is a way in when the policy requires the app lock: the approval opened with the PIN gives amr mfa, pin, swk, user', async () => {
      const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
      const policy = (await admin.get('/api/admin/policies/authenticator')).body;
      const start = async () => {
        const a = await authorizationRequest(t, { acr_values: MFA });
        const browser = new HttpClient(srv.origin);
        const uid = interactionOf((await follow(browser, a.url.toString())).url);
        const res = await browser.post('/api/signin/start', { username: srv.users.carol!.upn, interaction: uid });
        return { a, browser, uid, flowId: res.body.flowId as string, methods: res.body.methods as string[] };
      };
      // Without the policy, passwordless is one factor: not offered to an app that asks for two.
      expect((await start()).methods).not.toContain('passwordless');
      expect((await admin.put('/api/admin/policies/authenticator', { ...policy, requireAppLock: true })).status).toBe(200);
      const carol = await enrollUser(srv, 'carol');
      try {
        await upgradeToPasswordless(carol);
        const s = await start();
        expect(s.methods).toContain('passwordless');
        const pl = await s.browser.post('/api/signin/passwordless', { flowId: s.flowId });
        const push = await carol.device.nextPush();
        expect(push.appLock).toBe('required');
        expect((await carol.device.respond(push, 'approve', pl.body.challenge.number, { userVerification: 'pin' })).body).toMatchObject({ outcome: 'approved' });
        expect((await s.browser.get(`/api/signin/status?flowId=${s.flowId}`)).body.status).toBe('signed_in');
        const consent = await follow(s.browser, `${srv.origin}/oidc/interaction/${s.uid}`);
        const back = await follow(s.browser, await allowOnPage(s.browser, interactionOf(consent.url)));
        const tokens = await oidc.authorizationCodeGrant(t.config, new URL(back.url), { pkceCodeVerifier: s.a.verifier, expectedState: s.a.state, expectedNonce: s.a.nonce });
        expect(tokens.claims()).toMatchObject({ amr: ['mfa', 'pin', 'swk', 'user'], acr: MFA });
      } finally {
        carol.device.close();
        await admin.put('/api/admin/policies/authenticator', policy);
      }
    });

    it('a one-factor way in asked for anyway is refused before anything is spent: no push sent, no pass used up, no code texted', async () => {
      const dave = await enrollUser(srv, 'dave');
      const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
      const found = await helpdesk.get(`/api/admin/users?q=${encodeURIComponent(dave.upn)}`);
      const issued = await helpdesk.post(`/api/admin/users/${found.body.users[0].id}/tap`, {});
      expect(issued.status).toBe(201);
      try {
        const a = await authorizationRequest(t, { acr_values: MFA });
        const browser = new HttpClient(srv.origin);
        const uid = interactionOf((await follow(browser, a.url.toString())).url);
        const start = await browser.post('/api/signin/start', { username: dave.upn, interaction: uid });
        const flowId = start.body.flowId as string;
        const refused = { status: 403, body: { error: 'step_up_required', message: expect.stringContaining('Grafana (test) asks for a stronger sign-in') } };
        expect(await browser.post('/api/signin/passwordless', { flowId })).toMatchObject(refused);
        expect(await browser.post('/api/signin/tap', { flowId, pass: issued.body.pass })).toMatchObject(refused);
        expect(await browser.post('/api/signin/sms/send', { flowId })).toMatchObject(refused);
        expect(browser.hasCookie('pk_session')).toBe(false);
        // Nothing went out and nothing was spent: the pass still signs in where one factor is enough.
        expect((await srv.repo.getFlow(flowId))?.challengeId).toBeNull();
        const plain = new HttpClient(srv.origin);
        const again = await plain.post('/api/signin/start', { username: dave.upn });
        expect((await plain.post('/api/signin/tap', { flowId: again.body.flowId, pass: issued.body.pass })).body).toEqual({ status: 'signed_in' });
      } finally {
        dave.device.close();
      }
    });

    it('a user with no second factor: step_up_required at the password, logged, and no session', async () => {
      const a = await authorizationRequest(t, { acr_values: MFA });
      const browser = new HttpClient(srv.origin);
      const uid = interactionOf((await follow(browser, a.url.toString())).url);
      const start = await browser.post('/api/signin/start', { username: srv.users.alice!.upn, interaction: uid });
      const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: srv.users.alice!.password });
      expect(pw).toMatchObject({ status: 403, body: { error: 'step_up_required', message: expect.stringContaining('Grafana (test) asks for a stronger sign-in') } });
      expect(browser.hasCookie('pk_session')).toBe(false);
      expect((await srv.repo.getSignIn(start.body.flowId))).toMatchObject({ result: 'failure', failureCode: 'step_up_required', app: 'Grafana (test)' });
    });

    it('a one-factor session already signed in: asked again, not signed in silently below the level', async () => {
      const { browser } = await codeFlow();
      const silent = await follow(browser, (await authorizationRequest(t, { acr_values: MFA, prompt: 'none' })).url.toString());
      expect(new URL(silent.url).searchParams.get('error')).toBe('login_required');
      const asked = await follow(browser, (await authorizationRequest(t, { acr_values: MFA })).url.toString());
      expect(asked.page).toBe('signin');
      // Going back without a stronger sign-in lands on the sign-in page again.
      expect((await follow(browser, `${srv.origin}/oidc/interaction/${interactionOf(asked.url)}`)).page).toBe('signin');
    });
  });

  describe('refuses with the standard errors, and no session', () => {
    it('an unregistered redirect URI: an error page, never a redirect to it', async () => {
      const a = await authorizationRequest(t, { redirect_uri: 'http://localhost:5555/evil' });
      const r = await new HttpClient(srv.origin).navigate(a.url.toString());
      expect(r.status).toBe(400);
      expect(r.location).toBeNull();
      expect(r.text).toContain('invalid_redirect_uri');
    });

    it('a replayed code: invalid_grant, and the tokens of the first exchange are revoked', async () => {
      const { a, callback } = await codeFlow();
      const first = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
      await expect(oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
      await expect(oidc.fetchUserInfo(t.config, first.access_token, oidc.skipSubjectCheck)).rejects.toMatchObject({ status: 401 });
    });

    it('a code exchanged by many callers at once: exactly one gets tokens', async () => {
      const { a, callback } = await codeFlow();
      const code = new URL(callback).searchParams.get('code')!;
      const exchange = () =>
        fetch(`${srv.origin}/oidc/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: a.verifier, client_id: t.app.id, client_secret: t.secret! }),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const results = await Promise.all(Array.from({ length: 6 }, exchange));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant')).toBe(true);
    });

    it('a wrong PKCE verifier: invalid_grant', async () => {
      const { a, callback } = await codeFlow();
      await expect(oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: oidc.randomPKCECodeVerifier(), expectedState: a.state, expectedNonce: a.nonce })).rejects.toMatchObject({ error: 'invalid_grant' });
    });

    it('an authorization request without PKCE: invalid_request back at the app', async () => {
      const url = oidc.buildAuthorizationUrl(t.config, { redirect_uri: REDIRECT_URI, scope: 'openid', state: 's1' });
      const r = await new HttpClient(srv.origin).navigate(url.toString());
      const back = new URL(r.location!);
      expect(back.origin + back.pathname).toBe(REDIRECT_URI);
      expect(back.searchParams.get('error')).toBe('invalid_request');
    });

    it('a wrong client secret, and the secret\'s stored hash sent as the secret: invalid_client', async () => {
      const { a, callback } = await codeFlow();
      for (const secret of ['not-the-secret', t.app.secretHash!]) {
        const config = await oidc.discovery(new URL(`${srv.origin}/oidc`), t.app.id, undefined, oidc.ClientSecretPost(secret), { execute: [oidc.allowInsecureRequests] });
        await expect(oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce })).rejects.toMatchObject({ error: 'invalid_client' });
      }
    });

    it('a user the app does not admit: access_denied back at the app', async () => {
      await srv.repo.replaceApp({ ...t.app, access: { everyone: false, groups: ['Nobody'], userIds: [] } });
      const a = await authorizationRequest(t);
      const browser = new HttpClient(srv.origin);
      const step = await follow(browser, a.url.toString());
      const uid = interactionOf(step.url);
      const start = await browser.post('/api/signin/start', { username: srv.users.alice!.upn, interaction: uid });
      await browser.post('/api/signin/password', { flowId: start.body.flowId, password: srv.users.alice!.password });
      const back = await follow(browser, `${srv.origin}/oidc/interaction/${uid}`);
      expect(new URL(back.url).searchParams.get('error')).toBe('access_denied');
    });
  });
});
