// Builds the extension: `vite build` into dist/extension (Chromium; load it unpacked from there),
// `vite build --mode firefox` into dist/extension-firefox (about:debugging → Load Temporary Add-on).
// The prompt window, the scan window and the offscreen document are not named in the manifest, so they are listed
// as extra inputs; Firefox has no offscreen documents, so its build leaves that page out.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import { manifestFor } from './manifest.config.ts';

export default defineConfig(({ mode }) => {
  const browser = mode === 'firefox' ? 'firefox' : 'chrome';
  const pages = { prompt: 'extension/prompt/index.html', 'scan-window': 'extension/scan-window/index.html', ...(browser === 'chrome' ? { offscreen: 'extension/offscreen/index.html' } : {}) };
  return {
    plugins: [preact(), crx({ manifest: manifestFor(browser), browser })],
    // Copied as it is to the extension's root: _locales (ui/i18n.ts).
    publicDir: 'extension/public',
    build: {
      outDir: browser === 'firefox' ? 'dist/extension-firefox' : 'dist/extension',
      emptyOutDir: true,
      rollupOptions: { input: pages },
    },
  };
});
