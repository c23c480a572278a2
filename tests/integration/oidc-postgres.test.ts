// The OpenID provider on two instances over one PostgreSQL database: every hop of a sign-in
// may land on either instance (a load balancer without sticky sessions), and the keys,
// interactions, codes and consents are the same on both.
import * as oidc from 'openid-client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../support/postgres.ts';
import { demoPassword, HttpClient, ManualClock, type TestServer } from '../support/server.ts';
import { authorizationRequest, interactionOf, REDIRECT_URI, registerTestApp, type TestApp } from '../support/oidc.ts';

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
