// Steps the extension's end-to-end tests share: a real server on the wall clock, browser A
// (no extension) driving the site's JSON API with fetch, and browser B's popup.
import type { Page } from 'puppeteer-core';
import { expect } from 'vitest';
import type { Clock } from '../../server/domain/deps.ts';
import { clickText, extensionUrl, openPopupTab, POPUP_PATH, PROMPT_PATH, waitForText, type Profile } from '../support/browser.ts';

/** The extension signs with Date.now(), so the server must run on the wall clock too. */
export const wallClock: Clock = { now: () => Date.now() };

/** Browser A: a page on the server's origin that calls the site API with its own cookies. */
export class SitePage {
  private constructor(readonly page: Page) {}

  static async open(a: Profile, origin: string): Promise<SitePage> {
    const page = await a.browser.newPage();
    await page.goto(`${origin}/api/health`).catch(() => undefined);
    return new SitePage(page);
  }

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    return this.page.evaluate(
      async (m, p, b) => {
        const res = await fetch(p, { method: m, headers: b === undefined ? {} : { 'content-type': 'application/json' }, body: b === undefined ? undefined : JSON.stringify(b) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : null };
      },
      method,
      path,
      body,
    ) as Promise<{ status: number; body: T }>;
  }

  /** Password, then the push the policy asks for: returns the flow and the number the page shows. */
  async passwordThenPush(upn: string, password: string): Promise<{ flowId: string; number: string; challengeId: string }> {
    const start = await this.call('POST', '/api/signin/start', { username: upn });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const pw = await this.call('POST', '/api/signin/password', { flowId: start.body.flowId, password });
    expect(pw.body.status, JSON.stringify(pw.body)).toBe('mfa_required');
    return { flowId: start.body.flowId, ...pw.body.challenge };
  }

  /** "Use an app instead". */
  async passwordless(upn: string): Promise<{ flowId: string; number: string; challengeId: string; status: number; body: any }> {
    const start = await this.call('POST', '/api/signin/start', { username: upn });
    expect(start.status, JSON.stringify(start.body)).toBe(200);
    const pl = await this.call('POST', '/api/signin/passwordless', { flowId: start.body.flowId });
    return { flowId: start.body.flowId, ...(pl.body?.challenge ?? {}), status: pl.status, body: pl.body };
  }

  async status(flowId: string, wait = true): Promise<string> {
    const r = await this.call('GET', `/api/signin/status?flowId=${flowId}${wait ? '&wait=1' : ''}`);
    return r.body.status ?? r.body.error;
  }
}

/** Popup → Add account → Work or school account → Enter code manually. */
export async function addAccountByCode(b: Profile, code: string, url: string, expectText: string, opts: { deviceName?: string; before?: (popup: Page) => Promise<void> } = {}): Promise<Page> {
  const popup = await openPopupTab(b);
  await clickText(popup, 'Add account');
  await clickText(popup, 'Work or school account');
  await clickText(popup, 'Enter code manually');
  await popup.type('#code', code);
  if (url) await popup.type('#url', url);
  if (opts.deviceName !== undefined) {
    // Replaces the proposal once it is shown, as a person selecting the field's text and typing would. The
    // proposal for the server typed last, not one for a URL typed half-way: a later one would land between the
    // selection and the first keystroke and take the selection away.
    const origin = url || new URLSearchParams(code.trim().slice('pushkey://enroll?'.length)).get('origin') || '';
    const proposal = (await popup.evaluate((o) => chrome.runtime.sendMessage({ type: 'suggestDeviceName', origin: new URL(o).origin }), origin)) as { value: string };
    await popup.waitForFunction((want) => (document.querySelector('#device-name') as HTMLInputElement | null)?.value === want, {}, proposal.value);
    await popup.$eval('#device-name', (e) => (e as HTMLInputElement).select());
    await popup.type('#device-name', opts.deviceName);
  }
  await opts.before?.(popup);
  await clickText(popup, 'Add account');
  await waitForText(popup, expectText).catch(async (err: Error) => {
    throw new Error(
      `${err.message}; the popup shows: ${await popup.evaluate(() => `${document.body.innerText} [code=${(document.querySelector('#code') as HTMLInputElement | null)?.value} url=${(document.querySelector('#url') as HTMLInputElement | null)?.value} focus=${document.activeElement?.outerHTML.slice(0, 80)}]`)}`,
    );
  });
  return popup;
}

type AccountView = { upn: string; connected: boolean; passwordless: boolean; revoked: boolean; deviceId: string };

/** The worker's accounts, asked from any extension page (as the popup does). */
export async function listAccounts(page: Page): Promise<AccountView[]> {
  const reply = (await page.evaluate(() => chrome.runtime.sendMessage({ type: 'listAccounts' }))) as { value: AccountView[] };
  return reply.value;
}

/** Polls until `check` returns true (works in hooks too, unlike expect.poll). */
/** Removes the account from the popup's settings and waits until the popup says what it told the server. */
export async function removeAccountIn(page: Page, upn: string, says: string): Promise<void> {
  await clickText(page, upn);
  await clickText(page, 'Account settings');
  await clickText(page, 'Remove account');
  await clickText(page, 'Remove');
  await waitForText(page, says);
  expect((await listAccounts(page)).some((a) => a.upn === upn)).toBe(false);
}

export async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function waitConnected(page: Page, upn: string): Promise<void> {
  await until(`${upn} to be connected`, async () => (await listAccounts(page)).find((a) => a.upn === upn)?.connected === true);
}

export const isExtensionPage = (b: Profile, path: string) => (url: string) => url === extensionUrl(b, path);
export { POPUP_PATH, PROMPT_PATH };

/** A number of the same length that is not `n`. */
export const otherNumber = (n: string): string => String((Number(n) + 1) % 10 ** n.length).padStart(n.length, '0');

/** The open prompt window, if any, that shows `challengeId` in its number form. */
export async function promptShowing(p: Profile, challengeId: string): Promise<Page | undefined> {
  for (const target of p.browser.targets()) {
    if (target.type() !== 'page' || target.url() !== extensionUrl(p, PROMPT_PATH)) continue;
    const page = await target.page().catch(() => null);
    // A window that is closing answers nothing: it is not the one.
    const shows = await page?.evaluate((id) => !!document.querySelector(`main[data-challenge="${id}"] #number`), challengeId).catch(() => false);
    if (page && shows) return page;
  }
  return undefined;
}

/** Waits for a prompt window to show `challengeId` ready for its number. */
export async function waitShown(p: Profile, challengeId: string, timeoutMs = 10_000): Promise<Page> {
  let page: Page | undefined;
  await until(`request ${challengeId} on screen`, async () => (page = await promptShowing(p, challengeId)) !== undefined, timeoutMs);
  return page!;
}

/** On the account's page of the popup: "Set up passwordless sign-in", the password, then the number My Account (`me`) shows. */
export async function setUpPasswordless(popup: Page, password: string, me: { get(path: string): Promise<{ body: any }> }, atNumber?: () => Promise<void>): Promise<void> {
  await clickText(popup, 'Set up passwordless sign-in');
  await popup.type('#password', password);
  await clickText(popup, 'Continue');
  await popup.waitForSelector('#setup-number');
  await waitForText(popup, 'Enter the number shown on your computer screen');
  await atNumber?.();
  const shown = await me.get('/api/me/passwordless-setup');
  expect(shown.body.pending?.number).toMatch(/^\d+$/);
  await popup.type('#setup-number', shown.body.pending.number);
  await clickText(popup, 'Register');
  await waitForText(popup, 'Passwordless sign-in is on');
  await clickText(popup, 'Done');
}
