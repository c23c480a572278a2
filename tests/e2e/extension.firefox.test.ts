// The Firefox build in real Firefox ESR against the real server: enroll by the code typed by
// hand, a push, the number typed in the prompt, and the sign-in that the approval completes.
// The site's side runs in a tab of the same Firefox (one profile holding both, as a person with
// a single browser has it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, screenshot, waitForPrompt, waitForText, type Profile } from '../support/browser.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';
import { SitePage, addAccountByCode, listAccounts, otherNumber, waitConnected, wallClock } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let fx: Profile;
let popup: Page;
let alice: { upn: string; password: string };

beforeAll(async () => {
  browsers = new Browsers();
  [server, fx] = await Promise.all([startServer({ clock: wallClock }), browsers.launchFirefox()]);
  alice = server.users.alice!;
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('extension in Firefox', () => {
  it('adds an account from the code typed by hand, and its channel connects', async () => {
    const me = await signIn(server.origin, alice.upn, alice.password);
    const act = await me.post('/api/me/authenticator/activation');
    expect(act.status, JSON.stringify(act.body)).toBe(200);
    popup = await addAccountByCode(fx, act.body.code, act.body.serverUrl, alice.upn);
    await waitConnected(popup, alice.upn);
    const [account] = await listAccounts(popup);
    // The proposed device name says which browser this is.
    const devices = await me.get('/api/me/methods');
    expect(JSON.stringify(devices.body)).toContain('Firefox on Linux');
    expect(account).toMatchObject({ upn: alice.upn, connected: true, revoked: false });
    await screenshot(popup, 'firefox-popup-account');
  });

  it("reads its words from _locales through Firefox's i18n, substitutions filled in", async () => {
    const words = await popup.evaluate(() => [chrome.i18n.getMessage('extName'), chrome.i18n.getMessage('hintBurst', ['3', '60'])]);
    expect(words).toEqual(['pushkey Authenticator', '3 requests in 60 s — did you start them all?']);
  });

  it('keeps its event page up: the wake alarm comes sooner than Firefox stops an idle background (30 s)', async () => {
    const alarm = (await popup.evaluate(() => chrome.alarms.get('wake'))) as chrome.alarms.Alarm | undefined;
    expect(alarm?.periodInMinutes).toBeDefined();
    expect(alarm!.periodInMinutes! * 60).toBeLessThanOrEqual(20);
  });

  it('shows a push in the prompt window; a wrong number fails, the right one signs the site in', async () => {
    const site = await SitePage.open(fx, server.origin);
    const wrong = await site.passwordThenPush(alice.upn, alice.password);
    let prompt = await waitForPrompt(fx);
    await waitForText(prompt, 'Are you trying to sign in?');
    await prompt.type('#number', otherNumber(wrong.number));
    await clickText(prompt, 'Yes');
    await waitForText(prompt, "The number didn't match");
    expect(await site.status(wrong.flowId)).toBe('number_mismatch');

    const flow = await site.passwordThenPush(alice.upn, alice.password);
    prompt = await waitForPrompt(fx);
    await prompt.waitForSelector(`main[data-challenge="${flow.challengeId}"] #number`);
    await waitForText(prompt, alice.upn);
    // Nothing fills the number in: the field is empty until the person types.
    expect(await prompt.$eval('#number', (el) => (el as HTMLInputElement).value)).toBe('');
    await screenshot(prompt, 'firefox-prompt');
    await prompt.type('#number', flow.number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flow.flowId)).toBe('signed_in');
    // The site's session is real: the tab's cookie opens My Account's API.
    const me = await site.call('GET', '/api/me');
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).toContain(alice.upn);
  });
});
