// The route table is the API: /api/openapi.json lists every route of it, and the Express app
// answers no /api route the table lacks (besides the device protocol and the reference page).
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../protocol/http/index.ts';
import { openApiPath } from '../../protocol/http/openapi.ts';
import { enrollUser } from '../support/flows.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv?.close());

/** What Express 5 keeps of each layer of the app's router: its path, and its route's methods. */
interface Layer {
  name: string;
  rawPath?: unknown;
  route?: { path: string; methods: Record<string, boolean> };
}
const layers = (): Layer[] => (srv.app.express as unknown as { router: { stack: Layer[] } }).router.stack;

describe('the API and its route table', () => {
  it('lists every route of the table in /api/openapi.json, as OpenAPI 3.1', async () => {
    const res = await fetch(`${srv.origin}/api/openapi.json`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, unknown> } };
    expect(doc.openapi).toBe('3.1.0');
    for (const r of ROUTES) expect(doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()], `${r.method} ${r.path}`).toBeDefined();
    expect(doc.components.schemas.Error).toMatchObject({ properties: { error: {}, message: {}, details: {} }, required: ['error', 'message'] });
  });

  it('mounts no /api route that the table lacks', () => {
    const table = new Set(ROUTES.map((r) => `${r.method} ${r.path}`));
    const mounted = layers().flatMap((l) => (l.route ? Object.keys(l.route.methods).map((m) => `${m.toUpperCase()} ${l.route!.path}`) : []));
    const extra = mounted.filter((k) => k.split(' ')[1]!.startsWith('/api') && !table.has(k));
    expect(extra).toEqual([]);
    expect(mounted.filter((k) => table.has(k)).length).toBe(table.size);
  });

  it('mounts routers under /api only for the device protocol and the reference page', () => {
    const routers = layers().filter((l) => l.name === 'router').map((l) => String(l.rawPath));
    expect(routers.filter((p) => p.startsWith('/api'))).toEqual(['/api/device', '/api/docs']);
  });

  it('answers every GET route of the table with what its answer schema describes', async () => {
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const bob = (await admin.get(`/api/admin/users?q=bob`)).body.users[0].id as string;
    await enrollUser(srv, 'bob', { connect: false });
    await admin.post(`/api/admin/users/${bob}/tap`, {});
    const signInId = (await admin.get('/api/admin/signins')).body.entries[0].id as string;
    const ids: Record<string, string> = { '/api/admin/signins/:id': signInId };
    const checked: string[] = [];
    // The lab's routes answer lab_mode_off outside lab mode; lab.test.ts parses their answers on a lab server.
    for (const r of ROUTES.filter((x) => x.method === 'GET' && x.path !== '/api/signin/status' && !x.path.startsWith('/api/admin/lab/'))) {
      const url = r.path.includes('/users/:id') ? r.path.replace(':id', bob) : r.path.replace(':id', ids[r.path] ?? ':id');
      if (url.includes(':')) continue;
      const res = await admin.get(url);
      expect(res.status, `${url} → ${JSON.stringify(res.body)}`).toBe(200);
      const parsed = v.safeParse(r.answer, res.body);
      expect(parsed.success, `${url}: ${parsed.issues?.map((i) => `${v.getDotPath(i)} ${i.message}`).join('; ')}`).toBe(true);
      checked.push(r.path);
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
  });

  it('serves the reference page and its assets from the package, under the app\'s CSP', async () => {
    const page = await fetch(`${srv.origin}/api/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-initializer.js']) {
      expect((await fetch(`${srv.origin}/api/docs/${asset}`)).status, asset).toBe(200);
    }
    expect(await (await fetch(`${srv.origin}/api/docs/swagger-initializer.js`)).text()).toContain("'/api/openapi.json'");
  });
});
