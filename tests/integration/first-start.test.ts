// The first start of a real server process with its output piped, as under a service manager
// or in a container: the log stream is JSON lines only and carries no demo password; the
// passwords wait in a file only this user can read.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../server/seed.ts';
import { spawnServer } from '../support/spawn-server.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pushkey-first-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Starts server/main.ts with stdout a pipe, until it says where the passwords are; answers what it wrote. */
async function firstStart(): Promise<{ stdout: string; stderr: string }> {
  const server = await spawnServer(process.execPath, ['--import', 'tsx', 'server/main.ts'], { PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '' }, /demo tenant created/);
  await server.stop();
  return { stdout: server.output(), stderr: server.errors() };
}

describe('first start without a terminal', () => {
  it('logs JSON lines only, no password among them, and leaves the passwords in a file of mode 0600', async () => {
    const { stdout, stderr } = await firstStart();
    const lines = stdout.split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const file = path.join(dataDir, 'demo-passwords.txt');
    expect(lines.map((l) => JSON.parse(l) as { msg: string; file?: string }).find((l) => l.file)).toMatchObject({ file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const passwords = [...readFileSync(file, 'utf8').matchAll(/@pushkey\.test\s+(\S+)/g)].map((m) => m[1]!);
    expect(passwords).toHaveLength(DEMO_USERS.length);
    for (const p of passwords) {
      expect(stdout).not.toContain(p);
      expect(stderr).not.toContain(p);
    }
  });
});
