// The site in a real browser: a server on the wall clock that serves dist/site, pages that
// record CSP violations and script errors, and the steps people take on the sign-in page.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'puppeteer-core';
import type { Clock } from '../../server/domain/deps.ts';
import { serveStatic } from '../../server/transport/http/static.ts';
import { clickText, screenshot, waitForText } from './browser.ts';
import { startServer, type TestServer } from './server.ts';

export const SITE_DIST = path.resolve(import.meta.dirname, '../../dist/site');

/** The pages show countdowns against the server's expiresAt, so the server runs on the wall clock. */
export const wallClock: Clock = { now: () => Date.now() };

export async function startSiteServer(opts: Parameters<typeof startServer>[0] = {}): Promise<TestServer> {
  if (!existsSync(path.join(SITE_DIST, 'login/index.html'))) throw new Error(`${SITE_DIST} is missing: run \`npm run build:site\` first`);
  return startServer({ clock: wallClock, ...opts, app: { extraRoutes: serveStatic, ...opts.app } });
}

/** Problems a page reported: CSP refusals, uncaught errors, console errors, controls without a name. */
export interface PageProblems {
  csp: string[];
  errors: string[];
  unlabelled: string[];
}

const problems = new WeakMap<Page, PageProblems>();

/** A new tab (in a browser or an incognito-like context) that records its problems. */
export async function newSitePage(owner: { newPage(): Promise<Page> }): Promise<Page> {
  const page = await owner.newPage();
  const p: PageProblems = { csp: [], errors: [], unlabelled: [] };
  problems.set(page, p);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const text = m.text();
    if (/Content Security Policy/i.test(text)) p.csp.push(text);
    // 4xx answers are refusals the page shows (a 401 before sign-in, a wrong password); 5xx and script errors are bugs.
    else if (!/status of 4\d\d/.test(text)) p.errors.push(text);
  });
  page.on('pageerror', (e) => p.errors.push(String(e)));
  return page;
}

export const problemsOf = (page: Page): PageProblems => problems.get(page) ?? { csp: [], errors: [], unlabelled: [] };

/**
 * Records form controls, buttons and links a screen reader could not name (no label, no
 * aria-label or aria-labelledby, no text). Called with every screenshot of a tracked page.
 */
export async function noteUnlabelled(page: Page): Promise<void> {
  const p = problems.get(page);
  if (!p || page.isClosed()) return;
  const found = await page.evaluate(() => {
    const named = (el: Element): string => {
      const labels = (el as HTMLInputElement).labels;
      const byLabel = labels ? [...labels].map((l) => l.innerText).join(' ') : '';
      const by = el.getAttribute('aria-labelledby');
      const byRef = by ? by.split(' ').map((id) => document.getElementById(id)?.innerText ?? '').join(' ') : '';
      const own = el.tagName === 'BUTTON' || el.tagName === 'A' ? (el as HTMLElement).innerText : '';
      return [byLabel, el.getAttribute('aria-label') ?? '', byRef, own, el.getAttribute('title') ?? ''].join('').trim();
    };
    return [...document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href]')]
      .filter((el) => !el.closest('[aria-hidden=true]') && (el as HTMLElement).offsetParent !== null && !named(el))
      .map((el) => `${location.pathname}${location.hash}: ${el.outerHTML.slice(0, 120)}`);
  });
  for (const f of found) if (!p.unlabelled.includes(f)) p.unlabelled.push(f);
}

/** Screenshots go to tests/artifacts/site-<name>.png (git-ignored). */
export async function shot(page: Page, name: string): Promise<void> {
  await noteUnlabelled(page);
  await screenshot(page, `site-${name}`);
}

/** The text the big number shows. */
export async function shownNumber(page: Page): Promise<string> {
  const el = await page.waitForSelector('[data-testid=number] [aria-hidden=true]', { timeout: 10_000 });
  return (await el!.evaluate((e) => e.textContent ?? '')).trim();
}

/** Email → "Next" on the sign-in page; leaves the page on the password step. */
export async function enterEmail(page: Page, origin: string, upn: string, next?: string): Promise<void> {
  await page.goto(`${origin}/login/${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.waitForSelector('#username');
  await page.type('#username', upn);
  await clickText(page, 'Next');
  await page.waitForSelector('#password');
}

/**
 * Ends the page's session on the server. It first leaves whatever page it is on for the sign-in
 * page: a signed-in page with loads still in flight would get a 401 after the sign-out and
 * redirect itself, racing (and aborting) the test's next `goto`.
 */
export async function signOut(page: Page, origin: string): Promise<void> {
  // The sign-in page's own redirect after a success (900 ms after "done") may still abort this.
  await page.goto(`${origin}/login/`).catch(() => page.goto(`${origin}/login/`));
  const status = await page.evaluate(async () => (await fetch('/api/signin/signout', { method: 'POST' })).status);
  if (status !== 200) throw new Error(`sign-out answered ${status}`);
}

/** Signs in with the password where no push follows, and waits for the page it lands on. */
export async function signInWithPassword(page: Page, origin: string, upn: string, password: string, next?: string): Promise<void> {
  await enterEmail(page, origin, upn, next);
  await page.type('#password', password);
  await Promise.all([page.waitForNavigation({ timeout: 15_000 }), clickText(page, 'Sign in')]);
}

export { clickText, waitForText };
