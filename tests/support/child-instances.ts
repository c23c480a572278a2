// pushkey instances as processes of their own (server/main.ts, as production runs it), so that
// a test can kill one with SIGKILL. Every instance shares one database and one public origin,
// as behind a load balancer; each keeps what it printed and how it exited.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_PASSWORDS_FILE } from '../../server/seed.ts';
import { freePort, spawnServer } from './spawn-server.ts';

export interface ChildInstance {
  name: string;
  /** Where this instance listens. */
  url: string;
  /** Null while it runs; how it ended otherwise. */
  exit(): { code: number | null; signal: NodeJS.Signals | null } | null;
  /** SIGKILL: no shutdown, no goodbye to its sockets or its database. */
  kill9(): Promise<void>;
  /** What it printed last, on stdout (JSON log lines) and stderr: why it exited. */
  lastWords(): string;
  /** SIGTERM, then its exit code. */
  stop(): Promise<number | null>;
}

export async function spawnInstance(name: string, opts: { databaseUrl: string; origin?: string; dataDir: string; port?: number }): Promise<ChildInstance> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_ORIGIN: opts.origin ?? url,
    DATABASE_URL: opts.databaseUrl,
    DATA_DIR: opts.dataDir,
    // Behind the test's one "proxy": each browser says its own address, so the per-address rate limits do not meet.
    TRUST_PROXY: '1',
    LOG_LEVEL: 'info',
  };
  const spawned = await spawnServer(process.execPath, ['--import', 'tsx', 'server/main.ts'], env, /"msg":"pushkey is running"/);
  let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exited = new Promise<void>((resolve) =>
    spawned.child.once('exit', (code, signal) => {
      ended = { code, signal };
      resolve();
    }),
  );
  return {
    name,
    url,
    exit: () => ended,
    lastWords: () => `${spawned.output().slice(-3000)}\n${spawned.errors().slice(-3000)}`,
    async kill9() {
      spawned.child.kill('SIGKILL');
      await exited;
    },
    stop: () => (ended ? Promise.resolve(ended.code) : spawned.stop()),
  };
}

/** The demo accounts' passwords, as the instance that seeded the tenant wrote them (no terminal: a file). */
export function demoPasswords(dataDir: string): Record<string, string> {
  const text = readFileSync(path.join(dataDir, DEMO_PASSWORDS_FILE), 'utf8');
  return Object.fromEntries([...text.matchAll(/^\s+(\S+@\S+)\s+(\S+)/gm)].map((m) => [m[1]!, m[2]!]));
}
