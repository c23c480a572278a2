// The audit log: every change, with who, what, before, after, when and from where.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUDIT_ACTIONS } from '../../protocol/audit-actions.ts';
import type { AuditEntry } from '../../server/domain/types.ts';
import { enrollUser, startSignIn, upgradeToPasswordless } from '../support/flows.ts';
import { signIn, startServer, type HttpClient, type TestServer } from '../support/server.ts';

describe('audit log', () => {
  let srv: TestServer;
  let admin: HttpClient;
  const find = async (action: string) => ((await admin.get(`/api/admin/audit?action=${action}`)).body.entries as AuditEntry[]);

  beforeAll(async () => {
    srv = await startServer();
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
  });
  afterAll(async () => srv?.close());

  it('records every kind of change with actor, target, before, after, time and IP', async () => {
    // policy changes
    const policyAdmin = await signIn(srv.origin, srv.users.policy!.upn, srv.users.policy!.password);
    const policy = (await policyAdmin.get('/api/admin/policies/authenticator')).body;
    await policyAdmin.put('/api/admin/policies/authenticator', { ...policy, numberLength: 6 });
    const [pol] = await find('policy.authenticator.updated');
    expect(pol).toMatchObject({ actorUpn: 'policy@pushkey.test', targetType: 'policy', targetId: 'authenticator', ip: '127.0.0.1' });
    expect((pol!.before as { numberLength: number }).numberLength).toBe(2);
    expect((pol!.after as { numberLength: number }).numberLength).toBe(6);
    await policyAdmin.put('/api/admin/policies/authenticator', policy);

    // a method added, upgraded to passwordless, disabled, and removed
    const alice = await enrollUser(srv, 'alice', { deviceName: 'Profile B' });
    const [reg] = await find('device.registered');
    expect(reg).toMatchObject({ actorUpn: alice.upn, targetId: alice.device.deviceId, after: { name: 'Profile B' } });
    expect(reg!.correlationId).toBeTruthy();
    await upgradeToPasswordless(alice);
    const [up] = await find('device.passwordless_enabled');
    expect(up).toMatchObject({ targetId: alice.device.deviceId, before: { passwordless: false }, after: { passwordless: true } });
    expect(up!.correlationId).toHaveLength(22); // the setup request's id
    await alice.device.command('passwordless_disable');
    expect(await find('device.passwordless_disabled')).toHaveLength(1);
    await alice.me.del(`/api/me/devices/${alice.device.deviceId}`);
    const [rev] = await find('device.revoked');
    expect(rev).toMatchObject({ actorUpn: alice.upn, targetId: alice.device.deviceId, after: null });
    expect((rev!.before as { name: string }).name).toBe('Profile B');

    // a user created, changed, disabled
    const created = await admin.post('/api/admin/users', { upn: 'erin@pushkey.test', displayName: 'Erin Evans', password: 'a-long-passphrase', groups: ['Pilot'] });
    expect(created.status).toBe(201);
    await admin.patch(`/api/admin/users/${created.body.id}`, { groups: ['Staff'] });
    await admin.patch(`/api/admin/users/${created.body.id}`, { disabled: true });
    expect((await find('user.created')).find((e) => e.targetId === created.body.id)).toMatchObject({ actorUpn: 'admin@pushkey.test' });
    const changes = (await find('user.updated')).filter((e) => e.targetId === created.body.id);
    expect(changes.map((e) => [(e.before as { groups: string[]; disabled: boolean }).groups, (e.after as { disabled: boolean }).disabled])).toEqual([
      [['Staff'], true],
      [['Pilot'], false],
    ]);

    // a TAP issued and used, tied to the sign-in that used it
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const bob = (await admin.get('/api/admin/users?q=bob')).body.users[0];
    const { pass } = (await helpdesk.post(`/api/admin/users/${bob.id}/tap`, { lifetimeMinutes: 60 })).body;
    const s = await startSignIn(srv, bob.upn);
    await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass });
    const [issued] = await find('tap.issued');
    expect(issued).toMatchObject({ actorUpn: 'helpdesk@pushkey.test', targetId: bob.id });
    const [used] = await find('tap.used');
    expect(used).toMatchObject({ actorUpn: bob.upn, targetId: bob.id, correlationId: s.flowId, ip: '127.0.0.1' });

    // No entry holds a secret.
    const all = JSON.stringify((await admin.get('/api/admin/audit?limit=1000')).body);
    for (const secret of [pass, 'a-long-passphrase', srv.users.alice!.password]) expect(all).not.toContain(secret);
  });

  it('filters by actor, action prefix, target and date, and exports CSV', async () => {
    const devices = (await admin.get('/api/admin/audit?action=device.')).body.entries as AuditEntry[];
    expect(devices.length).toBeGreaterThanOrEqual(4);
    expect(devices.every((e) => e.action.startsWith('device.'))).toBe(true);
    expect(((await admin.get('/api/admin/audit?actor=helpdesk')).body.entries as AuditEntry[]).every((e) => e.actorUpn === 'helpdesk@pushkey.test')).toBe(true);
    expect((await admin.get(`/api/admin/audit?from=${srv.clock.now() + 1}`)).body.entries).toHaveLength(0);
    const policies = (await admin.get('/api/admin/audit?targetId=authenticator')).body.entries as AuditEntry[];
    expect(policies.length).toBeGreaterThan(0);
    expect(policies.every((e) => e.targetType === 'policy' && e.targetId === 'authenticator')).toBe(true);
    const csv = await (await admin.fetchRaw('/api/admin/audit?format=csv&action=tap.')).text();
    expect(csv.split('\n')[0]).toBe('time,actor,action,targetType,targetId,ip,before,after');
    expect(csv).toContain('tap.issued');
  });

  it('writes only activities the portal has words for', async () => {
    const actions = new Set(((await admin.get('/api/admin/audit?limit=1000')).body.entries as AuditEntry[]).map((e) => e.action));
    expect(actions.size).toBeGreaterThanOrEqual(9);
    expect([...actions].filter((a) => !(a in AUDIT_ACTIONS))).toEqual([]);
  });
});
