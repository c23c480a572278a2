// GET /api/tenant: the tenant's display name for the sign-in page, to anyone, and nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TENANT_SETTING } from '../../server/domain/authenticator/enrollment.ts';
import { HttpClient, startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv?.close());

describe('GET /api/tenant', () => {
  it('tells a browser without a session the tenant name, and nothing else', async () => {
    const res = await new HttpClient(srv.origin).get('/api/tenant');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ name: 'pushkey Lab' });
  });

  it('follows a change of the name', async () => {
    await srv.repo.setSetting(TENANT_SETTING, 'Contoso Labs');
    try {
      expect((await new HttpClient(srv.origin).get('/api/tenant')).body).toEqual({ name: 'Contoso Labs' });
    } finally {
      await srv.repo.setSetting(TENANT_SETTING, 'pushkey Lab');
    }
  });
});
