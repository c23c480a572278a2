// Builds the extension into dist/extension (load it unpacked from there).
// The prompt window and the offscreen document are not named in the manifest, so they are listed as extra inputs.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.config.ts';

export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: 'dist/extension',
    emptyOutDir: true,
    rollupOptions: { input: { prompt: 'extension/prompt/index.html', offscreen: 'extension/offscreen/index.html' } },
  },
});
