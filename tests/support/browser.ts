// Real browsers for end-to-end tests: Chromium (recipe in DESIGN.md), headless, over a pipe,
// with the unpacked extension installed in the profiles that need it, and Firefox ESR with its
// build (support/firefox.ts). Every profile lives under one temp folder that closeAll()
// removes, so a failed run leaves nothing in /tmp.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import puppeteer, { type Browser, type ElementHandle, type Page, type Target } from 'puppeteer-core';
import { FIREFOX_EXTENSION_ORIGIN, launchFirefox, type FirefoxOptions } from './firefox.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The built extension; EXTENSION_DIST points at another build (a benchmark's before). */
export const EXTENSION_DIST = process.env.EXTENSION_DIST ?? path.resolve(import.meta.dirname, '../../dist/extension');
export const PROMPT_PATH = '/extension/prompt/index.html';
export const POPUP_PATH = '/extension/popup/index.html';

const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--window-size=1280,800',
];

export interface Profile {
  browser: Browser;
  kind: 'chromium' | 'firefox';
  /** Set when the profile has the extension. */
  extensionId: string | undefined;
  /** Where the extension's pages are (chrome-extension://<id>, moz-extension://<uuid>), when it has one. */
  extensionOrigin: string | undefined;
}

export class Browsers {
  readonly root = mkdtempSync(path.join(tmpdir(), 'pushkey-e2e-'));
  private readonly launched: Browser[] = [];
  private count = 0;

  /**
   * A fresh profile; with `extension: true` the unpacked build is installed and its worker is up.
   * `args` are Chromium switches added to the usual ones (a test's own, e.g. a capture source to pick);
   * `extensionDir` loads another unpacked copy than the build (an unzipped package).
   */
  async launch(opts: { extension: boolean; args?: readonly string[]; extensionDir?: string }): Promise<Profile> {
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      pipe: true,
      enableExtensions: opts.extension,
      userDataDir: path.join(this.root, `profile-${++this.count}`),
      defaultViewport: { width: 1280, height: 800 },
      args: [...ARGS, ...(opts.args ?? [])],
    });
    this.launched.push(browser);
    if (!opts.extension) return { browser, kind: 'chromium', extensionId: undefined, extensionOrigin: undefined };
    const extensionId = await browser.installExtension(opts.extensionDir ?? EXTENSION_DIST);
    await browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${extensionId}/`), { timeout: 20_000 });
    return { browser, kind: 'chromium', extensionId, extensionOrigin: `chrome-extension://${extensionId}` };
  }

  /** A fresh Firefox profile with the Firefox build (or a package) installed (support/firefox.ts). */
  async launchFirefox(opts: FirefoxOptions = {}): Promise<Profile> {
    const browser = await launchFirefox(path.join(this.root, `profile-${++this.count}`), opts);
    this.launched.push(browser);
    return { browser, kind: 'firefox', extensionId: undefined, extensionOrigin: FIREFOX_EXTENSION_ORIGIN };
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled(this.launched.map((b) => b.close()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function extensionUrl(p: Profile, pathname: string): string {
  if (!p.extensionOrigin) throw new Error('this profile has no extension');
  return p.extensionOrigin + pathname;
}

// Puppeteer does not learn the URL of Firefox's moz-extension:// pages (support/firefox.ts), so there every page is a candidate and asked where it is.
const maybePrompt = (p: Profile) => (t: Target) => t.type() === 'page' && (p.kind === 'firefox' || t.url() === extensionUrl(p, PROMPT_PATH));

/**
 * The prompt window on screen, if any. It is an ordinary page target; once put away it is
 * minimized, kept for the next request, and its document is hidden: that one does not count.
 */
export async function promptOnScreen(p: Profile): Promise<Page | undefined> {
  const url = extensionUrl(p, PROMPT_PATH);
  for (const target of p.browser.targets().filter(maybePrompt(p))) {
    const page = await target.page().catch(() => null);
    // A window that is closing answers nothing: it is not on screen.
    const shown = await page?.evaluate((u) => location.href === u && document.visibilityState === 'visible', url).catch(() => false);
    if (page && shown) return page;
  }
  return undefined;
}

export async function promptIsOpen(p: Profile): Promise<boolean> {
  return (await promptOnScreen(p)) !== undefined;
}

/** Waits for the prompt window on screen, showing something (a request or an outcome), and returns its page. */
export async function waitForPrompt(p: Profile, timeout = 20_000): Promise<Page> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const page = await promptOnScreen(p);
    if (page && (await page.$('main').catch(() => null))) return page;
    if (Date.now() > deadline) throw new Error(`no prompt window on screen after ${timeout} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens one of the extension's pages in `page` and waits for its `main`. */
export async function openExtensionPage(p: Profile, page: Page, pathname: string): Promise<void> {
  const url = extensionUrl(p, pathname);
  const shown = (u: string) => location.href === u && document.querySelector('main') !== null;
  if (p.kind !== 'firefox') {
    await page.goto(url);
    await page.waitForFunction(shown, { timeout: 15_000 }, url);
    return;
  }
  // In Firefox the navigation never resolves for puppeteer (support/firefox.ts): start it and
  // ask for the content until it is there. Firefox's WebDriver BiDi fails an evaluation in a
  // document that is being replaced ("right-hand side of 'in' should be an object") rather
  // than waiting for the next document, which would end waitForFunction: such a failure is a "not yet".
  void page.goto(url).catch(() => undefined);
  const deadline = Date.now() + 15_000;
  while (!(await page.evaluate(shown, url).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${url} showed no main within 15 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the popup as a tab (for flows that do not need activeTab). */
export async function openPopupTab(p: Profile): Promise<Page> {
  const page = await p.browser.newPage();
  await openExtensionPage(p, page, POPUP_PATH);
  return page;
}

/** Clicks the toolbar button over `page`: the real action popup, which grants activeTab. */
export async function openActionPopup(p: Profile, page: Page): Promise<Page> {
  const extension = (await p.browser.extensions()).get(p.extensionId!);
  if (!extension) throw new Error(`extension ${p.extensionId} not installed`);
  await page.bringToFront();
  await page.triggerExtensionAction(extension);
  const target = await p.browser.waitForTarget((t) => t.type() === 'page' && t.url() === extensionUrl(p, POPUP_PATH), { timeout: 10_000 });
  // The action popup is a page target that target.page() does not hand out; asPage() does.
  const popup = await target.asPage();
  await popup.waitForSelector('main');
  return popup;
}

/**
 * Replaces what a field holds with `value`, as a person typing it would (input events and all).
 * A triple click to select it can land while a dialog still moves in and select nothing, so
 * that what is typed goes after the old value; the locator waits for the field to be still.
 */
export async function replaceText(page: Page, selector: string, value: string): Promise<void> {
  await page.locator(selector).fill(value);
}

/** Clicks the first enabled button whose visible text (or one line of it, or its aria-label) is `text`. */
export async function clickText(page: Page, text: string, selector = 'button'): Promise<void> {
  const handle = await page.waitForFunction(
    (sel, t) =>
      [...document.querySelectorAll<HTMLElement>(sel)].find((el) => {
        const own = el.innerText.trim();
        const named = own === t || own.split('\n').some((line) => line.trim() === t) || el.getAttribute('aria-label') === t;
        return named && !(el as HTMLButtonElement).disabled;
      }),
    { timeout: 10_000 },
    selector,
    text,
  );
  const element = handle.asElement() as ElementHandle<Element> | null;
  if (!element) throw new Error(`no button "${text}"`);
  await element.click();
}

/**
 * Waits until the page's text contains `text`. Polled on a timer, not on animation frames:
 * a page behind another tab of its browser gets no frames, and would never be seen to change.
 */
export async function waitForText(page: Page, text: string, timeout = 15_000): Promise<void> {
  // Polled while a navigation may have left no body yet: read as "not yet", never as an error on the page.
  await page.waitForFunction((t) => document.body?.innerText.includes(t) ?? false, { timeout, polling: 100 }, text);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = path.resolve(import.meta.dirname, '../artifacts');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`) as `${string}.png` });
}

/** Waits until no prompt window is on screen (put away after its outcome, or closed). */
export async function waitForPromptClosed(p: Profile, timeout = 15_000): Promise<void> {
  const until = Date.now() + timeout;
  while (await promptIsOpen(p)) {
    if (Date.now() > until) throw new Error('the prompt window did not close');
    await new Promise((r) => setTimeout(r, 100));
  }
}
