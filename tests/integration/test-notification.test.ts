// My Account's "Let's try it out": a test notification the person leaves unanswered is
// withdrawn, on the server and on the device, and only their own test can be withdrawn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, startPasswordThenPush, type EnrolledUser } from '../support/flows.ts';
import { startServer, type TestServer } from '../support/server.ts';

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
