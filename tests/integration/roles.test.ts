// Roles as the server enforces them, whatever a page shows: the helpdesk helps users but
// cannot become an administrator by resetting one's password, issuing one a Temporary
// Access Pass or removing one's authenticator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, startSignIn, userId } from '../support/flows.ts';
import { discoverRoutes } from '../support/routes.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

describe('roles', () => {
  let srv: TestServer;
  let helpdesk: HttpClient;
  let admin: HttpClient;
  let policyAdmin: HttpClient;
  const ids: Record<string, string> = {};
  const login = (name: string) => signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);

  beforeAll(async () => {
    srv = await startServer({ clock: new ManualClock() });
    helpdesk = await login('helpdesk');
    admin = await login('admin');
    policyAdmin = await login('policy');
    for (const n of ['admin', 'policy', 'helpdesk', 'alice']) ids[n] = await userId(admin, srv.users[n]!.upn);
  });
  afterAll(async () => srv?.close());

  it('lets the helpdesk issue a pass to a user, and the user sign in with it', async () => {
    const tap = await helpdesk.post(`/api/admin/users/${ids.alice}/tap`, {});
    expect(tap.status).toBe(201);
    const s = await startSignIn(srv, srv.users.alice!.upn);
    expect((await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass: tap.body.pass })).body.status).toBe('signed_in');
  });

  for (const target of ['admin', 'policy'] as const) {
    it(`refuses the helpdesk a pass, a password reset or a device removal for the ${target} administrator`, async () => {
      expect(await helpdesk.post(`/api/admin/users/${ids[target]}/tap`, {})).toMatchObject({ status: 403, body: { error: 'forbidden' } });
      expect((await helpdesk.post(`/api/admin/users/${ids[target]}/password`, { password: 'Taken-Over-123' })).body.error).toBe('forbidden');
      expect((await helpdesk.del(`/api/admin/users/${ids[target]}/tap`)).body.error).toBe('forbidden');
      // The administrator's password still works, and no pass was issued.
      await expect(login(target)).resolves.toBeInstanceOf(HttpClient);
      expect(await srv.repo.getUserTap(ids[target]!)).toBeNull();
      const dev = await enrollUser(srv, target, { connect: false, me: target === 'admin' ? admin : policyAdmin });
      expect((await helpdesk.del(`/api/admin/devices/${dev.device.deviceId}`)).body.error).toBe('forbidden');
      expect((await srv.repo.getDevice(dev.device.deviceId))!.revokedAt).toBeNull();
    });
  }

  it("refuses the helpdesk every change to a global admin's account, on every admin route (present and future)", async () => {
    const dev = await enrollUser(srv, 'admin', { connect: false, me: admin });
    const changes = discoverRoutes().filter((r) => r.path.startsWith('/api/admin/') && r.method !== 'GET' && /\/(users|devices)\/:id/.test(r.path));
    expect(changes.length).toBeGreaterThanOrEqual(5);
    for (const r of changes) {
      const url = r.path.replace(':id', r.path.includes('/devices/') ? dev.device.deviceId : ids.admin!).replace(/:\w+/g, 'AAAAAAAAAAAAAAAAAAAAAA');
      const res = await helpdesk.call(r.method, url, r.method === 'DELETE' ? undefined : {});
      expect(res.status, `${r.method} ${r.path} → ${JSON.stringify(res.body)}`).toBe(403);
      expect(res.body.error).toBe('forbidden');
    }
    expect((await srv.repo.getDevice(dev.device.deviceId))!.revokedAt).toBeNull();
  });

  it('lets a global admin do all of it for any administrator', async () => {
    const tap = await admin.post(`/api/admin/users/${ids.policy}/tap`, {});
    expect(tap.status).toBe(201);
    expect((await admin.del(`/api/admin/users/${ids.policy}/tap`)).status).toBe(200);
    const dev = await enrollUser(srv, 'policy', { connect: false, me: policyAdmin });
    expect((await admin.del(`/api/admin/devices/${dev.device.deviceId}`)).status).toBe(200);
  });

  it('refuses policy changes to the helpdesk and user management to the policy admin', async () => {
    const policy = (await helpdesk.get('/api/admin/policies/authenticator')).body;
    expect((await helpdesk.put('/api/admin/policies/authenticator', { ...policy, enabled: false })).body.error).toBe('forbidden');
    expect((await policyAdmin.post(`/api/admin/users/${ids.alice}/tap`, {})).body.error).toBe('forbidden');
    expect((await policyAdmin.patch(`/api/admin/users/${ids.alice}`, { roles: ['global_admin'] })).body.error).toBe('forbidden');
    expect((await helpdesk.patch(`/api/admin/users/${ids.helpdesk}`, { roles: ['global_admin'] })).body.error).toBe('forbidden');
    expect((await policyAdmin.put('/api/admin/policies/authenticator', { ...policy, numberLength: 6 })).status).toBe(200);
  });
});
