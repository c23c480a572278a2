// An app without a browser signs a user in on the real extension: the example command-line app
// (npm run example:ciba, an unmodified openid-client) asks pushkey by CIBA with the number it
// prints, the extension in real Chromium pops the prompt naming the app, the person types the
// number the command printed and approves, and the command gets tokens whose ID token names
// the user with the passwordless push's amr.
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerApp, updateApp } from '../../server/domain/apps/apps.ts';
import { systemActor } from '../../server/domain/monitoring/audit.ts';
import { Browsers, clickText, screenshot, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { spawnServer } from '../support/spawn-server.ts';
import { addAccountByCode, listAccounts, setUpPasswordless, until, waitConnected, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let b: Profile;
let popup: Page;
let me: HttpClient;
let alice: { upn: string; password: string };

beforeAll(async () => {
  browsers = new Browsers();
  [server, b] = await Promise.all([startServer({ clock: wallClock, limits: { backchannelIntervalS: 1 } }), browsers.launch({ extension: true })]);
  alice = server.users.alice!;
  me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
  // The push a CIBA request sends is a passwordless one: the account is upgraded in the extension first.
  await popup.reload();
  await clickText(popup, 'pushkey Lab');
  await setUpPasswordless(popup, alice.password, me);
  expect((await listAccounts(popup)).find((x) => x.upn === alice.upn)?.passwordless).toBe(true);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: an app without a browser (CIBA)', () => {
  it('the example command-line app prints a number, the prompt names the app, typing that number signs the user in', async () => {
    const { app, secret } = await registerApp(server.deps, systemActor, {
      name: 'Build server CLI',
      redirectUris: ['http://localhost:5555/callback'],
      postLogoutRedirectUris: [],
      access: { everyone: true, groups: [], userIds: [] },
      tokenAuthMethod: 'client_secret_basic',
    });
    await updateApp(server.deps, systemActor, app.id, { backchannel: true });
    const cli = await spawnServer('npm', ['run', '--silent', 'example:ciba', '--', alice.upn], { PUSHKEY_ISSUER: `${server.origin}/oidc`, CLIENT_ID: app.id, CLIENT_SECRET: secret! }, /number \d+ on your authenticator/, 30_000);
    try {
      const number = /Approve sign-in, number (\d+) on your authenticator/.exec(cli.output())![1]!;
      expect(number).toMatch(/^\d{2}$/);
      const prompt = await waitForPrompt(b);
      await waitForText(prompt, 'Build server CLI');
      await waitForText(prompt, alice.upn);
      await screenshot(prompt, 'prompt-ciba');
      await prompt.waitForSelector('#number');
      await prompt.type('#number', number);
      await clickText(prompt, 'Yes');
      await waitForText(prompt, 'Approved');
      await waitForPromptClosed(b);
      await until('the command to finish with its tokens', () => cli.child.exitCode !== null, 20_000);
      const code = cli.child.exitCode;
      expect(code, `${cli.output()}\n${cli.errors()}`).toBe(0);
      const claims = JSON.parse(/ID token claims: (.*)/.exec(cli.output())![1]!) as Record<string, unknown>;
      const user = (await server.repo.getUserByUpn(alice.upn))!;
      expect(claims).toMatchObject({ iss: `${server.origin}/oidc`, aud: app.id, sub: user.id, amr: ['swk', 'user'], acr: 'urn:pushkey:acr:sfa' });
      expect(cli.output()).toContain(`Signed in as ${user.displayName}`);
      process.stdout.write(`CIBA ID token claims from a real run: ${JSON.stringify(claims)}\n`);
      expect((await server.repo.listSignIns({ app: 'Build server CLI', limit: 1 }))[0]).toMatchObject({ upn: alice.upn, result: 'success', methods: ['passwordless'] });
    } finally {
      await cli.stop();
    }
  });
});
