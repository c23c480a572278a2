// Requests nobody waits for any more end, on the server and on the devices: a test
// notification left unanswered (only one's own), and the push of a sign-in that was
// finished another way.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, startPasswordThenPush, userId, type EnrolledUser } from '../support/flows.ts';
import { signIn, startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
let alice: EnrolledUser;
let bob: EnrolledUser;

beforeAll(async () => {
  srv = await startServer();
  [alice, bob] = await Promise.all([enrollUser(srv, 'alice'), enrollUser(srv, 'bob')]);
});

afterAll(async () => {
  alice?.device.close();
  bob?.device.close();
  await srv?.close();
});

describe('withdrawing a test notification', () => {
  it('ends it on the server and tells the device to close its prompt', async () => {
    const test = await alice.me.post('/api/me/authenticator/test', {});
    expect(test.status).toBe(200);
    const push = await alice.device.nextPush();
    expect(push.challengeId).toBe(test.body.challengeId);

    const gone = await alice.me.del(`/api/me/authenticator/test/${test.body.challengeId}`);
    expect(gone.status).toBe(204);
    expect(await alice.device.next((f) => f.type === 'cancel')).toMatchObject({ type: 'cancel', challengeId: test.body.challengeId });
    expect((await alice.me.get(`/api/me/challenges/${test.body.challengeId}`)).body.status).toBe('cancelled');
    // The device's late answer finds nothing to approve.
    const late = await alice.device.respond(push, 'approve', test.body.number);
    expect(late.body.error).toBe('challenge_consumed');
    // Withdrawing again is harmless.
    expect((await alice.me.del(`/api/me/authenticator/test/${test.body.challengeId}`)).status).toBe(204);
  });

  it("refuses another user's test notification and any sign-in request", async () => {
    const test = await alice.me.post('/api/me/authenticator/test', {});
    await alice.device.nextPush();
    const foreign = await bob.me.del(`/api/me/authenticator/test/${test.body.challengeId}`);
    expect(foreign.status).toBe(404);
    expect(foreign.body.error).toBe('not_found');
    expect((await alice.me.get(`/api/me/challenges/${test.body.challengeId}`)).body.status).toBe('pending');

    const signIn = await startPasswordThenPush(srv, alice.upn, alice.password);
    const refused = await alice.me.del(`/api/me/authenticator/test/${signIn.challengeId}`);
    expect(refused.status).toBe(404);
    expect((await alice.me.get(`/api/me/challenges/${signIn.challengeId}`)).body.status).toBe('pending');
  });
});

describe('a sign-in finished another way', () => {
  it('withdraws the push it had sent: the device is told and a late approval finds nothing', async () => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const issued = await helpdesk.post(`/api/admin/users/${await userId(helpdesk, bob.upn)}/tap`, { lifetimeMinutes: 60, oneTime: true });
    expect(issued.status).toBe(201);
    const flow = await startPasswordThenPush(srv, bob.upn, bob.password);
    const push = await bob.device.nextPush();
    expect(push.challengeId).toBe(flow.challengeId);

    const tap = await flow.browser.post('/api/signin/tap', { flowId: flow.flowId, pass: issued.body.pass });
    expect(tap.body.status, JSON.stringify(tap.body)).toBe('signed_in');
    expect(await bob.device.next((f) => f.type === 'cancel')).toMatchObject({ type: 'cancel', challengeId: flow.challengeId });
    expect((await bob.device.respond(push, 'approve', flow.number)).body.error).toBe('challenge_consumed');
  });
});
