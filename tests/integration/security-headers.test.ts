// The headers that keep the site's answers where they belong: the CSP (helmet's, narrowed),
// HSTS only for an https origin, and no cache anywhere for API answers, which carry session
// cookies, activation codes and Temporary Access Passes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveAs, startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv?.close());

const headersOf = async (origin: string, path = '/api/health') => (await fetch(`${origin}${path}`)).headers;

/** The app as it runs behind an https origin (a TLS proxy in front), on a port of its own. */
async function withHttpsOrigin<T>(fn: (origin: string) => Promise<T>): Promise<T> {
  const served = await serveAs(srv, 'https://login.example.test');
  try {
    return await fn(served.url);
  } finally {
    await served.close();
  }
}

describe('content security policy', () => {
  it('allows scripts, styles and fonts from this origin only, and no <base>', async () => {
    const policy = (await headersOf(srv.origin)).get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("base-uri 'none'");
    expect(policy).toContain("style-src 'self' 'unsafe-inline'");
    expect(policy).toContain("font-src 'self' data:");
    expect(policy).not.toContain('https:');
  });

  it('asks browsers to upgrade insecure requests only when the public origin is https', async () => {
    expect((await headersOf(srv.origin)).get('content-security-policy')).not.toContain('upgrade-insecure-requests');
    expect(await withHttpsOrigin(async (o) => (await headersOf(o)).get('content-security-policy'))).toContain('upgrade-insecure-requests');
  });
});

describe('HSTS', () => {
  it('is not sent for an http origin, and is for an https one', async () => {
    expect((await headersOf(srv.origin)).get('strict-transport-security')).toBeNull();
    expect(await withHttpsOrigin(async (o) => (await headersOf(o)).get('strict-transport-security'))).toBe('max-age=31536000; includeSubDomains');
  });
});

describe('API answers', () => {
  it('are never stored: the sign-in that sets the session, the activation code, the Temporary Access Pass', async () => {
    const user = srv.users.alice!;
    const helpdesk = srv.users.helpdesk!;
    const post = (path: string, body: unknown, cookie = '') =>
      fetch(srv.origin + path, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });
    const session = async (upn: string, password: string) => {
      const start = await post('/api/signin/start', { username: upn });
      expect(start.headers.get('cache-control')).toBe('no-store');
      const flowCookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
      const { flowId } = (await start.json()) as { flowId: string };
      const signedIn = await post('/api/signin/password', { flowId, password }, flowCookie);
      expect(signedIn.status).toBe(200);
      expect(signedIn.headers.get('cache-control')).toBe('no-store');
      return signedIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    };
    const activation = await post('/api/me/authenticator/activation', {}, await session(user.upn, user.password));
    expect(activation.status).toBe(200);
    expect(((await activation.json()) as { code: string }).code).toBeTruthy();
    expect(activation.headers.get('cache-control')).toBe('no-store');
    const id = (await srv.repo.getUserByUpn(user.upn))!.id;
    const tap = await post(`/api/admin/users/${id}/tap`, {}, await session(helpdesk.upn, helpdesk.password));
    expect(tap.status).toBe(201);
    expect(tap.headers.get('cache-control')).toBe('no-store');
  });
});
