// The admin portal's App registrations in real Chromium: a global admin registers an app (the
// secret shown once), an unmodified openid-client app signs in with it, the admin limits who may
// sign in, makes a new secret (the old one is refused at once), turns the app off and deletes
// it; each change is in the audit log, and the app's sign-ins are in the sign-in log under its name.
// The admin also rotates the provider's signing keys from the same page.
import * as oidc from 'openid-client';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Browsers, type Profile } from '../support/browser.ts';
import { authorizationRequest, REDIRECT_URI, signInThroughPushkey, type TestApp } from '../support/oidc.ts';
import { HttpClient, type TestServer } from '../support/server.ts';
import { clickText, newSitePage, problemsOf, shot, signInWithPassword, startSiteServer, waitForText } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let page: Page;

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startSiteServer()]);
  page = await newSitePage(a.browser);
  await signInWithPassword(page, srv.origin, srv.users.admin!.upn, srv.users.admin!.password, '/admin/');
  await page.waitForSelector('main h1');
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

const valueOf = (selector: string) => page.$eval(selector, (e) => (e as HTMLInputElement).value);

/** Carol signs in to the app through pushkey with this secret: the app's token exchange, or its refusal. */
async function carolSignsIn(clientId: string, secret: string) {
  const config = await oidc.discovery(new URL(`${srv.origin}/oidc`), clientId, undefined, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  const auth = await authorizationRequest({ config } as TestApp);
  const callback = await signInThroughPushkey(new HttpClient(srv.origin), auth, srv.users.carol!.upn, srv.users.carol!.password);
  return () => oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: auth.verifier, expectedState: auth.state, expectedNonce: auth.nonce });
}

describe('site: App registrations', () => {
  it('registers an app, shows its secret once, limits who signs in, rotates the secret, turns it off and deletes it, all audited', async () => {
    await page.goto(`${srv.origin}/admin/#/apps`);
    await waitForText(page, 'No app is registered yet.');
    await clickText(page, '+ New registration');
    await page.waitForSelector('#app-name');
    await page.type('#app-name', 'Team wiki');
    await page.type('#app-redirect-uris', `${REDIRECT_URI}\nhttps://wiki.example/callback`);
    await shot(page, 'admin-app-new');
    await clickText(page, 'Register');
    await waitForText(page, "Copy the secret now: it won't be shown again.");
    const clientId = await valueOf('#client-id');
    const secret = await valueOf('#client-secret');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await shot(page, 'admin-app-secret');
    await clickText(page, 'Done');
    await page.waitForSelector('#app-edit-name');
    await waitForText(page, 'Sign-in with OpenID Connect');
    await shot(page, 'admin-app-page');
    // The secret is nowhere on the app's page any more, nor in what the API lists.
    expect(await page.evaluate(() => document.body.innerHTML)).not.toContain(secret);
    const stored = (await srv.repo.getApp(clientId))!;
    expect(stored.redirectUris).toEqual([REDIRECT_URI, 'https://wiki.example/callback']);

    // The app signs carol in with the secret it was shown.
    expect((await (await carolSignsIn(clientId, secret))()).claims()).toMatchObject({ aud: clientId });

    // Only the Pilot group and carol herself: the choice lands in the registration.
    await page.click('#app-access-selected');
    await page.waitForSelector('#app-groups');
    await page.type('#app-groups', 'Pilot');
    await page.keyboard.press('Enter');
    await page.type('#app-users', srv.users.carol!.upn);
    await page.keyboard.press('Enter');
    await page.waitForSelector(`button[aria-label="Remove ${srv.users.carol!.upn}"]`);
    await shot(page, 'admin-app-access');
    await clickText(page, 'Save');
    await waitForText(page, 'Changes saved.');
    const carol = (await srv.repo.getUserByUpn(srv.users.carol!.upn))!;
    expect((await srv.repo.getApp(clientId))!.access).toEqual({ everyone: false, groups: ['Pilot'], userIds: [carol.id] });

    // A new secret, shown once; the old one is refused at once.
    await clickText(page, 'New secret');
    await clickText(page, 'Make a new secret');
    await waitForText(page, "Copy the secret now: it won't be shown again.");
    const rotated = await valueOf('#client-secret');
    expect(rotated).not.toBe(secret);
    await clickText(page, 'Done');
    await expect((await carolSignsIn(clientId, secret))()).rejects.toMatchObject({ status: 401 });
    expect((await (await carolSignsIn(clientId, rotated))()).claims()).toMatchObject({ aud: clientId });

    // Sign-in without a browser (CIBA): off until an admin allows it, then the grant is the app's.
    expect((await srv.repo.getApp(clientId))!.backchannel).toBe(false);
    await page.click('#app-backchannel');
    await clickText(page, 'Save');
    await vi.waitFor(async () => expect((await srv.repo.getApp(clientId))!.backchannel).toBe(true));
    const meta = await fetch(`${srv.origin}/oidc/.well-known/openid-configuration`).then((r) => r.json());
    expect(meta.backchannel_token_delivery_modes_supported).toEqual(['poll']);

    // Turned off: the provider no longer knows the client.
    await page.click('#app-disabled');
    await clickText(page, 'Save');
    await waitForText(page, 'Turned off');
    expect((await srv.repo.getApp(clientId))!.disabled).toBe(true);
    const off = await fetch(`${srv.origin}/oidc/auth?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(REDIRECT_URI)}`, { redirect: 'manual' });
    expect(await off.text()).toContain('invalid_client');

    // The app's sign-ins, under its name.
    await clickText(page, 'Sign-ins to this app', 'a');
    await page.waitForSelector('#f-app');
    expect(await valueOf('#f-app')).toBe('Team wiki');
    await waitForText(page, srv.users.carol!.upn);
    await shot(page, 'admin-app-signins');
    const logged = await srv.repo.listSignIns({ app: 'Team wiki', limit: 10 });
    expect(logged.map((e) => [e.upn, e.result])).toEqual([
      [srv.users.carol!.upn, 'success'],
      [srv.users.carol!.upn, 'success'],
      [srv.users.carol!.upn, 'success'],
    ]);

    // Delete: back to the (empty) list.
    await page.goto(`${srv.origin}/admin/#/apps/${clientId}`);
    await clickText(page, 'Delete Team wiki');
    await clickText(page, 'Delete');
    await waitForText(page, 'No app is registered yet.');
    expect(await srv.repo.getApp(clientId)).toBeNull();

    // Every change is in the audit log, in words, never with a secret.
    await page.goto(`${srv.origin}/admin/#/audit`);
    for (const words of ['App registered', 'App registration updated', 'App secret rotated', 'App registration deleted']) await waitForText(page, words);
    await shot(page, 'admin-app-audit');
    const audit = JSON.stringify(await srv.repo.listAudit({ action: 'app.', limit: 20 }));
    for (const s of [secret, rotated]) expect(audit).not.toContain(s);
    expect(problemsOf(page)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });

  it('rotates the signing keys: the confirmation says what it means, the new pair signs, the old one stays published, audited', async () => {
    const jwks = async () => ((await fetch(`${srv.origin}/oidc/jwks`).then((r) => r.json())) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    const before = await jwks();
    await page.goto(`${srv.origin}/admin/#/apps`);
    await waitForText(page, 'Signing keys');
    for (const kid of before) await waitForText(page, kid);
    await clickText(page, 'Rotate signing keys');
    await waitForText(page, 'Rotate the signing keys?');
    await waitForText(page, 'A new key pair signs every token from now on.');
    await waitForText(page, 'stay in the JWKS for 12 hours, until no token they signed can still be presented');
    await shot(page, 'admin-keys-confirm');
    // Cancel changes nothing.
    await clickText(page, 'Cancel');
    expect(await jwks()).toEqual(before);
    await clickText(page, 'Rotate signing keys');
    await clickText(page, 'Rotate signing keys', 'dialog[open] button');
    await waitForText(page, 'Signing keys rotated');
    const after = await jwks();
    expect(after).toHaveLength(4);
    expect(after.slice(2)).toEqual(before);
    await waitForText(page, `New tokens are signed with ${after[0]} and ${after[1]}.`);
    await waitForText(page, 'Retired · published until');
    await shot(page, 'admin-keys-rotated');
    expect((await srv.repo.listAudit({ action: 'oidc.keys_rotated', limit: 1 }))[0]).toMatchObject({ actorUpn: srv.users.admin!.upn, after: { kids: after.slice(0, 2), retired: before } });
    await page.goto(`${srv.origin}/admin/#/audit`);
    await waitForText(page, 'OpenID signing keys rotated');
    expect(problemsOf(page)).toEqual({ csp: [], errors: [], unlabelled: [] });
  });

  it('is not offered to a helpdesk admin, whom the server refuses anyway', async () => {
    const context = await a.browser.createBrowserContext();
    const helpdesk = await newSitePage(context);
    await signInWithPassword(helpdesk, srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password, '/admin/');
    await helpdesk.waitForSelector('main h1');
    expect(await helpdesk.evaluate(() => document.querySelector('nav')?.innerText ?? '')).not.toContain('App registrations');
    expect(await helpdesk.evaluate(async () => (await fetch('/api/admin/apps')).status)).toBe(403);
  });
});
