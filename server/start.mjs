// npm start: build only what is older than its sources, then run the built server in this
// process. Plain JavaScript, so that nothing is transpiled at load: a start on a current
// build costs a few stat calls and the server's own start (bench/start.bench.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const SHARED = ['protocol', 'package.json', 'package-lock.json'];

/** Each part of dist/: the file its build writes last, what it is built from, the npm script that builds it. */
const PARTS = [
  { output: 'dist/extension/manifest.json', sources: ['extension', 'manifest.config.ts', 'vite.config.ts'], script: 'build:extension' },
  { output: 'dist/extension-firefox/manifest.json', sources: ['extension', 'manifest.config.ts', 'vite.config.ts'], script: 'build:firefox' },
  { output: 'dist/site/index.html', sources: ['site'], script: 'build:site' },
  { output: 'dist/server/main.js', sources: ['server'], script: 'build:server' },
];

/** The newest modification time under `p` (tests are not built, so they do not count). */
function newest(p) {
  let stat;
  try {
    stat = statSync(p);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return /\.test\.tsx?$/.test(p) ? 0 : stat.mtimeMs;
  let max = 0;
  for (const name of readdirSync(p)) max = Math.max(max, newest(path.join(p, name)));
  return max;
}

function builtAt(file) {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return -1;
  }
}

for (const part of PARTS) {
  const built = builtAt(path.join(root, part.output));
  const stale = [...part.sources, ...SHARED].find((s) => newest(path.join(root, s)) > built);
  if (stale === undefined) continue;
  process.stdout.write(built < 0 ? `${part.output} is missing: npm run ${part.script}\n` : `${stale} changed since ${part.output} was built: npm run ${part.script}\n`);
  execFileSync('npm', ['run', '--silent', part.script], { cwd: root, stdio: 'inherit' });
}

// Errors point at server/*.ts, not at the bundle.
process.setSourceMapsEnabled(true);
await import(pathToFileURL(path.join(root, 'dist/server/main.js')).href);
