// Builds the extension into dist/extension (load it unpacked from there).
// The prompt window is not named in the manifest, so it is listed as an extra input.
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx } from '@crxjs/vite-plugin';
import manifest from './manifest.config.ts';

export default defineConfig({
  plugins: [preact(), crx({ manifest })],
  build: {
    outDir: 'dist/extension',
    emptyOutDir: true,
    rollupOptions: { input: { prompt: 'extension/prompt/index.html' } },
  },
});
