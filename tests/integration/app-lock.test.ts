// The authenticator's app lock as the server sees it: where the policy asks for it, an
// approval without it is refused and the request stays open; with it the sign-in is two
// factors (possession and knowledge) in the sign-in log; without the policy, an approval
// without it is one factor. The claim is signed: it cannot be added to an answer signed without it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, flowStatus, startPasswordless, startPasswordThenPush, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

const postRespond = async (srv: TestServer, body: unknown) => {
  const res = await fetch(`${srv.origin}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as { error?: string; outcome?: string } };
};

describe('the app lock', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let alice: EnrolledUser;
  let admin: HttpClient;

  const setRequired = async (requireAppLock: boolean) => {
    const current = (await admin.get('/api/admin/policies/authenticator')).body;
    const put = await admin.put('/api/admin/policies/authenticator', { ...current, requireAppLock });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  };
  const entry = async (flowId: string) => (await admin.get(`/api/admin/signins/${flowId}`)).body;

  beforeAll(async () => {
    srv = await startServer({ clock });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
  });
  afterAll(async () => {
    alice?.device.close();
    await srv?.close();
  });

  it('is off by default: an approval without it signs in, as one factor for passwordless', async () => {
    const p = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    expect(push.appLock).toBeUndefined();
    expect((await alice.device.respond(push, 'approve', p.number)).body).toMatchObject({ outcome: 'approved' });
    expect((await flowStatus(p)).status).toBe('signed_in');
    expect(await entry(p.flowId)).toMatchObject({ requirement: 'single', methods: ['passwordless'] });
  });

  it('counts as a second factor when the device opened it, policy or not', async () => {
    const p = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    expect((await alice.device.respond(push, 'approve', p.number, { userVerification: 'pin' })).body).toMatchObject({ outcome: 'approved' });
    expect((await flowStatus(p)).status).toBe('signed_in');
    expect(await entry(p.flowId)).toMatchObject({ requirement: 'multifactor', methods: ['passwordless', 'app_lock'] });
  });

  describe('required by the policy', () => {
    beforeAll(() => setRequired(true));
    afterAll(() => setRequired(false));

    it('says so in the signed push, refuses an approval without it and keeps the request open for one with it', async () => {
      const p = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      expect(push.appLock).toBe('required');
      const without = await alice.device.respond(push, 'approve', p.number);
      expect(without.status).toBe(403);
      expect(without.body.error).toBe('app_lock_required');
      expect((await flowStatus(p)).status).toBe('pending');
      const withIt = await alice.device.respond(push, 'approve', p.number, { userVerification: 'pin' });
      expect(withIt.body).toMatchObject({ outcome: 'approved' });
      expect((await flowStatus(p)).status).toBe('signed_in');
      expect(await entry(p.flowId)).toMatchObject({ requirement: 'multifactor', methods: ['passwordless', 'app_lock'] });
    });

    it('refuses the claim added to an answer signed without it', async () => {
      const p = await startPasswordThenPush(srv, alice.upn, alice.password);
      const push = await alice.device.nextPush();
      const signedWithout = await alice.device.buildResponse(push, 'approve', p.number);
      const forged = await postRespond(srv, { ...signedWithout, userVerification: 'pin' });
      expect(forged.status).toBe(401);
      expect(forged.body.error).toBe('signature_invalid');
      expect((await flowStatus(p)).status).toBe('pending');
    });

    it('still takes a deny or a report without it: refusing is always safe', async () => {
      const p = await startPasswordThenPush(srv, alice.upn, alice.password);
      const push = await alice.device.nextPush();
      expect((await alice.device.respond(push, 'deny')).body).toMatchObject({ outcome: 'denied' });
      expect((await flowStatus(p)).status).toBe('denied');
    });

    it("is not asked for My Account's test request", async () => {
      const test = await alice.me.post('/api/me/authenticator/test');
      expect(test.status, JSON.stringify(test.body)).toBe(200);
      const push = await alice.device.nextPush();
      expect(push.appLock).toBeUndefined();
      expect((await alice.device.respond(push, 'approve', test.body.number ?? test.body.challenge?.number)).body).toMatchObject({ outcome: 'approved' });
    });
  });
});
