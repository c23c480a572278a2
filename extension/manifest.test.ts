// Pins what the extension may do. Widening any of this is a security decision: change the
// test in the same commit and say why.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import manifest from '../manifest.config.ts';

type Manifest = chrome.runtime.ManifestV3;
const BUILT = new URL('../dist/extension/manifest.json', import.meta.url);

async function sources(): Promise<[string, Manifest][]> {
  const config = (typeof manifest === 'function' ? await manifest({ command: 'build', mode: 'production' }) : await manifest) as Manifest;
  const out: [string, Manifest][] = [['manifest.config.ts', config]];
  // `npm test` builds first, so the shipped manifest is checked as well.
  if (existsSync(BUILT)) out.push(['dist/extension/manifest.json', JSON.parse(readFileSync(BUILT, 'utf8')) as Manifest]);
  return out;
}

describe('extension manifest', () => {
  it('asks only for storage, alarms, activeTab, unlimitedStorage and offscreen', async () => {
    for (const [, m] of await sources()) {
      expect(m.manifest_version).toBe(3);
      expect([...(m.permissions ?? [])].sort()).toEqual(['activeTab', 'alarms', 'offscreen', 'storage', 'unlimitedStorage']);
    }
  });

  it('has no host access and no content script', async () => {
    for (const [, m] of await sources()) {
      expect(m.host_permissions ?? []).toEqual([]);
      expect(m.optional_host_permissions ?? []).toEqual([]);
      expect(m.optional_permissions ?? []).toEqual([]);
      expect(m.content_scripts ?? []).toEqual([]);
      expect(m.externally_connectable).toBeUndefined();
      expect(JSON.stringify(m)).not.toContain('<all_urls>');
    }
  });

  it("keeps the default CSP, adding only 'wasm-unsafe-eval' for the QR decoder", async () => {
    for (const [, m] of await sources()) {
      expect(m.content_security_policy).toEqual({ extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" });
    }
  });

  it('exposes no extension page to web sites', async () => {
    for (const [, m] of await sources()) expect(m.web_accessible_resources ?? []).toEqual([]);
  });

  it('runs the service worker as a module and the popup from the action', async () => {
    for (const [, m] of await sources()) {
      expect(m.background).toMatchObject({ type: 'module' });
      expect(m.action?.default_popup).toBe('extension/popup/index.html');
    }
  });
});
