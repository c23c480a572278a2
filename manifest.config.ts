// The extension manifest (MV3), one per browser. Least privilege: no host permissions and no
// content script. The device API (/api/device/*) answers CORS `*` and is authenticated by
// signatures, not cookies, and WebSocket is not subject to CORS, so the worker needs no host
// access at all.
import { defineManifest, type ManifestV3Export } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };

export type TargetBrowser = 'chrome' | 'firefox';

// unlimitedStorage: the IndexedDB holds the only copy of each non-extractable device key;
// the browser exempts it from eviction with this permission (no install warning), while
// navigator.storage.persist() is refused to Chromium's extension pages (checked: persisted() stays false).
const COMMON_PERMISSIONS = ['storage', 'alarms', 'activeTab', 'unlimitedStorage'] as const;
// offscreen (Chromium only): the document that starts the worker again when Chrome stops it
// (background/waker.ts). Firefox has no offscreen documents; its event page comes back by the alarm.
export const PERMISSIONS = { chrome: [...COMMON_PERMISSIONS, 'offscreen'], firefox: [...COMMON_PERMISSIONS] } as const;
// Default MV3 CSP plus 'wasm-unsafe-eval', which zxing-wasm (the QR decoder) needs to compile.
export const EXTENSION_PAGES_CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";
/** The add-on id Firefox keys its storage on: it must never change once published. */
export const GECKO_ID = 'authenticator@pushkey';
const BACKGROUND = 'extension/background/index.ts';
const ICON = (size: 16 | 32 | 48 | 128) => `extension/ui/icons/icon-${size}.png`;

export function manifestFor(browser: TargetBrowser): ManifestV3Export {
  return defineManifest({
    manifest_version: 3,
    // The words are in extension/public/_locales (ui/i18n.ts), so the stores and the add-ons list show them translated.
    default_locale: 'en',
    name: '__MSG_extName__',
    short_name: '__MSG_extShortName__',
    description: '__MSG_extDescription__',
    version: pkg.version,
    icons: { 16: ICON(16), 32: ICON(32), 48: ICON(48), 128: ICON(128) },
    action: { default_title: '__MSG_actionTitle__', default_popup: 'extension/popup/index.html', default_icon: { 16: ICON(16), 32: ICON(32) } },
    permissions: [...PERMISSIONS[browser]],
    content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
    ...(browser === 'chrome'
      ? {
          // 120: chrome.alarms down to 30 s (the wake-up period), and URL.canParse.
          minimum_chrome_version: '120',
          background: { service_worker: BACKGROUND, type: 'module' },
        }
      : {
          // Firefox runs MV3 backgrounds as event pages (a document, stopped when idle), not service workers.
          background: { scripts: [BACKGROUND], type: 'module' },
          browser_specific_settings: {
            // 140: the ESR that the store's data_collection_permissions key needs (and 'wasm-unsafe-eval', module backgrounds).
            gecko: { id: GECKO_ID, strict_min_version: '140.0', data_collection_permissions: { required: ['none'] } },
          },
        }),
  });
}

export default manifestFor('chrome');
