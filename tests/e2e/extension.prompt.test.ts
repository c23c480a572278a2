// The prompt window's lifecycle against the real server and the real extension: a request
// that lands at any moment around the previous window's close is shown, and the window
// never presents a request that has ended or another sign-in's request unannounced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, openPopupTab, screenshot, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, listAccounts, waitConnected, waitShown, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let a: Profile;
let b: Profile;
let site: SitePage;
let alice: { upn: string; password: string };
let me: HttpClient;

/** Milliseconds after a result is on screen at which the next request is started. The outcome stays 2.5 s. */
const OFFSETS = (process.env.PROMPT_RACE_OFFSETS ?? '0,400,1200,2000,2300,2400,2450,2500,2550,2600,2700,3000')
  .split(',')
  .map(Number);

beforeAll(async () => {
  browsers = new Browsers();
  [server, a, b] = await Promise.all([startServer({ clock: wallClock }), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
  alice = server.users.alice!;
  me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
  await popup.close();
  site = await SitePage.open(a, server.origin);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

async function approve(prompt: Page, number: string): Promise<void> {
  await prompt.type('#number', number);
  await clickText(prompt, 'Yes');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('extension: every request reaches the person', () => {
  it.each(OFFSETS)('shows a request started %i ms after the previous result', async (offset) => {
    const first = await site.passwordThenPush(alice.upn, alice.password);
    await approve(await waitShown(b, first.challengeId), first.number);
    const resultAt = Date.now();
    expect(await site.status(first.flowId)).toBe('signed_in');
    await sleep(Math.max(0, resultAt + offset - Date.now()));

    const next = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitShown(b, next.challengeId);
    await approve(prompt, next.number);
    expect(await site.status(next.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);
  });

  it('keeps the window ready once a request has ended, and shows the next request in it', async () => {
    const first = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitShown(b, first.challengeId);
    await prompt.evaluate(() => ((window as unknown as { marked: boolean }).marked = true));
    await approve(prompt, first.number);
    expect(await site.status(first.flowId)).toBe('signed_in');
    // Put away, not closed: minimized, its page still loaded.
    await waitForPromptClosed(b);
    expect(prompt.isClosed()).toBe(false);
    expect(await prompt.evaluate(async () => (await chrome.windows.getCurrent()).state)).toBe('minimized');

    const next = await site.passwordThenPush(alice.upn, alice.password);
    const again = await waitShown(b, next.challengeId);
    expect(await again.evaluate(() => (window as unknown as { marked?: boolean }).marked)).toBe(true);
    expect(await again.evaluate(async () => (await chrome.windows.getCurrent()).state)).toBe('normal');
    await approve(again, next.number);
    expect(await site.status(next.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);
  });

  it('shows the newest request first, and the older one after it, never the older one in its place', async () => {
    // Another browser's sign-in is waiting, unanswered; the person closed the window on it.
    const other = new HttpClient(server.origin);
    const start = await other.post('/api/signin/start', { username: alice.upn });
    const older = (await other.post('/api/signin/password', { flowId: start.body.flowId, password: alice.password })).body.challenge;
    await (await waitShown(b, older.challengeId)).close();
    await waitForPromptClosed(b);

    // The person now signs in in browser A: the prompt shows A's request, the older one waits behind.
    const mine = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitShown(b, mine.challengeId);
    await waitForText(prompt, '1 more waiting');
    await screenshot(prompt, 'prompt-newest-first');
    await approve(prompt, mine.number);
    expect(await site.status(mine.flowId)).toBe('signed_in');

    // Then the older one, under a line that says the previous request was approved.
    const again = await waitShown(b, older.challengeId);
    await waitForText(again, 'Approved.');
    await screenshot(again, 'prompt-next-after-outcome');
    await clickText(again, "No, it's not me");
    await clickText(again, "Don't report");
    await waitForText(again, 'Denied');
    expect((await other.get(`/api/signin/status?flowId=${start.body.flowId}`)).body.status).toBe('denied');
    await waitForPromptClosed(b);
  });

  it('says so when the request on screen ends elsewhere, before showing another', async () => {
    const first = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitShown(b, first.challengeId);
    await prompt.type('#number', '1');
    // The browser asks again ("Send another request"): the first request is replaced.
    const resend = await site.call('POST', '/api/signin/resend', { flowId: first.flowId });
    expect(resend.status, JSON.stringify(resend.body)).toBe(200);
    const second = resend.body.challenge as { challengeId: string; number: string };
    const shown = await waitShown(b, second.challengeId);
    await waitForText(shown, 'Request closed.');
    // The digit typed into the replaced request is not carried over to the new one.
    expect(await shown.$eval('#number', (el) => (el as HTMLInputElement).value)).toBe('');
    await approve(shown, second.number);
    expect(await site.status(first.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);
  });

  it('ends a waiting passwordless request when passwordless is turned off', async () => {
    const popup = await openPopupTab(b);
    await clickText(popup, 'pushkey Lab');
    await clickText(popup, 'Set up passwordless sign-in');
    await popup.type('#password', alice.password);
    await clickText(popup, 'Continue');
    await popup.waitForSelector('#setup-number');
    await popup.type('#setup-number', (await me.get('/api/me/passwordless-setup')).body.pending.number);
    await clickText(popup, 'Register');
    await waitForText(popup, 'Passwordless sign-in is on');
    await clickText(popup, 'Done');

    const flow = await site.passwordless(alice.upn);
    expect(flow.status, JSON.stringify(flow.body)).toBe(200);
    const prompt = await waitShown(b, flow.challengeId);
    await prompt.close();
    const pendingKinds = async () =>
      ((await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'listPending' }))) as { value: { kind: string }[] }).value.map((r) => r.kind);
    expect(await pendingKinds()).toContain('passwordless');

    await clickText(popup, 'Account settings');
    await clickText(popup, 'Disable passwordless sign-in');
    await clickText(popup, 'Disable');
    await waitForText(popup, 'Passwordless sign-in is off.');
    expect((await listAccounts(popup)).find((x) => x.upn === alice.upn)?.passwordless).toBe(false);
    expect(await pendingKinds()).not.toContain('passwordless');
    // The browser that waited learns it cannot finish this way.
    expect(await site.status(flow.flowId)).not.toBe('pending');
    await popup.close();
    await waitForPromptClosed(b);
  });
});
