// Two browsers at once against the real server: A (no extension) signs in through the
// site API; B (with the extension) gets the prompt and the person types the number.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, EXTENSION_DIST, clickText, openPopupTab, promptIsOpen, screenshot, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, listAccounts, otherNumber, setUpPasswordless, waitConnected, wallClock } from './flows.ts';

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
  site = await SitePage.open(a, server.origin);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension: approving sign-ins', () => {
  it('approves with the number shown in browser A, and A is signed in', async () => {
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Are you trying to sign in?');
    await waitForText(prompt, alice.upn);
    // Nothing fills the number in: the field is empty until the person types.
    expect(await prompt.$eval('#number', (el) => (el as HTMLInputElement).value)).toBe('');
    // Keyboard first: the number field has the focus, Enter answers Yes.
    await prompt.waitForFunction(() => document.activeElement?.id === 'number');
    await screenshot(prompt, 'prompt-real-server');
    await prompt.type('#number', flow.number);
    await prompt.keyboard.press('Enter');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flow.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);
  });

  it('fails a wrong number, and A is told the number did not match', async () => {
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await prompt.type('#number', otherNumber(flow.number));
    await clickText(prompt, 'Yes');
    await waitForText(prompt, "The number didn't match");
    expect(await site.status(flow.flowId)).toBe('number_mismatch');
    await waitForPromptClosed(b);
  });

  it('"No, it\'s not me" offers to report, and the report reaches the server', async () => {
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitForPrompt(b);
    // Keyboard only: Tab from the number to "No, it's not me", Enter; "Report" then has the focus.
    await prompt.waitForFunction(() => document.activeElement?.id === 'number');
    await prompt.keyboard.press('Tab');
    expect(await prompt.evaluate(() => (document.activeElement as HTMLElement).innerText)).toBe("No, it's not me");
    await prompt.keyboard.press('Enter');
    await waitForText(prompt, 'Do you want to report this?');
    await prompt.waitForFunction(() => (document.activeElement as HTMLElement | null)?.innerText === 'Report');
    await prompt.keyboard.press('Enter');
    await waitForText(prompt, 'Reported');
    expect(await site.status(flow.flowId)).toBe('reported');
    await waitForPromptClosed(b);
  });

  it('queues several requests and shows them one after the other', async () => {
    const first = await site.passwordThenPush(alice.upn, alice.password);
    // A second browser signs in too (its own flow cookie).
    const other = new HttpClient(server.origin);
    const start = await other.post('/api/signin/start', { username: alice.upn });
    const pw = await other.post('/api/signin/password', { flowId: start.body.flowId, password: alice.password });
    expect(pw.body.status, JSON.stringify(pw.body)).toBe('mfa_required');
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, '1 more waiting');
    // Whichever came first on screen stays there; the other follows in the same window.
    const numbers = new Map([first, pw.body.challenge as typeof first].map((c) => [c.challengeId, c.number]));
    const shown = () => prompt.$eval('main[data-challenge]', (el) => el.getAttribute('data-challenge')!);
    const onScreen = await shown();
    await prompt.type('#number', numbers.get(onScreen)!);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    await prompt.waitForFunction((id) => document.querySelector(`main[data-challenge]:not([data-challenge="${id}"]) #number`), { timeout: 10_000 }, onScreen);
    await prompt.type('#number', numbers.get(await shown())!);
    await clickText(prompt, 'Yes');
    // The first one's "Approved." line may still show above: wait for the second's own outcome.
    await prompt.waitForFunction(() => !document.querySelector('main[data-challenge]') && document.body.innerText.includes('Approved'), { timeout: 10_000 });
    expect(await site.status(first.flowId)).toBe('signed_in');
    expect((await other.get(`/api/signin/status?flowId=${start.body.flowId}&wait=1`)).body.status).toBe('signed_in');
    await waitForPromptClosed(b);
  });

  it('leaves out the application and location when the policy hides them', async () => {
    await server.setPolicy({ showApplication: false, showLocation: false });
    try {
      const flow = await site.passwordThenPush(alice.upn, alice.password);
      const prompt = await waitForPrompt(b);
      await prompt.waitForSelector('#number');
      const rows = await prompt.$$eval('dl dt', (dts) => dts.map((dt) => dt.textContent));
      expect(rows).not.toContain('App');
      expect(rows).not.toContain('Location');
      expect(rows).toContain('Browser');
      await prompt.type('#number', flow.number);
      await clickText(prompt, 'Yes');
      await waitForText(prompt, 'Approved');
      await waitForPromptClosed(b);
    } finally {
      await server.setPolicy({ showApplication: true, showLocation: true });
    }
  });

  it('refuses before any prompt when the server needs a newer extension, naming both versions', async () => {
    await server.setPolicy({ minClientVersion: '99.0.0' });
    try {
      const start = await site.call('POST', '/api/signin/start', { username: alice.upn });
      const pw = await site.call('POST', '/api/signin/password', { flowId: start.body.flowId, password: alice.password });
      expect(pw.status).toBe(426);
      expect(pw.body.message).toContain('99.0.0');
      // The version the extension enrolled with, as its manifest says.
      expect(pw.body.message).toContain(`pushkey ${JSON.parse(readFileSync(path.join(EXTENSION_DIST, 'manifest.json'), 'utf8')).version}`);
      await new Promise((r) => setTimeout(r, 500));
      expect(await promptIsOpen(b)).toBe(false);
    } finally {
      await server.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('names both versions when the minimum was raised after the prompt opened', async () => {
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await server.setPolicy({ minClientVersion: '99.0.0' });
    try {
      await prompt.type('#number', flow.number);
      await clickText(prompt, 'Yes');
      await waitForText(prompt, 'Update required');
      await waitForText(prompt, 'needs pushkey 99.0.0 or later');
      await screenshot(prompt, 'prompt-update-required');
      expect(await site.status(flow.flowId)).toBe('update_required');
      await waitForPromptClosed(b);
    } finally {
      await server.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('sets up passwordless in the popup, signs in with "Use an app instead", then disables it', async () => {
    await popup.reload();
    await clickText(popup, 'pushkey Lab');
    await popup.waitForSelector('#recent');
    await screenshot(popup, 'popup-account-activity');
    await setUpPasswordless(popup, alice.password, me, async () => screenshot(popup, 'popup-setup-number'));
    expect((await listAccounts(popup)).find((x) => x.upn === alice.upn)?.passwordless).toBe(true);

    const flow = await site.passwordless(alice.upn);
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await prompt.type('#number', flow.number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flow.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);

    await clickText(popup, 'Account settings');
    await clickText(popup, 'Disable passwordless sign-in');
    await waitForText(popup, 'Disable passwordless sign-in?');
    await clickText(popup, 'Disable');
    await waitForText(popup, 'Passwordless sign-in is off.');
    expect((await listAccounts(popup)).find((x) => x.upn === alice.upn)?.passwordless).toBe(false);
    const again = await site.passwordless(alice.upn);
    expect(again.status).not.toBe(200);
  });

  it('finishes a passwordless setup in the prompt window when the popup closed half-way', async () => {
    const page = await openPopupTab(b);
    await clickText(page, 'pushkey Lab');
    await clickText(page, 'Set up passwordless sign-in');
    await page.type('#password', alice.password);
    await clickText(page, 'Continue');
    await page.waitForSelector('#setup-number');
    // The person clicks the window that shows the number: the action popup closes.
    await page.close();
    const prompt = await waitForPrompt(b);
    await waitForText(prompt, 'Set up passwordless sign-in?');
    await waitForText(prompt, 'Enter the number shown on your computer screen');
    const shown = await me.get('/api/me/passwordless-setup');
    await prompt.type('#number', shown.body.pending.number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Passwordless sign-in is set up');
    await expect.poll(async () => (await listAccounts(popup)).find((x) => x.upn === alice.upn)?.passwordless).toBe(true);
    await waitForPromptClosed(b);
  });
});
