// Device commands signed over a timestamp: poll, passwordless setup and disable, unenroll.
// The timestamp must be within 5 minutes of the server clock and newer than the last one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandBytes } from '../../protocol/signed-bytes.ts';
import { generateDeviceKey, sign } from '../../protocol/webcrypto.ts';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { enrollUser, flowStatus, startPasswordless, startPasswordThenPush, startSignIn, upgradeToPasswordless, wrongNumber, type EnrolledUser, signInMethodsOf } from '../support/flows.ts';
import { ManualClock, startServer, type TestServer } from '../support/server.ts';

const SKEW = DEFAULT_LIMITS.commandSkewMs;

async function postCommand(srv: TestServer, body: unknown) {
  const res = await fetch(`${srv.origin}/api/device/command`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('device commands', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let alice: EnrolledUser;

  const signedPoll = async (u: EnrolledUser, timestamp: number, key = u.device.keys.privateKey) => ({
    type: 'poll',
    deviceId: u.device.deviceId,
    timestamp,
    signature: await sign(key, commandBytes({ type: 'poll', origin: srv.origin, deviceId: u.device.deviceId, timestamp })),
  });

  beforeAll(async () => {
    srv = await startServer({ clock });
    alice = await enrollUser(srv, 'alice');
  });
  afterAll(async () => {
    alice?.device.close();
    await srv?.close();
  });

  describe('timestamps', () => {
    it('refuses a replayed command with clock_skew', async () => {
      clock.advance(1000);
      const body = await signedPoll(alice, clock.now());
      expect((await postCommand(srv, body)).status).toBe(200);
      expect(await postCommand(srv, body)).toMatchObject({ status: 400, body: { error: 'clock_skew' } });
    });

    it('refuses a timestamp equal to or older than the last accepted one', async () => {
      clock.advance(1000);
      const t = clock.now();
      expect((await postCommand(srv, await signedPoll(alice, t))).status).toBe(200);
      expect((await postCommand(srv, await signedPoll(alice, t))).body.error).toBe('clock_skew');
      expect((await postCommand(srv, await signedPoll(alice, t - 1))).body.error).toBe('clock_skew');
      expect((await postCommand(srv, await signedPoll(alice, t + 1))).status).toBe(200);
    });

    it('accepts a timestamp exactly 5 minutes off the server clock, and refuses 1 ms more, either way', async () => {
      const bob = await enrollUser(srv, 'bob', { connect: false });
      const now = clock.now();
      expect((await postCommand(srv, await signedPoll(bob, now - SKEW - 1))).body.error).toBe('clock_skew');
      expect((await postCommand(srv, await signedPoll(bob, now - SKEW))).status).toBe(200);
      expect((await postCommand(srv, await signedPoll(bob, now + SKEW + 1))).body.error).toBe('clock_skew');
      expect((await postCommand(srv, await signedPoll(bob, now + SKEW))).status).toBe(200);
    });

    it('does not let a refused (skewed) command move the last timestamp forward', async () => {
      const carol = await enrollUser(srv, 'carol', { connect: false });
      const now = clock.now();
      expect((await postCommand(srv, await signedPoll(carol, now + SKEW + 60_000))).body.error).toBe('clock_skew');
      expect((await postCommand(srv, await signedPoll(carol, now))).status).toBe(200);
    });
  });

  describe('signatures', () => {
    it('refuses a command signed by another key with signature_invalid', async () => {
      const other = await generateDeviceKey();
      clock.advance(1000);
      expect(await postCommand(srv, await signedPoll(alice, clock.now(), other.privateKey))).toMatchObject({ status: 401, body: { error: 'signature_invalid' } });
    });

    it('refuses a poll signature reused for another command (domain separation)', async () => {
      clock.advance(1000);
      const poll = await signedPoll(alice, clock.now());
      expect((await postCommand(srv, { ...poll, type: 'unenroll' })).body.error).toBe('signature_invalid');
      expect((await postCommand(srv, { ...poll, type: 'passwordless_disable' })).body.error).toBe('signature_invalid');
      expect((await srv.repo.getDevice(alice.device.deviceId))!.revokedAt).toBeNull();
    });

    it('refuses an unknown device with device_unknown', async () => {
      const body = await signedPoll(alice, clock.now() + 5);
      expect(await postCommand(srv, { ...body, deviceId: 'AAAAAAAAAAAAAAAAAAAAAA' })).toMatchObject({ status: 404, body: { error: 'device_unknown' } });
    });
  });

  describe('passwordless', () => {
    it('refuses the upgrade with a wrong password', async () => {
      const res = await alice.device.command('passwordless_setup', { password: 'not-it', clientVersion: '1.0.0' });
      expect(res).toMatchObject({ status: 401, body: { error: 'invalid_credentials' } });
    });

    it('shows the setup number only in My Account, never in the answer to the device', async () => {
      const setup = await alice.device.command('passwordless_setup', { password: alice.password, clientVersion: '1.0.0' });
      expect(setup.body.type).toBe('setup_started');
      const shown = await alice.me.get('/api/me/passwordless-setup');
      expect(JSON.stringify(setup.body)).not.toContain(`"${shown.body.pending.number}"`);
      expect(Object.keys(setup.body.request)).not.toContain('number');
      // A wrong number does not upgrade.
      expect((await alice.device.respond(setup.body.request, 'approve', wrongNumber(shown.body.pending.number))).body.error).toBe('number_mismatch');
      expect(await signInMethodsOf(srv, alice.upn)).not.toContain('passwordless');
    });

    it('refuses a second upgrade of an upgraded device with conflict', async () => {
      await upgradeToPasswordless(alice);
      const res = await alice.device.command('passwordless_setup', { password: alice.password, clientVersion: '1.0.0' });
      expect(res).toMatchObject({ status: 409, body: { error: 'conflict' } });
    });

    it('passwordless_disable turns passwordless off and keeps push MFA working', async () => {
      expect(await signInMethodsOf(srv, alice.upn)).toContain('passwordless');
      expect(await alice.device.command('passwordless_disable')).toMatchObject({ status: 200, body: { type: 'ok' } });
      const s = await startSignIn(srv, alice.upn);
      expect(await signInMethodsOf(srv, alice.upn)).not.toContain('passwordless');
      expect((await s.browser.post('/api/signin/passwordless', { flowId: s.flowId })).body.error).toBe('method_not_allowed');
      // The registration stays: push MFA after a password still works.
      const mfa = await startPasswordThenPush(srv, alice.upn, alice.password);
      expect((await alice.device.respond(await alice.device.nextPush(), 'approve', mfa.number)).body.outcome).toBe('approved');
      expect(await flowStatus(mfa)).toEqual({ status: 'signed_in' });
      // Disabling twice is harmless.
      expect((await alice.device.command('passwordless_disable')).status).toBe(200);
    });

    it('withdraws a waiting passwordless request when passwordless is disabled, so it cannot be approved', async () => {
      await upgradeToPasswordless(alice);
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await alice.device.command('passwordless_disable');
      // The device is told to close the prompt, and the browser that waits learns it at once.
      await alice.device.next((f) => f.type === 'cancel' && f.challengeId === push.challengeId);
      expect(await flowStatus(flow)).toEqual({ status: 'cancelled' });
      expect((await alice.device.respond(push, 'approve', flow.number)).body.error).toBe('challenge_consumed');
    });

    it('keeps a passwordless request that another passwordless device of the user can still answer', async () => {
      await upgradeToPasswordless(alice);
      const second = await enrollUser(srv, 'alice', { me: alice.me });
      await upgradeToPasswordless(second);
      const flow = await startPasswordless(srv, alice.upn);
      await alice.device.nextPush();
      const push = await second.device.nextPush();
      await alice.device.command('passwordless_disable');
      await alice.device.next((f) => f.type === 'cancel' && f.challengeId === push.challengeId);
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
      expect((await second.device.respond(push, 'approve', flow.number)).body.outcome).toBe('approved');
      await second.me.del(`/api/me/devices/${second.device.deviceId}`);
      second.device.close();
    });
  });

  describe('unenroll', () => {
    it('revokes the device: its commands, answers and channel are refused, and no push MFA follows a password', async () => {
      const dave = await enrollUser(srv, 'dave');
      const mfa = await startPasswordThenPush(srv, dave.upn, dave.password);
      const push = await dave.device.nextPush();
      const closed = dave.device.closed();
      expect(await dave.device.command('unenroll')).toMatchObject({ status: 200, body: { type: 'ok' } });
      expect(await closed).toBe(4003);
      expect((await srv.repo.getDevice(dave.device.deviceId))!.revokedAt).toBe(clock.now());
      expect((await dave.device.command('poll')).body.error).toBe('device_revoked');
      expect((await dave.device.respond(push, 'approve', mfa.number)).body.error).toBe('device_revoked');
      expect((await dave.me.get('/api/me/methods')).body.devices).toEqual([]);
      const s = await startSignIn(srv, dave.upn);
      expect((await s.browser.post('/api/signin/password', { flowId: s.flowId, password: dave.password })).body.status).toBe('signed_in');
    });
  });
});
