// Only the extension's own pages may call its worker. A web page and another installed
// extension each try to list the accounts (the call the popup makes) in real Chromium: neither
// gets an answer, while the extension's own popup does.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, openPopupTab, type Profile } from '../support/browser.ts';
import { startServer, type TestServer } from '../support/server.ts';

let browsers: Browsers;
let profile: Profile;
let srv: TestServer;
const otherDir = mkdtempSync(path.join(tmpdir(), 'pushkey-other-extension-'));

// Another extension, as anyone could publish: its worker tries to call pushkey's by id.
writeFileSync(path.join(otherDir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'Other extension', version: '1.0.0', background: { service_worker: 'sw.js' } }));
writeFileSync(
  path.join(otherDir, 'sw.js'),
  `self.tryCall = (id) => chrome.runtime.sendMessage(id, { type: 'listAccounts' }).then((r) => ({ answered: r }), (e) => ({ refused: String(e && e.message) }));`,
);

beforeAll(async () => {
  browsers = new Browsers();
  [profile, srv] = await Promise.all([browsers.launch({ extension: true }), startServer()]);
});
afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
  rmSync(otherDir, { recursive: true, force: true });
});

describe("the extension's worker", () => {
  it('answers its own popup', async () => {
    const popup = await openPopupTab(profile);
    const answer = await popup.evaluate(() => chrome.runtime.sendMessage({ type: 'listAccounts' }));
    expect(answer).toMatchObject({ ok: true, value: [] });
    await popup.close();
  });

  it('cannot be reached from a web page', async () => {
    const page = await profile.browser.newPage();
    await page.goto(`${srv.origin}/api/health`);
    const tried = await page.evaluate(async (id) => {
      const runtime = (globalThis as { chrome?: { runtime?: { sendMessage?: (id: string, m: unknown) => Promise<unknown> } } }).chrome?.runtime;
      if (!runtime?.sendMessage) return { refused: 'no runtime.sendMessage on the page' };
      return runtime.sendMessage(id, { type: 'listAccounts' }).then((r) => ({ answered: r }), (e: Error) => ({ refused: e.message }));
    }, profile.extensionId!);
    expect(tried).toHaveProperty('refused');
    await page.close();
  });

  it('refuses another extension', async () => {
    const otherId = await profile.browser.installExtension(otherDir);
    const target = await profile.browser.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${otherId}/`), { timeout: 20_000 });
    const worker = (await target.worker())!;
    const tried = await worker.evaluate((id) => (self as unknown as { tryCall: (id: string) => Promise<unknown> }).tryCall(id), profile.extensionId!);
    expect(tried).toMatchObject({ refused: expect.stringContaining('Receiving end does not exist') });
  });
});
