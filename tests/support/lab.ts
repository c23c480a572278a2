// The lab command as a class's instructor runs it (`npm run lab -- …`), on a data directory
// of the test's, and the sign-in sheet it prints.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

export async function runLab(dataDir: string, ...args: string[]): Promise<string> {
  const { stdout } = await run(path.join(ROOT, 'node_modules/.bin/tsx'), ['server/lab-command.ts', ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' },
  });
  return stdout;
}

/** The sheet's rows as the terminal shows them: user name → initial password. */
export const sheetOf = (out: string): Record<string, string> =>
  Object.fromEntries([...out.matchAll(/^ {2}\S.*? {2,}(\S+@pushkey\.test) +(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
