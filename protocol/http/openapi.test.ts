import { describe, expect, it } from 'vitest';
import { ROUTES } from './index.ts';
import { openApiDocument, openApiPath } from './openapi.ts';
import { fillPath, queryString } from './route.ts';

describe('the route table', () => {
  it('has one route per method and path', () => {
    const keys = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('names every path parameter in the params schema', () => {
    for (const r of ROUTES) {
      const names = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]);
      const entries = r.params && 'entries' in r.params ? Object.keys(r.params.entries as object) : [];
      expect(entries.sort(), `${r.method} ${r.path}`).toEqual(names.sort());
    }
  });
});

describe('the OpenAPI document', () => {
  const doc = openApiDocument({ version: '1.0.0' }) as { openapi: string; paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

  it('is OpenAPI 3.1', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('lists every route of the table with its answer and the error answer', () => {
    for (const r of ROUTES) {
      const op = doc.paths[openApiPath(r.path)]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(Object.keys(op!.responses)).toEqual([String(r.status ?? 200), '4XX', '5XX']);
    }
    expect(Object.values(doc.paths).flatMap((p) => Object.keys(p)).length).toBe(ROUTES.length);
  });
});

describe('paths and queries', () => {
  it('fills path parameters percent-encoded', () => {
    expect(fillPath('/api/admin/users/:id/passkeys/:passkeyId', { id: 'a/b', passkeyId: 'c' })).toBe('/api/admin/users/a%2Fb/passkeys/c');
  });

  it('refuses a missing path parameter, naming it', () => {
    expect(() => fillPath('/api/me/devices/:id', {})).toThrow(/"id"/);
  });

  it('leaves empty query values out', () => {
    expect(queryString({ q: 'a b', from: 5, to: undefined, upn: '' })).toBe('?q=a%20b&from=5');
    expect(queryString({})).toBe('');
  });
});
