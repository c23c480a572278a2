// Builds the site (sign-in, My Account, admin portal) into dist/site; the server serves it
// statically. One HTML entry per page; everything else is shared chunks and CSS files
// (no inline script or style: the pages run under helmet's default CSP).
import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import path from 'node:path';

const root = import.meta.dirname;

export default defineConfig({
  root,
  base: '/',
  plugins: [preact()],
  build: {
    outDir: path.resolve(root, '../dist/site'),
    emptyOutDir: true,
    // Vite inlines small assets as data: URLs; keep files so nothing depends on CSP exceptions.
    assetsInlineLimit: 0,
    rollupOptions: {
      input: {
        index: path.resolve(root, 'index.html'),
        login: path.resolve(root, 'login/index.html'),
        myaccount: path.resolve(root, 'myaccount/index.html'),
        admin: path.resolve(root, 'admin/index.html'),
      },
    },
  },
});
