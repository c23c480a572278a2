// Following one sign-in across the three parts in real Chromium: browser A signs in with a
// push, the real extension in browser B approves it with the number, then the admin portal's
// Protocol timeline (opened from the sign-in's details) shows every step with valid
// signatures, and the extension's request details show the same correlation id.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { Browsers, clickText, waitForPrompt, waitForPromptClosed, waitForText, type Profile } from '../support/browser.ts';
import { signIn, type TestServer } from '../support/server.ts';
import { enterEmail, newSitePage, problemsOf, shot, startSiteServer } from '../support/site.ts';
import { SitePage, addAccountByCode, waitConnected } from './flows.ts';

let browsers: Browsers;
let server: TestServer;
let a: Profile;
let b: Profile;
let popup: Page;
let alice: { upn: string; password: string };

beforeAll(async () => {
  browsers = new Browsers();
  [server, a, b] = await Promise.all([startSiteServer({ policy: { numberLength: 6 } }), browsers.launch({ extension: false }), browsers.launch({ extension: true })]);
  alice = server.users.alice!;
  const me = await signIn(server.origin, alice.upn, alice.password);
  const act = await me.post('/api/me/authenticator/activation');
  popup = await addAccountByCode(b, act.body.code, act.body.serverUrl, alice.upn);
  await waitConnected(popup, alice.upn);
});

afterAll(async () => {
  await browsers?.closeAll();
  await server?.close();
});

describe('protocol timeline: one sign-in followed across browser, server and extension', () => {
  it('shows every step with valid signatures, and the same correlation id in the extension', async () => {
    // Browser A signs in; the extension's prompt gets the number typed.
    const site = await SitePage.open(a, server.origin);
    const flow = await site.passwordThenPush(alice.upn, alice.password);
    const prompt = await waitForPrompt(b);
    await prompt.waitForSelector('#number');
    await prompt.type('#number', flow.number);
    await clickText(prompt, 'Yes');
    await waitForText(prompt, 'Approved');
    expect(await site.status(flow.flowId)).toBe('signed_in');
    await waitForPromptClosed(b);

    // The admin opens the sign-in's details in the Sign-in logs, then its Protocol timeline.
    const page = await newSitePage(await a.browser.createBrowserContext());
    const admin = server.users.admin!;
    await enterEmail(page, server.origin, admin.upn, '/admin/');
    await page.type('#password', admin.password);
    await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in')]);
    await page.goto(`${server.origin}/admin/#/signins`);
    const row = await page.waitForSelector(`tr[data-id="${flow.flowId}"] button`);
    await row!.click();
    await clickText(page, 'Protocol timeline', 'a');
    await page.waitForSelector('[data-testid=correlation-id]');
    expect(await page.$eval('[data-testid=correlation-id]', (el) => el.textContent?.trim())).toBe(flow.flowId);
    const steps = await page.$$eval('.protocol-step', (els) => els.map((el) => ({ step: el.getAttribute('data-step'), signature: el.getAttribute('data-signature') })));
    expect(steps.map((s) => s.step)).toEqual(['start', 'step', 'challenge', 'push', 'delivery', 'answer', 'number', 'session']);
    expect(steps.filter((s) => s.signature)).toEqual([
      { step: 'push', signature: 'valid' },
      { step: 'answer', signature: 'valid' },
    ]);
    await waitForText(page, 'Signature valid (server');
    await waitForText(page, 'Signature valid (device');
    await shot(page, 'protocol-timeline');
    // Opened, the signed bytes of the push: the v2 layout over this server's origin.
    await page.$eval('.protocol-step[data-step=push] details', (el) => {
      (el as HTMLDetailsElement).open = true;
      el.closest('li')!.scrollIntoView();
    });
    await waitForText(page, 'pushkey-v2/push');
    await shot(page, 'protocol-timeline-signed-bytes');
    expect(problemsOf(page).errors).toEqual([]);
    expect(problemsOf(page).unlabelled).toEqual([]);

    // The extension: the account's recent activity → the request's details.
    await popup.reload();
    await clickText(popup, alice.upn);
    await popup.waitForSelector('.history-open');
    await popup.click('.history-open');
    await popup.waitForSelector('[data-field=correlationId]');
    expect(await popup.$eval('[data-field=correlationId]', (el) => el.textContent?.trim())).toBe(flow.flowId);
    expect(await popup.$eval('[data-field=challengeId]', (el) => el.textContent?.trim())).toBe(flow.challengeId);
    await shot(popup, 'extension-request-details');
  });
});
