// Cross-site request forgery: with a valid session cookie attached (as a browser would attach
// it to a request from a sibling subdomain or, for a top-level form POST, any site), a
// state-changing request from another origin is refused before any route runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { userId } from '../support/flows.ts';
import { signIn, startServer, type HttpClient, type TestServer } from '../support/server.ts';

let srv: TestServer;
let admin: HttpClient;
let bob: string;

beforeAll(async () => {
  srv = await startServer();
  admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
  bob = await userId(admin, srv.users.bob!.upn);
});
afterAll(async () => srv?.close());

/** A request carrying the admin's session cookie and the given browser headers. */
async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
  const res = await fetch(srv.origin + path, { method, headers: { cookie: `pk_session=${admin.cookie('pk_session')}`, ...headers }, body });
  return { status: res.status, body: (await res.json().catch(() => null)) as { error?: string; message?: string } | null };
}
const issueTap = (headers: Record<string, string>, contentType = 'application/json') =>
  send('POST', `/api/admin/users/${bob}/tap`, { 'content-type': contentType, ...headers }, contentType === 'application/json' ? '{}' : 'x=1');
const tapOfBob = async () => (await admin.get(`/api/admin/users/${bob}/methods`)).body.tap?.id as string | undefined;

describe('cross-origin requests', () => {
  it('refuses a state change a browser sent from another site or a sibling subdomain, and changes nothing', async () => {
    const before = await tapOfBob();
    for (const site of ['cross-site', 'same-site']) {
      for (const contentType of ['application/json', 'text/plain']) {
        const a = await issueTap({ 'sec-fetch-site': site, origin: 'https://evil.example' }, contentType);
        expect(a, `${site} ${contentType}`).toMatchObject({ status: 403, body: { error: 'forbidden', message: expect.stringMatching(/^Cross-origin request refused/) } });
      }
    }
    expect(await tapOfBob()).toBe(before);
    // The session is untouched too.
    expect((await send('POST', '/api/signin/signout-everywhere', { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await admin.get('/api/me')).status).toBe(200);
  });

  it('falls back to Origin against Host when a browser sends no Fetch Metadata', async () => {
    expect((await issueTap({ origin: 'https://evil.example' })).status).toBe(403);
    expect((await issueTap({ origin: 'null' })).status).toBe(403); // a sandboxed frame
    const host = new URL(srv.origin).host;
    expect((await issueTap({ origin: `http://${host}` })).status).toBe(201);
  });

  it('lets the site itself, a typed address and non-browser clients through', async () => {
    expect((await issueTap({ 'sec-fetch-site': 'same-origin', origin: srv.origin })).status).toBe(201);
    expect((await issueTap({ 'sec-fetch-site': 'none' })).status).toBe(201);
    expect((await issueTap({})).status).toBe(201); // curl, a script: no cookie-riding browser
  });

  it('lets reads through from anywhere (they change nothing; CORS keeps their answers from other sites)', async () => {
    expect((await send('GET', '/api/me', { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).status).toBe(200);
  });

  it("does not apply to the device API, which the extension calls cross-origin and signs", async () => {
    const a = await send('POST', '/api/device/respond', { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site', origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' }, '{}');
    expect(a).toMatchObject({ status: 400, body: { error: 'bad_request' } });
  });
});
