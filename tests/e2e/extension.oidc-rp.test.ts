// A real app signs a user in through pushkey with the real extension: the example relying party
// (npm run example:rp, an unmodified openid-client, started as its own process on a free port)
// is opened in Chromium; "Sign in with pushkey" leads to pushkey's sign-in page, which names the
// app; the password sends a push whose prompt names the app too; the person types the number the
// page shows, allows the app, and is back in the app, which shows the ID token's claims. Signing
// out of the app goes through pushkey's end-session and ends the pushkey session as well.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApp, updateApp } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import { Browsers, clickText, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { newSitePage, problemsOf, shot, shownNumber, startSiteServer } from '../support/site.ts';
import { signIn, type TestServer } from '../support/server.ts';
import { spawnServer, type Spawned } from '../support/spawn-server.ts';
import { addAccountByCode, waitConnected } from './flows.ts';

const APP_NAME = 'Example app';

let browsers: Browsers;
let server: TestServer;
let b: Profile;
let rp: Spawned;
let rpUrl: string;
let bob: { upn: string; password: string };

/** The prompt's "Sign-in details", label → text. */
const detailsOf = (prompt: Page): Promise<Record<string, string>> =>
  prompt.$$eval('dl.details dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent!.trim(), dt.nextElementSibling?.textContent?.trim() ?? ''])));

beforeAll(async () => {
  browsers = new Browsers();
  [server, b] = await Promise.all([startSiteServer(), browsers.launch({ extension: true })]);
  bob = server.users.bob!;
  const me = await signIn(server.origin, bob.upn, bob.password);
  const act = await me.post('/api/me/authenticator/activation');
  const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, bob.upn);
  await waitConnected(popup, bob.upn);
  await popup.close();
  // The app learns its port only once it listens: it is registered first, and its redirect URIs are set from the URL it prints.
  const { app, secret } = await registerApp(server.deps, systemActor, {
    name: APP_NAME,
    redirectUris: ['http://localhost:5555/callback'],
    postLogoutRedirectUris: [],
    access: { everyone: true, groups: [], userIds: [] },
    tokenAuthMethod: 'client_secret_basic',
  });
  rp = await spawnServer('npm', ['run', '--silent', 'example:rp'], { PORT: '0', PUSHKEY_ISSUER: `${server.origin}/oidc`, CLIENT_ID: app.id, CLIENT_SECRET: secret! }, /Example app on (http:\/\/\S+)\n/, 30_000);
  rpUrl = /Example app on (http:\/\/\S+)\n/.exec(rp.output())![1]!;
  await updateApp(server.deps, systemActor, app.id, { redirectUris: [`${rpUrl}/callback`], postLogoutRedirectUris: [`${rpUrl}/`] });
});

afterAll(async () => {
  await rp?.stop();
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: an app signs in through pushkey (the example relying party)', () => {
  it('app → pushkey sign-in naming the app → password → the prompt names the app → the number typed → consent → back in the app with amr mfa pwd swk user; then signed out through end-session', async () => {
    const page = await newSitePage(b.browser);
    await page.goto(rpUrl);
    await waitForText(page, 'Sign in with pushkey');
    await shot(page, 'rp-1-app');

    await Promise.all([page.waitForNavigation(), page.click('#signin')]);
    // The redirects end on pushkey's sign-in page for this app's request.
    expect(new URL(page.url()).origin).toBe(server.origin);
    expect(new URL(page.url()).pathname).toBe('/login/');
    await waitForText(page, `to continue to ${APP_NAME}`);
    await page.waitForSelector('#username');
    await shot(page, 'rp-2-signin-names-app');
    await page.type('#username', bob.upn);
    await clickText(page, 'Next');
    await page.waitForSelector('#password');
    await page.type('#password', bob.password);
    await clickText(page, 'Sign in');
    const number = await shownNumber(page);
    expect(number).toMatch(/^\d{2}$/);
    await shot(page, 'rp-3-number');

    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await waitForText(prompt, bob.upn);
    expect((await detailsOf(prompt))['App']).toBe(APP_NAME);
    await shot(prompt, 'rp-4-prompt');
    await prompt.type('#number', number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    await waitForPromptClosed(b);

    await waitForText(page, `Let ${APP_NAME} access your account?`);
    await shot(page, 'rp-5-consent');
    await Promise.all([page.waitForNavigation(), clickText(page, 'Allow')]);
    // The callback exchanged the code and sent the browser to the app's home page.
    await page.waitForFunction((u) => location.href === `${u}/` && document.querySelector('#amr') !== null, { timeout: 15_000 }, rpUrl);
    await shot(page, 'rp-6-app-signed-in');
    expect(await page.$eval('#amr', (e) => e.textContent)).toBe('mfa pwd swk user');
    expect(await page.$eval('#acr', (e) => e.textContent)).toBe('urn:pushkey:acr:mfa');
    const claims = JSON.parse((await page.$eval('#claims', (e) => e.textContent))!) as Record<string, unknown>;
    const user = (await server.repo.getUserByUpn(bob.upn))!;
    expect(claims).toMatchObject({ iss: `${server.origin}/oidc`, sub: user.id, amr: ['mfa', 'pwd', 'swk', 'user'], acr: 'urn:pushkey:acr:mfa' });
    await waitForText(page, `Signed in as ${user.displayName}`);
    process.stdout.write(`Example app's ID token claims from a real run: ${JSON.stringify(claims)}\n`);
    expect((await server.repo.listSignIns({ app: APP_NAME, limit: 1 }))[0]).toMatchObject({ upn: bob.upn, result: 'success', methods: ['password', 'authenticator'] });

    // RP-initiated logout: the app hands the ID token to pushkey's end-session, which asks, then returns to the app.
    await Promise.all([page.waitForNavigation(), page.click('#signout')]);
    expect(page.url()).toContain(`${server.origin}/oidc/session/end`);
    await waitForText(page, `Sign out of ${APP_NAME} and pushkey?`);
    await shot(page, 'rp-7-end-session');
    await Promise.all([page.waitForNavigation(), clickText(page, 'Yes, sign me out')]);
    await page.waitForFunction((u) => location.href === `${u}/`, { timeout: 15_000 }, rpUrl);
    await waitForText(page, 'Sign in with pushkey');
    // The pushkey session ended with it.
    const pushkey = await newSitePage(b.browser);
    await pushkey.goto(`${server.origin}/api/health`);
    expect(await pushkey.evaluate(() => fetch('/api/me').then((r) => r.status))).toBe(401);
    expect(problemsOf(page).csp).toEqual([]);
    expect(problemsOf(page).unlabelled).toEqual([]);
  });
});
