// The OpenID provider on two instances over one PostgreSQL database: every hop of a sign-in
// may land on either instance (a load balancer without sticky sessions), and the keys,
// interactions, codes, consents and sign-ins without a browser (CIBA) are the same on both.
import { request } from 'node:http';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { updateApp } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import { upgradeToPasswordless } from '../support/flows.ts';
import { startCluster, type Cluster, type Instance } from '../support/postgres.ts';
import { demoPassword, HttpClient, ManualClock, signIn, type TestServer } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';
import { authorizationRequest, interactionOf, REDIRECT_URI, registerTestApp, signInThroughPushkey, type TestApp } from '../support/oidc.ts';

const clock = new ManualClock();
let cluster: Cluster;
let t: TestApp;
beforeAll(async () => {
  cluster = await startCluster({ name: 'oidc', clock });
  t = await registerTestApp({ origin: cluster.origin, deps: cluster.instances[0]!.deps } as TestServer);
});
afterAll(async () => cluster?.close());

it('signs an app in with each hop on the other instance than the one before', async () => {
  const [one, two] = [cluster.instances[0]!.url, cluster.instances[1]!.url];
  const jwks = (at: string) => fetch(`${at}/oidc/jwks`).then((r) => r.text());
  expect(await jwks(two)).toBe(await jwks(one));
  const a = await authorizationRequest(t);
  const browser = new HttpClient(one);
  const hop = (at: string, url: string) => {
    const u = new URL(url, one);
    return browser.at(at).navigate(at + u.pathname + u.search);
  };

  const auth = await hop(one, a.url.toString());
  const uid = interactionOf((await hop(two, auth.location!)).location!);
  const page = browser.at(two);
  expect((await page.get(`/api/oidc/interactions/${uid}`)).body).toMatchObject({ app: 'Grafana (test)', prompt: 'login' });
  const start = await page.post('/api/signin/start', { username: 'carol@pushkey.test', interaction: uid });
  expect((await page.post('/api/signin/password', { flowId: start.body.flowId, password: demoPassword('carol') })).body.status).toBe('signed_in');

  const finished = await hop(one, `/oidc/interaction/${uid}`);
  const resumed = await hop(two, finished.location!);
  const consentUid = interactionOf((await hop(one, resumed.location!)).location!);
  const allowed = await browser.at(two).post(`/oidc/interaction/${consentUid}/consent`, {});
  const back = await hop(one, allowed.body.redirectTo);
  expect(back.location!.startsWith(REDIRECT_URI)).toBe(true);

  const tokens = await oidc.authorizationCodeGrant(t.config, new URL(back.location!), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
  expect(tokens.claims()).toMatchObject({ iss: `${cluster.origin}/oidc`, amr: ['pwd'] });
  const info = await fetch(`${two}/oidc/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
  expect(await info.json()).toMatchObject({ preferred_username: 'carol@pushkey.test' });
});

it('settles a sign-in without a browser (CIBA) once, with the push through the other instance', async () => {
  const [one, two] = cluster.instances as [Instance, Instance];
  const kiosk = await registerTestApp({ origin: cluster.origin, deps: one.deps } as TestServer, { name: 'Kiosk (cluster)' });
  await updateApp(one.deps, systemActor, kiosk.app.id, { backchannel: true });
  const me = await signIn(one.url, 'alice@pushkey.test', demoPassword('alice'));
  const act = await me.post('/api/me/authenticator/activation');
  const device = await SoftDevice.enroll(cluster.origin, act.body.code, { now: () => clock.now() });
  await device.connect(two.url);
  await upgradeToPasswordless({ name: 'alice', upn: 'alice@pushkey.test', password: demoPassword('alice'), me, device });

  const res = await oidc.initiateBackchannelAuthentication(kiosk.config, { scope: 'openid', login_hint: 'alice@pushkey.test', binding_message: '47' });
  const push = await device.nextPush();
  expect(push).toMatchObject({ kind: 'passwordless', app: 'Kiosk (cluster)' });
  // Answered on instance 1; both instances hear it, one settles it.
  expect((await device.respond(push, 'approve', '47')).body).toMatchObject({ outcome: 'approved' });
  await vi.waitFor(async () => {
    const r = await one.deps.repo.findOidcRecord('BackchannelAuthenticationRequest', { id: res.auth_req_id }, clock.now());
    expect(r?.payload.grantId).toBeTruthy();
  });
  const tokens = await oidc.genericGrantRequest(kiosk.config, 'urn:openid:params:grant-type:ciba', { auth_req_id: res.auth_req_id });
  expect(tokens.claims()).toMatchObject({ aud: kiosk.app.id, amr: ['swk', 'user'] });
  const logged = await one.deps.repo.listSignIns({ app: 'Kiosk (cluster)', limit: 10 });
  expect(logged.map((e) => e.result)).toEqual(['success']);
});

/** A GET sent to instance `to` as a load balancer forwards it: the Host the app addressed, kept. */
function forwarded(to: string, url: string, headers: Headers): Promise<Response> {
  const u = new URL(url);
  const target = new URL(to);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: u.pathname + u.search, headers: { ...Object.fromEntries(headers), host: u.host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(new Response(Buffer.concat(chunks), { status: res.statusCode!, headers: res.headers as Record<string, string> })));
    });
    req.on('error', reject);
    req.end();
  });
}

it('refuses a DPoP proof replayed on the other instance (RFC 9449 §11.1): the proofs seen are the same on both', async () => {
  const [one, two] = [cluster.instances[0]!.url, cluster.instances[1]!.url];
  const proofs: string[] = [];
  // The app's userinfo calls reach instance 2 through the one origin; everything else instance 1.
  t.config[oidc.customFetch] = (url, init) => {
    const headers = new Headers(init.headers);
    if (!url.endsWith('/oidc/me')) return fetch(url, init as RequestInit);
    proofs.push(headers.get('dpop')!);
    return forwarded(two, url, headers);
  };
  const DPoP = oidc.getDPoPHandle(t.config, await oidc.randomDPoPKeyPair('ES256'));
  const a = await authorizationRequest(t);
  const callback = await signInThroughPushkey(new HttpClient(one), a, 'carol@pushkey.test', demoPassword('carol'));
  const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce }, undefined, { DPoP });
  expect(tokens.token_type.toLowerCase()).toBe('dpop');
  const carol = (await cluster.instances[0]!.deps.repo.getUserByUpn('carol@pushkey.test'))!;
  // A fresh proof, taken by instance 2 (its htu is the origin's: the forwarding is as a proxy's).
  expect(await oidc.fetchUserInfo(t.config, tokens.access_token, carol.id, { DPoP })).toMatchObject({ sub: carol.id });
  // The same proof again, now on instance 1: a replay, refused there too.
  const replayed = await fetch(`${one}/oidc/me`, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: proofs.at(-1)! } });
  expect(replayed.status).toBe(401);
  expect(replayed.headers.get('www-authenticate')).toMatch(/error="invalid_(token|dpop_proof)"/);
  // Refused as a replay, not for the token or its key: a fresh proof on instance 1 works.
  t.config[oidc.customFetch] = (url, init) => fetch(url, init as RequestInit);
  expect(await oidc.fetchUserInfo(t.config, tokens.access_token, carol.id, { DPoP })).toMatchObject({ sub: carol.id });
});
