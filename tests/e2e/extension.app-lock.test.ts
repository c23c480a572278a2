// The app lock in the real extension against the real server: without it a passwordless
// approval is one factor; the policy asks for it and the prompt lets the person choose a PIN
// there; then every approval asks the PIN and is two factors in the sign-in log; a wrong PIN
// says how many tries are left and keeps the request open; ten in a row remove every account.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, openPopupTab, screenshot, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, listAccounts, setUpPasswordless, waitConnected, waitShown, wallClock } from './flows.ts';

const PIN = '480213';

let browsers: Browsers;
let server: TestServer;
let a: Profile;
let b: Profile;
let site: SitePage;
let popup: Page;
let me: HttpClient;
let alice: { upn: string; password: string };

beforeAll(async () => {
  browsers = new Browsers();
  [server, a, b] = await Promise.all([startServer({ clock: wallClock }), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
  alice = server.users.alice!;
  me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
  await setUpPasswordless(popup, alice.password, me);
  site = await SitePage.open(a, server.origin);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

/** "Use an app instead" in browser A; the prompt in B with the request on screen. */
async function passwordlessPrompt(): Promise<{ flowId: string; number: string; prompt: Page }> {
  const flow = await site.passwordless(alice.upn);
  expect(flow.status, JSON.stringify(flow.body)).toBe(200);
  return { flowId: flow.flowId, number: flow.number, prompt: await waitShown(b, flow.challengeId) };
}

const logged = async (flowId: string) => server.repo.getSignIn(flowId);

describe('extension: the app lock', () => {
  it('is off at first: a passwordless approval asks no PIN and is one factor', async () => {
    const { flowId, number, prompt } = await passwordlessPrompt();
    expect(await prompt.$('#pin')).toBeNull();
    await prompt.type('#number', number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flowId)).toBe('signed_in');
    expect(await logged(flowId)).toMatchObject({ result: 'success', requirement: 'single', methods: ['passwordless'] });
    await waitForPromptClosed(b);
  });

  it('required by the policy: the prompt lets the person choose a PIN, and the sign-in is two factors', async () => {
    await server.setPolicy({ requireAppLock: true });
    const { flowId, number, prompt } = await passwordlessPrompt();
    await prompt.waitForSelector('#new-pin');
    await prompt.type('#number', number);
    await prompt.type('#new-pin', PIN);
    await prompt.type('#new-pin-again', PIN.slice(0, 5) + '9');
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'The two PINs differ');
    await prompt.$eval('#new-pin-again', (el) => ((el as HTMLInputElement).value = ''));
    await prompt.type('#new-pin-again', PIN);
    await screenshot(prompt, 'prompt-app-lock-choose');
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flowId)).toBe('signed_in');
    expect(await logged(flowId)).toMatchObject({ result: 'success', requirement: 'multifactor', methods: ['passwordless', 'app_lock'] });
    await waitForPromptClosed(b);
  });

  it('asks the PIN at the next approval; a wrong one says how many tries are left and the request stays open', async () => {
    const { flowId, number, prompt } = await passwordlessPrompt();
    await prompt.waitForSelector('#pin');
    await prompt.type('#number', number);
    await prompt.type('#pin', '000000');
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Wrong PIN. 9 tries left');
    await screenshot(prompt, 'prompt-app-lock-wrong');
    expect(await site.status(flowId, false)).toBe('pending');
    // The number stays; the PIN is asked again.
    expect(await prompt.$eval('#pin', (el) => (el as HTMLInputElement).value)).toBe('');
    await prompt.type('#pin', PIN);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flowId)).toBe('signed_in');
    expect(await logged(flowId)).toMatchObject({ requirement: 'multifactor', methods: ['passwordless', 'app_lock'] });
    await waitForPromptClosed(b);
  });

  it('shows in the popup, and ten wrong PINs in a row remove every account from this browser and from the server', async () => {
    await server.setPolicy({ requireAppLock: false });
    const page = await openPopupTab(b);
    await page.setViewport({ width: 360, height: 700 });
    await clickText(page, 'App lock');
    await page.waitForSelector('[data-app-lock="on"]');
    await waitForText(page, 'On · 10 tries left');
    await screenshot(page, 'popup-app-lock');
    for (let i = 1; i < 10; i++) {
      await page.type('#current-pin', '111111');
      await clickText(page, 'Turn off');
      await waitForText(page, `On · ${10 - i} tries left`);
    }
    await page.type('#current-pin', '111111');
    await clickText(page, 'Turn off');
    await waitForText(page, 'every account was removed from this browser');
    await page.waitForSelector('[data-app-lock="off"]');
    expect(await listAccounts(page)).toEqual([]);
    const user = await server.repo.getUserByUpn(alice.upn);
    const devices = await server.repo.listUserDevices(user!.id);
    expect(devices.every((d) => d.revokedAt !== null), JSON.stringify(devices)).toBe(true);
  });
});
