// The site runs under helmet's default CSP. Over plain http (a lab on a LAN address) the
// "upgrade-insecure-requests" directive would make the browser fetch every script and style
// over https and load none, so it is sent only when the public origin is https.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.ts';
import { noLimiters } from '../../server/transport/http/rate-limit.ts';
import { startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv?.close());

const csp = async (origin: string) => (await fetch(`${origin}/api/health`)).headers.get('content-security-policy') ?? '';

describe('content security policy', () => {
  it('keeps the default policy but no upgrade-insecure-requests for an http origin', async () => {
    const policy = await csp(srv.origin);
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).not.toContain('upgrade-insecure-requests');
  });

  it('asks browsers to upgrade insecure requests when the public origin is https', async () => {
    const app = createApp({ ...srv.deps, origin: 'https://login.example.test' }, { limiters: noLimiters() });
    const server = createServer();
    app.attach(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      expect(await csp(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)).toContain('upgrade-insecure-requests');
    } finally {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
