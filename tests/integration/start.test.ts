// npm start: builds what is stale, then runs the built server (dist/server/main.js, one
// bundle), which serves the API, the site and the API reference; a second start on the now
// current build builds nothing.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnServer, type Spawned } from '../support/spawn-server.ts';

const BUNDLE = 'dist/server/main.js';

describe('npm start', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pushkey-start-'));
  let server: Spawned | undefined;
  let origin: string;
  let builtAt: number;

  const start = async (timeoutMs?: number) => {
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    // Not a terminal: the server says it listens in its log, at info.
    return spawnServer('node', ['server/start.mjs'], { PORT: String(port), DATA_DIR: dir, LOG_LEVEL: 'info' }, /pushkey is running/, timeoutMs);
  };

  beforeAll(async () => {
    // The first start builds whatever a source edit made stale (nothing, right after npm run build).
    const first = await start(110_000);
    expect(await first.stop()).toBe(0);
    builtAt = statSync(BUNDLE).mtimeMs;
    server = await start();
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the built server without building again when the build is current', () => {
    expect(server!.output()).not.toMatch(/npm run build/);
    expect(statSync(BUNDLE).mtimeMs).toBe(builtAt);
  });

  it('serves the API, the site, the OpenID provider and the API reference from the bundle', async () => {
    expect((await fetch(`${origin}/api/health`)).status).toBe(200);
    const login = await fetch(`${origin}/login/`);
    expect(login.status).toBe(200);
    expect(await login.text()).toMatch(/<html/i);
    // The OpenID provider is inside the bundle too.
    expect((await fetch(`${origin}/oidc/.well-known/openid-configuration`)).status).toBe(200);
    // swagger-ui-dist's files are read from the package, outside the bundle.
    expect((await fetch(`${origin}/api/docs/swagger-ui.css`)).status).toBe(200);
    const start = await fetch(`${origin}/api/signin/start`, { method: 'POST', headers: { 'content-type': 'application/json', origin }, body: JSON.stringify({ username: 'alice@pushkey.test' }) });
    expect(start.status).toBe(200);
    expect(await start.json()).toMatchObject({ username: 'alice@pushkey.test' });
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await server!.stop()).toBe(0);
  });
});
