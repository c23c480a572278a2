// npm run package: the store uploads, from the builds in dist/ (the npm script builds and lints
// them first), into dist/packages:
// - pushkey-authenticator-<version>-chrome.zip: dist/extension with manifest.json at the root,
//   what the Chrome Web Store takes (and what unzips into a folder Chromium loads unpacked);
// - pushkey-authenticator-<version>-firefox.zip: dist/extension-firefox, for addons.mozilla.org
//   (signed there into an .xpi) or about:debugging as a temporary add-on;
// - pushkey-authenticator-<version>-sources.zip: the committed files the Firefox build is made
//   from, which addons.mozilla.org asks for when the uploaded code is bundled and minified;
//   README.md in it says how to build (npm ci, then npm run build:firefox).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import webExt from 'web-ext';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist/packages');
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const name = (kind) => `pushkey-authenticator-${version}-${kind}.zip`;
/**
 * What `vite build --mode firefox` reads: the extension, the protocol it imports, the configs and
 * the lockfile; and every tsconfig, because Vite follows the root tsconfig's project references.
 */
const SOURCES = ['extension', 'protocol', 'manifest.config.ts', 'vite.config.ts', 'package.json', 'package-lock.json', ':(glob)**/tsconfig*.json', 'README.md', 'LICENSE'];

function fail(message) {
  process.stderr.write(`package: ${message}\n`);
  process.exit(1);
}

async function zipBuild(dir, kind) {
  const sourceDir = path.join(root, dir);
  if (!existsSync(path.join(sourceDir, 'manifest.json'))) fail(`${dir} is not built (npm run package builds it first)`);
  // web-ext zips a built extension as the stores want it: manifest.json at the root, dot files left out.
  await webExt.cmd.build({ sourceDir, artifactsDir: out, filename: name(kind), overwriteDest: true }, { showReadyMessage: false, shouldExitProgram: false });
}

function zipSources() {
  // The committed files only, so the archive is what the repository holds, not what lies around in the work tree.
  try {
    const changed = execFileSync('git', ['status', '--porcelain', '--', ...SOURCES], { cwd: root, encoding: 'utf8' }).trim();
    if (changed) process.stderr.write(`package: warning: uncommitted changes are in the builds but not in the sources zip:\n${changed}\n`);
    execFileSync('git', ['archive', '--format=zip', `--prefix=pushkey-authenticator-${version}/`, '-o', path.join(out, name('sources')), 'HEAD', '--', ...SOURCES], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    fail(`the sources zip needs a git checkout (${String(err.stderr ?? err).trim()})`);
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await zipBuild('dist/extension', 'chrome');
await zipBuild('dist/extension-firefox', 'firefox');
zipSources();
process.stdout.write(`package: ${['chrome', 'firefox', 'sources'].map((k) => path.relative(root, path.join(out, name(k)))).join(', ')}\n`);
