// Devices a person can tell apart: the name chosen at enrollment, renaming in My Account
// (validated, audited) and when each device was last used, as My Account and the admin see them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../server/domain/types.ts';
import { enrollUser, startPasswordThenPush, userId, type EnrolledUser } from '../support/flows.ts';
import { ManualClock, signIn, startServer, HttpClient, type TestServer } from '../support/server.ts';

type DeviceView = { id: string; name: string; lastUsedAt: number | null };

describe('device names and last use', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let admin: HttpClient;
  let alice: EnrolledUser;
  let second: EnrolledUser;
  const devicesOf = async (u: EnrolledUser) => ((await u.me.get('/api/me/methods')).body.devices as DeviceView[]);
  const rename = (u: EnrolledUser, id: string, body: unknown) => u.me.patch(`/api/me/devices/${id}`, body);

  beforeAll(async () => {
    srv = await startServer({ clock });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    alice = await enrollUser(srv, 'alice', { deviceName: 'Chromium on Linux' });
    second = await enrollUser(srv, 'alice', { me: alice.me, deviceName: 'Chromium on Linux 2' });
  });
  afterAll(async () => srv?.close());

  it('keeps the name each device was enrolled with, and shows it to the user and the admin', async () => {
    const names = (await devicesOf(alice)).map((d) => d.name);
    expect(names).toEqual(['Chromium on Linux', 'Chromium on Linux 2']);
    const adminView = (await admin.get(`/api/admin/users/${await userId(admin, alice.upn)}/methods`)).body.devices as DeviceView[];
    expect(adminView.map((d) => d.name)).toEqual(names);
  });

  it('renames a device (trimmed), shows the new name everywhere, and audits who, before and after', async () => {
    const res = await rename(alice, second.device.deviceId, { name: '  Work laptop – profile B  ' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: second.device.deviceId, name: 'Work laptop – profile B' });
    expect((await devicesOf(alice)).map((d) => d.name)).toEqual(['Chromium on Linux', 'Work laptop – profile B']);
    const entries = (await admin.get('/api/admin/audit?action=device.renamed')).body.entries as AuditEntry[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorUpn: alice.upn,
      targetType: 'device',
      targetId: second.device.deviceId,
      before: { name: 'Chromium on Linux 2' },
      after: { name: 'Work laptop – profile B' },
      ip: '127.0.0.1',
    });
  });

  it('refuses an empty, blank, too long or unprintable name with bad_request naming the field', async () => {
    for (const name of ['', '   ', 'x'.repeat(65), 'two\nlines', 'tab\there', 'evil\u202Egnp.exe', 'a\u2028b', 42, null]) {
      const res = await rename(alice, second.device.deviceId, { name });
      expect(res.status, JSON.stringify(name)).toBe(400);
      expect(res.body, JSON.stringify(name)).toMatchObject({ error: 'bad_request', message: expect.stringContaining('"name"') });
    }
    expect((await rename(alice, second.device.deviceId, {})).body.error).toBe('bad_request');
    expect((await rename(alice, second.device.deviceId, { name: 'é'.repeat(64) })).status).toBe(200);
  });

  it('refuses a name another of the user’s active devices has (ignoring case) with conflict; its own name is fine', async () => {
    const res = await rename(alice, second.device.deviceId, { name: 'chromium ON linux' });
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: 'conflict', message: expect.stringContaining('“Chromium on Linux”') });
    expect((await rename(alice, alice.device.deviceId, { name: 'Chromium on Linux' })).body).toMatchObject({ name: 'Chromium on Linux' });
  });

  it('answers not_found for a device of another user or an unknown one, unauthenticated without a session', async () => {
    const bob = await enrollUser(srv, 'bob', { deviceName: 'Bob laptop' });
    expect((await rename(bob, alice.device.deviceId, { name: 'Mine now' })).body.error).toBe('not_found');
    expect((await rename(bob, 'A'.repeat(22), { name: 'Nothing' })).body.error).toBe('not_found');
    const anonymous = new HttpClient(srv.origin);
    expect((await anonymous.patch(`/api/me/devices/${alice.device.deviceId}`, { name: 'x' })).body.error).toBe('unauthenticated');
    expect((await devicesOf(alice)).find((d) => d.id === alice.device.deviceId)!.name).toBe('Chromium on Linux');
  });

  it('refuses to rename a removed device with device_revoked, and frees its name', async () => {
    const spare = await enrollUser(srv, 'alice', { me: alice.me, deviceName: 'Spare', connect: false });
    expect((await alice.me.del(`/api/me/devices/${spare.device.deviceId}`)).status).toBe(200);
    expect((await rename(alice, spare.device.deviceId, { name: 'Back again' })).body.error).toBe('device_revoked');
    expect((await rename(alice, second.device.deviceId, { name: 'Spare' })).status).toBe(200);
  });

  it('records when the device last answered a request: never at first, then the time of its answer', async () => {
    const carol = await enrollUser(srv, 'carol', { deviceName: 'Carol desktop' });
    const before = (await devicesOf(carol))[0]!;
    expect(before.lastUsedAt).toBeNull();
    clock.advance(60_000);
    const push = await startPasswordThenPush(srv, carol.upn, carol.password);
    const answeredAt = clock.now();
    expect((await carol.device.respond(await carol.device.nextPush(), 'approve', push.number)).body).toMatchObject({ outcome: 'approved' });
    clock.advance(5_000);
    expect((await devicesOf(carol))[0]!.lastUsedAt).toBe(answeredAt);
    const adminView = (await admin.get(`/api/admin/users/${await userId(admin, carol.upn)}/methods`)).body.devices as DeviceView[];
    expect(adminView[0]!.lastUsedAt).toBe(answeredAt);
    // A denial is a use too.
    await startPasswordThenPush(srv, carol.upn, carol.password);
    await carol.device.respond(await carol.device.nextPush(), 'deny', '');
    expect((await devicesOf(carol))[0]!.lastUsedAt).toBe(clock.now());
  });
});
