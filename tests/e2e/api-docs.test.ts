// The API reference in real Chromium: /api/docs loads Swagger UI from the server itself,
// under the app's CSP, and shows the routes of the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'puppeteer-core';
import { ROUTES } from '../../protocol/http/index.ts';
import { Browsers, type Profile } from '../support/browser.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { newSitePage, problemsOf, shot } from '../support/site.ts';

let browsers: Browsers;
let a: Profile;
let srv: TestServer;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  browsers = new Browsers();
  [a, srv] = await Promise.all([browsers.launch({ extension: false }), startServer()]);
  page = await newSitePage(a.browser);
  page.on('request', (r) => void requested.push(r.url()));
});
afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
});

describe('the API reference', () => {
  it('shows every route of the table, loading nothing from elsewhere and refusing nothing under the CSP', async () => {
    await page.goto(`${srv.origin}/api/docs`);
    await page.waitForSelector('.opblock', { timeout: 20_000 });
    await page.waitForFunction(() => document.body.innerText.includes('pushkey browser API'));
    const shown = await page.$$eval('.opblock-summary-path', (els) => els.map((e) => e.getAttribute('data-path') ?? e.textContent ?? ''));
    for (const r of ROUTES) expect(shown, r.path).toContain(r.path.replace(/:(\w+)/g, '{$1}'));
    await shot(page, 'api-docs');
    expect(problemsOf(page).csp).toEqual([]);
    expect(problemsOf(page).errors).toEqual([]);
    expect(requested.filter((u) => !u.startsWith(srv.origin) && !u.startsWith('data:'))).toEqual([]);
  });
});
