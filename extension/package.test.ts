// npm run package's zips hold exactly the builds (manifest.json at the root, as the stores take
// them), and the sources zip holds what the Firefox build is made from and nothing built.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };

const root = path.resolve(import.meta.dirname, '..');
const zipPath = (kind: string) => path.join(root, 'dist/packages', `pushkey-authenticator-${pkg.version}-${kind}.zip`);
const built = existsSync(path.join(root, 'dist/extension/manifest.json')) && existsSync(path.join(root, 'dist/extension-firefox/manifest.json'));
/**
 * Uncommitted changes to what the Firefox build reads (tests and docs aside): dist/ holds them and
 * the sources zip, made from the commit, does not, so the two cannot be compared.
 */
const buildSourcesChanged = (): boolean => {
  try {
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'extension', 'protocol', 'manifest.config.ts', 'vite.config.ts', 'package.json', 'package-lock.json'], { cwd: root, encoding: 'utf8' });
    return changed.split('\n').some((line) => line.trim() !== '' && !/\.(test\.tsx?|md)$/.test(line));
  } catch {
    return true; // not a git checkout: there is no sources zip to compare
  }
};

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

  it.skipIf(buildSourcesChanged())('rebuilds the Firefox build from the sources zip alone, file for file', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-sources-'));
    try {
      const zip = await entries('sources');
      for (const entry of Object.values(zip.files).filter((f) => !f.dir)) {
        const to = path.join(dir, entry.name);
        mkdirSync(path.dirname(to), { recursive: true });
        writeFileSync(to, await entry.async('nodebuffer'));
      }
      const unzipped = path.join(dir, `pushkey-authenticator-${pkg.version}`);
      // What `npm ci` would install from the zip's lockfile is what this checkout installed from the same lockfile.
      expect(readFileSync(path.join(unzipped, 'package-lock.json'), 'utf8')).toBe(readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
      symlinkSync(path.join(root, 'node_modules'), path.join(unzipped, 'node_modules'), 'dir');
      // As from a shell: vitest's own NODE_ENV=test would make Vite build something else.
      const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'NODE_ENV' && !k.startsWith('VITEST')));
      execFileSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'firefox'], { cwd: unzipped, stdio: 'pipe', env });
      const rebuilt = path.join(unzipped, 'dist/extension-firefox');
      const shipped = path.join(root, 'dist/extension-firefox');
      expect(filesUnder(rebuilt).sort()).toEqual(filesUnder(shipped).sort());
      for (const file of filesUnder(shipped)) expect(readFileSync(path.join(rebuilt, file)).equals(readFileSync(path.join(shipped, file))), file).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
