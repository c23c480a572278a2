// Pins what the extension may do, in both builds. Widening any of this is a security decision:
// change the test in the same commit and say why.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GECKO_ID, manifestFor, type TargetBrowser } from '../manifest.config.ts';
import en from './public/_locales/en/messages.json' with { type: 'json' };

// The Firefox build's manifest has keys Chromium's types do not know (background.scripts, browser_specific_settings).
type Manifest = chrome.runtime.ManifestV3 & {
  background?: { service_worker?: string; scripts?: string[]; type?: string };
  browser_specific_settings?: { gecko?: { id?: string; strict_min_version?: string; data_collection_permissions?: { required?: string[] } } };
};
const BUILT: Record<TargetBrowser, URL> = {
  chrome: new URL('../dist/extension/manifest.json', import.meta.url),
  firefox: new URL('../dist/extension-firefox/manifest.json', import.meta.url),
};

async function sources(browser: TargetBrowser): Promise<[string, Manifest][]> {
  const manifest = manifestFor(browser);
  const config = (typeof manifest === 'function' ? await manifest({ command: 'build', mode: 'production' }) : await manifest) as Manifest;
  const out: [string, Manifest][] = [[`manifest.config.ts (${browser})`, config]];
  // `npm test` builds first, so the shipped manifests are checked as well.
  if (existsSync(BUILT[browser])) out.push([BUILT[browser].pathname, JSON.parse(readFileSync(BUILT[browser], 'utf8')) as Manifest]);
  return out;
}

const bothBuilds = async (): Promise<[string, Manifest][]> => [...(await sources('chrome')), ...(await sources('firefox'))];

describe('extension manifest', () => {
  it('asks only for storage, alarms, activeTab, unlimitedStorage, and offscreen in Chromium only', async () => {
    for (const [where, m] of await sources('chrome')) {
      expect(m.manifest_version, where).toBe(3);
      expect([...(m.permissions ?? [])].sort(), where).toEqual(['activeTab', 'alarms', 'offscreen', 'storage', 'unlimitedStorage']);
    }
    for (const [where, m] of await sources('firefox')) {
      expect(m.manifest_version, where).toBe(3);
      expect([...(m.permissions ?? [])].sort(), where).toEqual(['activeTab', 'alarms', 'storage', 'unlimitedStorage']);
    }
  });

  it('has no host access and no content script', async () => {
    for (const [where, m] of await bothBuilds()) {
      expect(m.host_permissions ?? [], where).toEqual([]);
      expect(m.optional_host_permissions ?? [], where).toEqual([]);
      expect(m.optional_permissions ?? [], where).toEqual([]);
      expect(m.content_scripts ?? [], where).toEqual([]);
      expect(m.externally_connectable, where).toBeUndefined();
      expect(JSON.stringify(m), where).not.toContain('<all_urls>');
    }
  });

  it("keeps the default CSP, adding only 'wasm-unsafe-eval' for the QR decoder", async () => {
    for (const [where, m] of await bothBuilds()) {
      expect(m.content_security_policy, where).toEqual({ extension_pages: "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'" });
    }
  });

  it('exposes no extension page to web sites', async () => {
    for (const [where, m] of await bothBuilds()) expect(m.web_accessible_resources ?? [], where).toEqual([]);
  });

  it('runs the background as a module (a service worker in Chromium, an event page in Firefox) and the popup from the action', async () => {
    for (const [where, m] of await bothBuilds()) {
      expect(m.background, where).toMatchObject({ type: 'module' });
      expect(m.action?.default_popup, where).toBe('extension/popup/index.html');
    }
    for (const [where, m] of await sources('chrome')) expect(m.background?.service_worker, where).toBeTruthy();
    for (const [where, m] of await sources('firefox')) {
      expect(m.background?.service_worker, where).toBeUndefined();
      expect(m.background?.scripts, where).toHaveLength(1);
    }
  });

  it('gives Firefox a fixed add-on id, ESR 140 as the oldest version, and declares that no data is collected', async () => {
    for (const [where, m] of await sources('firefox')) {
      expect(m.browser_specific_settings?.gecko, where).toEqual({ id: GECKO_ID, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } });
    }
  });

  it('names itself in the words of _locales, English by default, each word there', async () => {
    for (const [where, m] of await bothBuilds()) {
      expect(m.default_locale, where).toBe('en');
      const keys = [...JSON.stringify(m).matchAll(/__MSG_(\w+)__/g)].map((x) => x[1]!);
      expect(keys, where).toEqual(expect.arrayContaining(['extName', 'extDescription']));
      for (const key of keys) expect(Object.keys(en), `${where}: ${key}`).toContain(key);
    }
  });
});
