// npm run package's zips hold exactly the builds (manifest.json at the root, as the stores take
// them), and the sources zip holds what the Firefox build is made from and nothing built.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const root = path.resolve(import.meta.dirname, '..');
const zipPath = (kind: string) => path.join(root, 'dist/packages', `pushkey-authenticator-${pkg.version}-${kind}.zip`);
const built = existsSync(path.join(root, 'dist/extension/manifest.json')) && existsSync(path.join(root, 'dist/extension-firefox/manifest.json'));

function filesUnder(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]));
}

async function entries(kind: string): Promise<JSZip> {
  return JSZip.loadAsync(readFileSync(zipPath(kind)));
}
const fileNames = (zip: JSZip) => Object.values(zip.files).filter((f) => !f.dir).map((f) => f.name).sort();

// `npm test` builds both extensions first; a bare vitest run without them has nothing to package.
describe.skipIf(!built)('npm run package', () => {
  it('writes the Chrome, Firefox and sources zips', { timeout: 60_000 }, () => {
    execFileSync(process.execPath, [path.join(root, 'extension/package.mjs')], { cwd: root, stdio: 'pipe' });
    for (const kind of ['chrome', 'firefox', 'sources']) expect(existsSync(zipPath(kind)), kind).toBe(true);
  });

  it.each([
    ['chrome', 'dist/extension'],
    ['firefox', 'dist/extension-firefox'],
  ])('puts the %s build in its zip as it is, manifest.json at the root', async (kind, dir) => {
    const zip = await entries(kind);
    expect(fileNames(zip)).toEqual(filesUnder(path.join(root, dir)).sort());
    expect(await zip.file('manifest.json')!.async('string')).toBe(readFileSync(path.join(root, dir, 'manifest.json'), 'utf8'));
  });

  it('puts the sources of the Firefox build in the sources zip, with the lockfile and the instructions, and nothing built', async () => {
    const names = fileNames(await entries('sources')).map((n) => n.slice(`pushkey-authenticator-${pkg.version}/`.length));
    for (const needed of ['manifest.config.ts', 'vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json', 'README.md', 'extension/background/index.ts', 'protocol/index.ts']) {
      expect(names, needed).toContain(needed);
    }
    // Of the other parts only their tsconfig, which Vite reads through the root tsconfig's references.
    expect(names.filter((n) => /^(dist|node_modules|server|site|tests)\//.test(n) && !n.endsWith('/tsconfig.json'))).toEqual([]);
  });
});
