// Operations that write several rows are all-or-nothing on both engines: a failure injected
// at their last write (the notice to the user, or the audit entry) leaves none of their
// writes behind, and the same operation then succeeds as if it had never been tried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Repository } from '../../server/storage/repository.ts';
import { ENGINES, startOn, type EngineServer } from '../support/engines.ts';
import { faultable, type Faults } from '../support/faults.ts';
import { enrollUser, userId } from '../support/flows.ts';
import { HttpClient, signIn } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

describe.each(ENGINES)('all-or-nothing on %s', (engine) => {
  let srv: EngineServer;
  let faults: Faults;
  let helpdesk: HttpClient;
  beforeAll(async () => {
    srv = await startOn(engine, {
      name: 'atomic',
      wrapRepository: (repo) => {
        const f = faultable(repo);
        faults = f.faults;
        return f.repo;
      },
    });
    helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
  });
  afterAll(async () => srv?.close());

  /** Runs `step` with `method` failing: the step must fail with 500, and the fault is lifted after. */
  async function failing<T>(method: keyof Repository, step: () => Promise<T>): Promise<T> {
    faults.arm(method);
    try {
      return await step();
    } finally {
      faults.disarm();
    }
  }
  const outbox = async (upn: string) => (await srv.repo.listOutbox({ channel: 'email', to: upn, limit: 50 })).length;
  const audits = async (action: string) => (await srv.repo.listAudit({ action, limit: 50 })).length;

  it('enrollment: a failure at the notice leaves no device, no audit entry and the code unspent', async () => {
    const { upn, password } = srv.users.alice!;
    const me = await signIn(srv.origin, upn, password);
    const act = await me.post('/api/me/authenticator/activation');
    const before = { notices: await outbox(upn), audits: await audits('device.registered') };
    await failing('appendOutbox', () => expect(SoftDevice.enroll(srv.origin, act.body.code)).rejects.toThrow());
    const user = (await srv.repo.getUserByUpn(upn))!;
    expect(await srv.repo.listUserDevices(user.id)).toEqual([]);
    expect(await audits('device.registered')).toBe(before.audits);
    expect(await outbox(upn)).toBe(before.notices);
    expect((await me.get(`/api/me/authenticator/activation/${act.body.activationId}`)).body).toEqual({ status: 'pending' });
    // The same code enrolls now, with everything the enrollment writes.
    const device = await SoftDevice.enroll(srv.origin, act.body.code);
    expect((await srv.repo.listUserDevices(user.id)).map((x) => x.id)).toEqual([device.deviceId]);
    expect(await audits('device.registered')).toBe(before.audits + 1);
    expect(await outbox(upn)).toBe(before.notices + 1);
  });

  it('TAP issue: a failure at the notice leaves no pass, no audit entry and no alert', async () => {
    const { upn } = srv.users.bob!;
    const id = await userId(helpdesk, upn);
    const res = await failing('appendOutbox', () => helpdesk.post(`/api/admin/users/${id}/tap`, {}));
    expect(res.status).toBe(500);
    expect(await srv.repo.getUserTap(id)).toBeNull();
    expect(await audits('tap.issued')).toBe(0);
    expect(await srv.repo.listAlerts({ limit: 5, userId: id, kind: 'tap_issued' })).toEqual([]);
    expect((await helpdesk.post(`/api/admin/users/${id}/tap`, {})).status).toBe(201);
    expect(await srv.repo.getUserTap(id)).not.toBeNull();
    expect(await srv.repo.listAlerts({ limit: 5, userId: id, kind: 'tap_issued' })).toHaveLength(1);
  });

  it('adding and removing a phone: a failure at the notice leaves the method as it was', async () => {
    const { upn, password } = srv.users.carol!;
    const me = await signIn(srv.origin, upn, password);
    const number = '+15551239876';
    const add = await me.post('/api/me/phone', { number });
    const sms = (await srv.repo.listOutbox({ channel: 'sms', to: number, limit: 1 }))[0]!;
    const code = /^(\d{6})/.exec(sms.text)![1]!;
    const id = (await srv.repo.getUserByUpn(upn))!.id;
    expect((await failing('appendOutbox', () => me.post('/api/me/phone/verify', { codeId: add.body.codeId, code }))).status).toBe(500);
    expect((await srv.repo.getUserPhone(id))?.verifiedAt).toBeNull();
    expect(await audits('phone.added')).toBe(0);

    // Verified once a fresh code is checked without the fault.
    const again = await me.post('/api/me/phone', { number });
    const code2 = /^(\d{6})/.exec((await srv.repo.listOutbox({ channel: 'sms', to: number, limit: 1 }))[0]!.text)![1]!;
    expect((await me.post('/api/me/phone/verify', { codeId: again.body.codeId, code: code2 })).status).toBe(200);
    expect((await failing('appendOutbox', () => me.del('/api/me/phone'))).status).toBe(500);
    expect((await srv.repo.getUserPhone(id))?.verifiedAt).not.toBeNull();
    expect(await audits('phone.removed')).toBe(0);
    expect((await me.del('/api/me/phone')).status).toBeLessThan(300);
    expect(await srv.repo.getUserPhone(id)).toBeNull();
  });

  it('removing an authenticator: a failure at the audit entry leaves it active', async () => {
    const u = await enrollUser(srv, 'dave');
    const remove = await failing('appendAudit', () => helpdesk.del(`/api/admin/devices/${u.device.deviceId}`));
    expect(remove.status).toBe(500);
    expect((await srv.repo.getDevice(u.device.deviceId))?.revokedAt).toBeNull();
    // Its key still verifies: a signed poll is answered.
    expect((await u.device.command('poll', {})).status).toBe(200);
    expect((await helpdesk.del(`/api/admin/devices/${u.device.deviceId}`)).status).toBeLessThan(300);
    expect((await srv.repo.getDevice(u.device.deviceId))?.revokedAt).not.toBeNull();
  });
});
