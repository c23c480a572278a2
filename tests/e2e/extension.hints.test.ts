// What the prompt says before the person answers, against the real server and the real
// extension: a request from a place they never approved from, several in a minute, one while
// another waits; and the account's history lists each request with its place and those words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { rangesLocator } from '../../server/geo/locator.ts';
import { Browsers, clickText, openPopupTab, screenshot, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { addAccountByCode, waitConnected, waitShown, wallClock } from './flows.ts';

const LISBON = '203.0.113.9';
const LYON = '198.51.100.4';

let browsers: Browsers;
let server: TestServer;
let b: Profile;
let alice: { upn: string; password: string };

beforeAll(async () => {
  browsers = new Browsers();
  const locate = rangesLocator([
    { net: '203.0.113.0', prefix: 24, label: 'Lisbon, Portugal' },
    { net: '198.51.100.0', prefix: 24, label: 'Lyon, France' },
  ]);
  [server, b] = await Promise.all([startServer({ clock: wallClock, locate, app: { trustProxy: 1 } }), browsers.launch({ extension: true })]);
  alice = server.users.alice!;
  const me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  const popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
  await popup.close();
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

/** A browser at `ip` (behind the trusted proxy) types the password; the policy asks for the push. */
async function signInFrom(ip: string): Promise<{ browser: HttpClient; flowId: string; challengeId: string; number: string }> {
  const browser = new HttpClient(server.origin);
  browser.headers['x-forwarded-for'] = ip;
  const start = await browser.post('/api/signin/start', { username: alice.upn });
  const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: alice.password });
  expect(pw.body.status, JSON.stringify(pw.body)).toBe('mfa_required');
  return { browser, flowId: start.body.flowId, ...pw.body.challenge };
}

const hintsOn = (page: Page) => page.$$eval('[data-hint]', (els) => els.map((el) => [el.getAttribute('data-hint'), (el as HTMLElement).innerText]));

async function approve(prompt: Page, number: string): Promise<void> {
  await prompt.type('#number', number);
  await clickText(prompt, 'Yes');
  await waitForText(prompt, 'Approved');
}

describe('extension: the prompt warns of what is unusual', () => {
  it('a place never approved from, a burst, and a request while another waits; the history keeps them', async () => {
    // Usual: nothing to say.
    const usual = await signInFrom(LISBON);
    let prompt = await waitShown(b, usual.challengeId);
    expect(await hintsOn(prompt)).toEqual([]);
    await approve(prompt, usual.number);
    await waitForPromptClosed(b);

    // From a city the person never approved from: said before they answer.
    const stranger = await signInFrom(LYON);
    prompt = await waitShown(b, stranger.challengeId);
    expect(await hintsOn(prompt)).toEqual([['new_place', 'First request from Lyon, France: you have not approved one from there before.']]);
    await screenshot(prompt, 'prompt-hint-new-place');
    await clickText(prompt, "No, it's not me");
    await clickText(prompt, "Don't report");
    await waitForText(prompt, 'Denied');
    await waitForPromptClosed(b);

    // Two more within the minute, the second while the first still waits.
    const third = await signInFrom(LISBON);
    prompt = await waitShown(b, third.challengeId);
    const fourth = await signInFrom(LISBON);
    await waitForText(prompt, '1 more waiting');
    expect(await hintsOn(prompt)).toEqual([['burst', '3 requests in 60 s — did you start them all?']]);
    await approve(prompt, third.number);
    prompt = await waitShown(b, fourth.challengeId);
    expect(await hintsOn(prompt)).toEqual([
      ['burst', '4 requests in 60 s — did you start them all?'],
      ['overlap', 'Another request for this account is still waiting — did you start both?'],
    ]);
    await screenshot(prompt, 'prompt-hint-burst-overlap');
    await approve(prompt, fourth.number);
    await waitForPromptClosed(b);

    // The account's history: each request with its place, and what the prompt said.
    const popup = await openPopupTab(b);
    await popup.setViewport({ width: 360, height: 1000 });
    await clickText(popup, alice.upn, 'button.row');
    await popup.waitForSelector('.history li');
    const rows = await popup.$$eval('.history li', (lis) => lis.map((li) => [li.getAttribute('data-status'), (li as HTMLElement).innerText.replace(/\s+/g, ' ')]));
    expect(rows.map(([status]) => status)).toEqual(['approved', 'approved', 'denied', 'approved']);
    expect(rows[2]![1]).toContain('Lyon, France');
    expect(rows[2]![1]).toContain('First request from Lyon, France');
    expect(rows[3]![1]).toContain('Lisbon, Portugal');
    expect(rows[0]![1]).toContain('did you start both?');
    await screenshot(popup, 'popup-history-hints');
    await popup.close();
  });
});
