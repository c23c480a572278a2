// The route table is the API: /api/openapi.json lists every route of it, and the Express app
// answers no /api route the table lacks (besides the device protocol and the reference page).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../protocol/http/index.ts';
import { openApiPath } from '../../protocol/http/openapi.ts';
import { startServer, type TestServer } from '../support/server.ts';

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
