// The example relying party (examples/oidc-rp), unmodified, against the real server: a browser
// goes app → pushkey sign-in (password, then the push with the number) → consent → back in the
// app, which shows the claims it received with the expected amr.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRelyingParty } from '../../examples/oidc-rp/app.ts';
import { registerApp } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import { enrollUser } from '../support/flows.ts';
import { allowOnPage, follow, interactionOf } from '../support/oidc.ts';
import { HttpClient, startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
let rp: Server;
let rpUrl: string;
beforeAll(async () => {
  srv = await startServer();
  rp = createServer();
  await new Promise<void>((resolve) => rp.listen(0, '127.0.0.1', resolve));
  rpUrl = `http://localhost:${(rp.address() as AddressInfo).port}`;
  const { app, secret } = await registerApp(srv.deps, systemActor, {
    name: 'Example app',
    redirectUris: [`${rpUrl}/callback`],
    postLogoutRedirectUris: [`${rpUrl}/`],
    access: { everyone: true, groups: [], userIds: [] },
    tokenAuthMethod: 'client_secret_basic',
  });
  rp.on('request', await createRelyingParty({ issuer: `${srv.origin}/oidc`, clientId: app.id, clientSecret: secret!, baseUrl: rpUrl, acrValues: 'urn:pushkey:acr:mfa' }));
});
afterAll(async () => {
  rp?.closeAllConnections();
  await new Promise((resolve) => rp?.close(resolve));
  await srv?.close();
});

it('signs in through pushkey with the push and shows the claims, amr mfa pwd swk user', async () => {
  const bob = await enrollUser(srv, 'bob');
  const app = new HttpClient(rpUrl);
  const browser = app.at(srv.origin);
  const login = await app.navigate('/login');
  const uid = interactionOf((await follow(browser, login.location!)).url);
  const start = await browser.post('/api/signin/start', { username: bob.upn, interaction: uid });
  const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: bob.password });
  const push = await bob.device.nextPush();
  expect(push.app).toBe('Example app');
  await bob.device.respond(push, 'approve', pw.body.challenge.number);
  expect((await browser.get(`/api/signin/status?flowId=${start.body.flowId}`)).body.status).toBe('signed_in');
  const consent = await follow(browser, `${srv.origin}/oidc/interaction/${uid}`);
  const callback = await follow(browser, await allowOnPage(browser, interactionOf(consent.url)));
  const back = await app.navigate(callback.url);
  expect(back.location).toBe(`${rpUrl}/`);
  const shown = await app.navigate('/');
  expect(shown.text).toContain('<code id="amr">mfa pwd swk user</code>');
  expect(shown.text).toContain('<code id="acr">urn:pushkey:acr:mfa</code>');
  expect(shown.text).toContain('Signed in as Bob');
  bob.device.close();
});
