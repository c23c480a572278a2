// The extension manifest (MV3). Least privilege: no host permissions and no content script.
// The device API (/api/device/*) answers CORS `*` and is authenticated by signatures, not
// cookies, and WebSocket is not subject to CORS, so the worker needs no host access at all.
import { defineManifest } from '@crxjs/vite-plugin';
import pkg from './package.json' with { type: 'json' };

// unlimitedStorage: the IndexedDB holds the only copy of each non-extractable device key;
// Chrome exempts it from eviction with this permission (no install warning), while
// navigator.storage.persist() is refused to extension pages (checked: persisted() stays false).
// offscreen: the document that starts the worker again when Chrome stops it (background/waker.ts).
export const PERMISSIONS = ['storage', 'alarms', 'activeTab', 'unlimitedStorage', 'offscreen'] as const;
// Default MV3 CSP plus 'wasm-unsafe-eval', which zxing-wasm (the QR decoder) needs to compile.
export const EXTENSION_PAGES_CSP = "script-src 'self' 'wasm-unsafe-eval'; object-src 'self'";

export default defineManifest({
  manifest_version: 3,
  name: 'pushkey Authenticator',
  short_name: 'pushkey',
  description: 'Approve sign-ins with number matching. Open, self-hosted, passwordless.',
  version: pkg.version,
  // 120: chrome.alarms down to 30 s (the wake-up period), and URL.canParse.
  minimum_chrome_version: '120',
  icons: { 16: 'extension/ui/icons/icon-16.png', 32: 'extension/ui/icons/icon-32.png', 48: 'extension/ui/icons/icon-48.png', 128: 'extension/ui/icons/icon-128.png' },
  action: {
    default_title: 'pushkey Authenticator',
    default_popup: 'extension/popup/index.html',
    default_icon: { 16: 'extension/ui/icons/icon-16.png', 32: 'extension/ui/icons/icon-32.png' },
  },
  background: { service_worker: 'extension/background/index.ts', type: 'module' },
  permissions: [...PERMISSIONS],
  content_security_policy: { extension_pages: EXTENSION_PAGES_CSP },
});
