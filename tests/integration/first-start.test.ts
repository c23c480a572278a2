// The first start of a real server process with its output piped, as under a service manager
// or in a container: the log stream is JSON lines only and carries no demo password; the
// passwords wait in a file only this user can read. At a terminal (a pseudo-terminal from
// util-linux's script), the person reads the passwords once, and they sign in.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../server/seed.ts';
import { freePort, spawnServer } from '../support/spawn-server.ts';
import { signIn } from '../support/server.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pushkey-first-start-'));
const ttyDataDir = mkdtempSync(path.join(tmpdir(), 'pushkey-first-start-tty-'));
afterAll(() => {
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(ttyDataDir, { recursive: true, force: true });
});

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

describe('first start at a terminal', () => {
  it('shows the origin and each demo password once on the terminal, writes no password file, and the passwords sign in', async () => {
    const port = await freePort();
    const command = `${process.execPath} --import tsx server/main.ts`;
    // script gives the server a terminal for stdout; its output is what the person would see.
    const server = await spawnServer('script', ['-qfec', command, '/dev/null'], { PORT: String(port), DATA_DIR: ttyDataDir, LOG_LEVEL: 'info', DATABASE_URL: '' }, /start over/);
    try {
      const screen = server.output().replaceAll('\r', '');
      expect(screen).toContain(`pushkey is running at http://localhost:${port}`);
      expect(screen).toContain('These passwords are shown ONCE; write them down:');
      const shown = [...screen.matchAll(/(\S+@pushkey\.test)\s+(\S+)/g)].map((m) => ({ upn: m[1]!, password: m[2]! }));
      expect(shown.map((u) => u.upn).sort()).toEqual(DEMO_USERS.map((u) => `${u.name}@pushkey.test`).sort());
      expect(existsSync(path.join(ttyDataDir, 'demo-passwords.txt'))).toBe(false);
      const admin = shown.find((u) => u.upn.startsWith('admin@'))!;
      const session = await signIn(`http://localhost:${port}`, admin.upn, admin.password);
      expect((await session.get('/api/me')).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
