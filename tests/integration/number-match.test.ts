// Number-match requests end to end: the signed push, the typed number in the signed
// response, one winner per request, expiry at the limit, and every way a response can be
// refused. Only the browser that started a sign-in ever gets its session.
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateDeviceKey } from '../../protocol/webcrypto.ts';
import { canonicalJson } from '../../protocol/canonical-json.ts';
import type { Pending, PushRequest, PushRequestV2 } from '../../protocol/messages.ts';
import { DEFAULT_AUTHENTICATOR_POLICY } from '../../server/domain/policies/policy.ts';
import {
  enrollUser,
  flowStatus,
  startPasswordless,
  startSignIn,
  startPasswordThenPush,
  upgradeToPasswordless,
  userId,
  wrongNumber,
  type EnrolledUser,
} from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';
import { SOFT_CAPABILITIES, V1_CAPABILITIES } from '../support/soft-device.ts';

function v2(frame: PushRequest): PushRequestV2 {
  if (frame.v !== 2) throw new Error(`expected a v2 push, got ${JSON.stringify(frame)}`);
  return frame;
}

async function postRaw(srv: TestServer, body: unknown) {
  const res = await fetch(`${srv.origin}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('number matching', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let alice: EnrolledUser;
  let bob: EnrolledUser;
  let admin: HttpClient;

  beforeAll(async () => {
    srv = await startServer({ clock });
    alice = await enrollUser(srv, 'alice');
    bob = await enrollUser(srv, 'bob');
    await upgradeToPasswordless(alice);
    await upgradeToPasswordless(bob);
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
  });
  afterAll(async () => {
    alice?.device.close();
    bob?.device.close();
    await srv?.close();
  });
  beforeEach(async () => {
    await srv.setPolicy(DEFAULT_AUTHENTICATOR_POLICY);
  });

  describe('the push', () => {
    it('arrives signed by the server key the device pinned, with the sign-in context', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const frame = v2(await alice.device.nextFrame());
      expect(frame).toMatchObject({ type: 'request', v: 2, deviceId: alice.device.deviceId, challengeId: flow.challengeId });
      const push = await alice.device.open(frame);
      expect(push).toMatchObject({
        deviceId: alice.device.deviceId,
        challengeId: flow.challengeId,
        kind: 'passwordless',
        app: 'pushkey My Account',
        context: { ip: '127.0.0.1', location: 'This computer (loopback)', browser: 'Chrome 156 on Linux', time: clock.now() },
        expiresAt: flow.expiresAt,
      });
      // What was signed is the request itself, in its canonical form (RFC 8785).
      expect(frame.signed).toBe(canonicalJson(push));
      expect(flow.expiresAt).toBe(clock.now() + 90_000);
      // Any field changed after signing breaks the server signature.
      const tampered = (from: string, to: string) => ({ ...frame, signed: frame.signed.replace(from, to) });
      expect(await alice.device.verifyPush(tampered('"app":"pushkey My Account"', '"app":"Another app"'))).toBe(false);
      expect(await alice.device.verifyPush(tampered(`"expiresAt":${push.expiresAt}`, `"expiresAt":${push.expiresAt + 1}`))).toBe(false);
      expect(await alice.device.verifyPush(tampered('"location":"This computer (loopback)"', '"location":"Elsewhere"'))).toBe(false);
      // The ids outside what was signed only route it: they must name what was signed.
      expect(await alice.device.verifyPush({ ...frame, challengeId: bob.device.deviceId })).toBe(false);
      expect(await alice.device.verifyPush({ ...frame, deviceId: bob.device.deviceId })).toBe(false);
      await alice.device.respond(push, 'deny');
    });

    it('is sent in v1 to a device that does not announce push_canonical, which verifies it as before and answers it', async () => {
      const old = await enrollUser(srv, 'carol', { capabilities: V1_CAPABILITIES });
      try {
        const flow = await startPasswordThenPush(srv, old.upn, old.password);
        const frame = await old.device.nextFrame();
        expect(frame).not.toHaveProperty('v');
        expect(frame).not.toHaveProperty('signed');
        expect(frame).toMatchObject({ type: 'request', challengeId: flow.challengeId, kind: 'mfa', context: { ip: '127.0.0.1', browser: 'Chrome 156 on Linux' } });
        expect(await old.device.verifyPush(frame)).toBe(true);
        // v1 signs the fields positionally: any one changed breaks it.
        if (frame.v === 2) throw new Error('not v1');
        expect(await old.device.verifyPush({ ...frame, context: { ...frame.context, location: 'Elsewhere' } })).toBe(false);
        expect((await old.device.respond(await old.device.open(frame), 'approve', flow.number)).body.outcome).toBe('approved');
        // A poll that announces push_canonical (an updated extension) gets v2 from then on.
        const next = await startPasswordThenPush(srv, old.upn, old.password);
        await old.device.nextFrame();
        const poll = await old.device.command('poll', { clientVersion: '1.0.0', capabilities: SOFT_CAPABILITIES });
        const polled = (poll.body as Pending).requests.find((r) => r.challengeId === next.challengeId)!;
        expect(polled).toMatchObject({ v: 2 });
        expect((await old.device.respond(polled, 'deny')).body.outcome).toBe('denied');
      } finally {
        old.device.close();
      }
    });

    it('never contains the number the browser shows', async () => {
      await srv.setPolicy({ numberLength: 8 });
      const flow = await startPasswordless(srv, alice.upn);
      expect(flow.number).toMatch(/^\d{8}$/);
      const push = await alice.device.nextPush();
      expect(Object.keys(push)).not.toContain('number');
      expect(JSON.stringify(push)).not.toContain(flow.number);
      const poll = await alice.device.command('poll');
      expect(JSON.stringify(poll.body)).not.toContain(flow.number);
      await alice.device.respond(push, 'deny');
    });

    it('carries a hostile user agent (control characters, 600 characters) in a push that still parses and verifies', async () => {
      const browser = new HttpClient(srv.origin);
      browser.headers['user-agent'] = 'Mozilla/5.0 \u0085\u009b[31m Chrome/156.0 ' + 'é'.repeat(600);
      const start = await browser.post('/api/signin/start', { username: alice.upn });
      expect((await browser.post('/api/signin/passwordless', { flowId: start.body.flowId })).status).toBe(200);
      const push = await alice.device.nextPush(); // parsed by the protocol's schema, and verified
      expect(push.context.browser.length).toBeLessThanOrEqual(128);
      // eslint-disable-next-line no-control-regex -- the point is to find control characters
      expect(push.context.browser).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      await alice.device.respond(push, 'deny');
    });

    it('hides the application and the location when the policy says so', async () => {
      await srv.setPolicy({ showApplication: false, showLocation: false });
      await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      expect(push.app).toBe('');
      expect(push.context).toMatchObject({ ip: '', location: '', browser: 'Chrome 156 on Linux' });
      await alice.device.respond(push, 'deny');
    });
  });

  describe('approve', () => {
    it('signs in the browser that started the flow, and no other client holding the flowId', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const thief = new HttpClient(srv.origin);
      expect((await thief.get(`/api/signin/status?flowId=${flow.flowId}`)).body.error).toBe('flow_invalid');

      const res = await alice.device.respond(push, 'approve', flow.number);
      expect(res).toEqual({ status: 200, body: { type: 'result', challengeId: flow.challengeId, outcome: 'approved' } });

      const stolen = await thief.get(`/api/signin/status?flowId=${flow.flowId}`);
      expect(stolen.status).toBe(400);
      expect(stolen.body.error).toBe('flow_invalid');
      expect(thief.hasCookie('pk_session')).toBe(false);
      // Another browser that started its own flow cannot read this one with its own flow cookie.
      const other = await startPasswordless(srv, bob.upn);
      expect((await flowStatus({ browser: other.browser, flowId: flow.flowId })).error).toBe('flow_invalid');
      await bob.device.respond(await bob.device.nextPush(), 'deny');

      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
      expect(flow.browser.hasCookie('pk_session')).toBe(true);
      const me = await flow.browser.get('/api/me');
      expect(me.body.user.upn).toBe(alice.upn);
      expect(me.body.session.methods).toEqual(['passwordless']);
    });

    it('hands the session out once: a repeated poll says signed_in without a new cookie', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number);
      const flowCookie = flow.browser.cookie('pk_flow')!;
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
      const session = flow.browser.cookie('pk_session');
      expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
      // The same browser polls again (its flow cookie was cleared; replay it by hand).
      const again = await fetch(`${srv.origin}/api/signin/status?flowId=${flow.flowId}`, { headers: { cookie: `pk_flow=${flowCookie}` } });
      expect(await again.json()).toEqual({ status: 'signed_in' });
      expect(again.headers.getSetCookie().filter((c) => c.startsWith('pk_session='))).toEqual([]);
      // A wrong flow secret is another browser.
      const wrong = await fetch(`${srv.origin}/api/signin/status?flowId=${flow.flowId}`, { headers: { cookie: `pk_flow=${'x'.repeat(43)}` } });
      expect(wrong.status).toBe(400);
      const entry = (await admin.get('/api/admin/signins')).body.entries.find((e: { id: string }) => e.id === flow.flowId);
      expect(entry).toMatchObject({ result: 'success', methods: ['passwordless'] });
    });

    it('creates one session when the starting browser polls many times at once after approval', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number);
      const cookie = `pk_flow=${flow.browser.cookie('pk_flow')}`;
      const polls = await Promise.all(Array.from({ length: 10 }, () => fetch(`${srv.origin}/api/signin/status?flowId=${flow.flowId}`, { headers: { cookie } })));
      const bodies = await Promise.all(polls.map((p) => p.json()));
      expect(bodies.every((b) => b.status === 'signed_in')).toBe(true);
      const sessions = polls.flatMap((p) => p.headers.getSetCookie().filter((c) => c.startsWith('pk_session=')));
      expect(sessions).toHaveLength(1);
    });

    it('wakes a browser that is long-polling as soon as the device approves', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const waiting = flow.browser.get(`/api/signin/status?flowId=${flow.flowId}&wait=1`);
      await new Promise((r) => setTimeout(r, 30));
      const t0 = Date.now();
      await alice.device.respond(push, 'approve', flow.number);
      expect((await waiting).body.status).toBe('signed_in');
      expect(Date.now() - t0).toBeLessThan(5000); // far below the 25 s long-poll timeout
    });

    it('lets exactly one of 50 parallel identical approvals win; the 49 others get challenge_consumed', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const body = await alice.device.buildResponse(await alice.device.nextPush(), 'approve', flow.number);
      const answers = await Promise.all(Array.from({ length: 50 }, () => postRaw(srv, body)));
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      const rest = answers.filter((a) => a.status !== 200);
      expect(rest).toHaveLength(49);
      for (const a of rest) expect(a).toMatchObject({ status: 409, body: { error: 'challenge_consumed' } });
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
    });

    it('refuses a replay of an approved response with challenge_consumed', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const body = await alice.device.buildResponse(await alice.device.nextPush(), 'approve', flow.number);
      expect((await postRaw(srv, body)).status).toBe(200);
      expect(await postRaw(srv, body)).toMatchObject({ status: 409, body: { error: 'challenge_consumed' } });
    });

    it('closes the prompt on the other devices of the user when one answers', async () => {
      const second = await enrollUser(srv, 'alice', { me: alice.me, deviceName: 'Second profile' });
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      // Only devices upgraded to passwordless get a passwordless push.
      expect(second.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
      await alice.device.respond(push, 'approve', flow.number);
      const mfa = await startPasswordThenPush(srv, alice.upn, alice.password);
      const [p1, p2] = [await alice.device.nextPush(), await second.device.nextPush()];
      expect(p1.challengeId).toBe(mfa.challengeId);
      expect(p2.challengeId).toBe(mfa.challengeId);
      await second.device.respond(p2, 'approve', mfa.number);
      expect(await alice.device.next((f) => f.type === 'cancel')).toEqual({ type: 'cancel', deviceId: alice.device.deviceId, challengeId: mfa.challengeId });
      expect(await flowStatus(mfa)).toEqual({ status: 'signed_in' });
      await second.me.del(`/api/me/devices/${second.device.deviceId}`);
      second.device.close();
    });
  });

  describe('the test notification (My Account: "Let\'s try it out")', () => {
    it('pushes a test request with a number to type, and My Account sees it approved', async () => {
      const t = await alice.me.post('/api/me/authenticator/test', { deviceId: alice.device.deviceId });
      expect(t.status).toBe(200);
      const push = await alice.device.nextPush();
      expect(push).toMatchObject({ kind: 'test', challengeId: t.body.challengeId });
      expect((await alice.me.get(`/api/me/challenges/${t.body.challengeId}`)).body.status).toBe('pending');
      expect((await alice.device.respond(push, 'approve', t.body.number)).body.outcome).toBe('approved');
      expect((await alice.me.get(`/api/me/challenges/${t.body.challengeId}`)).body).toEqual({ challengeId: t.body.challengeId, status: 'approved' });
      // Another user cannot read it, nor push to a device that is not theirs.
      expect((await bob.me.get(`/api/me/challenges/${t.body.challengeId}`)).body.error).toBe('not_found');
      expect((await bob.me.post('/api/me/authenticator/test', { deviceId: alice.device.deviceId })).body.error).toBe('no_device');
      expect(alice.device.pending().filter((f) => f.type === 'request')).toEqual([]);
    });
  });

  describe('wrong number, deny, report', () => {
    it('fails the request on a wrong number, and the browser sees number_mismatch', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const res = await alice.device.respond(push, 'approve', wrongNumber(flow.number));
      expect(res.status).toBe(422);
      expect(res.body.error).toBe('number_mismatch');
      expect(res.body.message).not.toContain(flow.number);
      expect(await flowStatus(flow)).toEqual({ status: 'number_mismatch' });
      // The right number afterwards is too late.
      expect((await alice.device.respond(push, 'approve', flow.number)).body.error).toBe('challenge_consumed');
      expect(flow.browser.hasCookie('pk_session')).toBe(false);
    });

    it('denies, and the browser sees denied', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const res = await alice.device.respond(await alice.device.nextPush(), 'deny');
      expect(res.body).toMatchObject({ outcome: 'denied' });
      expect(await flowStatus(flow)).toEqual({ status: 'denied' });
      const entry = (await admin.get('/api/admin/signins')).body.entries.find((e: { id: string }) => e.id === flow.flowId);
      expect(entry).toMatchObject({ result: 'failure', failureCode: 'denied' });
    });

    it("on report, cancels the user's other pending requests and raises an alert", async () => {
      const first = await startPasswordless(srv, alice.upn);
      const p1 = await alice.device.nextPush();
      const second = await startPasswordless(srv, alice.upn);
      const p2 = await alice.device.nextPush();
      const bobs = await startPasswordless(srv, bob.upn);
      const pb = await bob.device.nextPush();

      const res = await alice.device.respond(p2, 'report');
      expect(res.body).toMatchObject({ outcome: 'reported' });
      expect(await flowStatus(second)).toEqual({ status: 'reported' });
      expect(await flowStatus(first)).toEqual({ status: 'cancelled' });
      expect(await alice.device.next((f) => f.type === 'cancel' && f.challengeId === p1.challengeId)).toBeTruthy();
      expect((await alice.device.respond(p1, 'approve', first.number)).body.error).toBe('challenge_consumed');
      // Other users are untouched.
      expect(await flowStatus(bobs)).toEqual({ status: 'pending' });
      await bob.device.respond(pb, 'deny');

      const alerts = (await admin.get('/api/admin/alerts')).body.alerts as Array<{ kind: string; userId: string; detail: string }>;
      const aliceId = await userId(admin, alice.upn);
      expect(alerts.find((a) => a.kind === 'report' && a.userId === aliceId)?.detail).toContain('Reported as not me');
    });
  });

  describe('expiry', () => {
    it('accepts an approval 1 ms before expiresAt', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      clock.set(flow.expiresAt - 1);
      expect((await alice.device.respond(push, 'approve', flow.number)).body.outcome).toBe('approved');
      expect(await flowStatus(flow)).toEqual({ status: 'signed_in' });
    });

    it('rejects a response after the challenge expired (at exactly expiresAt)', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      clock.set(flow.expiresAt);
      const res = await alice.device.respond(push, 'approve', flow.number);
      expect(res).toMatchObject({ status: 410, body: { error: 'challenge_expired' } });
      expect(await flowStatus(flow)).toEqual({ status: 'expired' });
      clock.advance(1);
      expect((await alice.device.respond(push, 'deny')).body.error).toBe('challenge_expired');
      // An expired request is not handed out again on poll.
      const poll = await alice.device.command('poll');
      expect(poll.body.requests.map((r: { challengeId: string }) => r.challengeId)).not.toContain(flow.challengeId);
    });

    it('uses the policy request lifetime', async () => {
      await srv.setPolicy({ requestLifetimeSeconds: 30 });
      const flow = await startPasswordless(srv, alice.upn);
      expect(flow.expiresAt).toBe(clock.now() + 30_000);
      await alice.device.respond(await alice.device.nextPush(), 'deny');
    });
  });

  describe('responses that are not the device’s own', () => {
    it("refuses another user's device answering with its own key", async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const res = await bob.device.respond(push, 'approve', flow.number);
      expect(res.status).toBe(404);
      expect(res.body.error).toBe('challenge_unknown');
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
      await alice.device.respond(push, 'deny');
    });

    it("refuses another device's key claiming this deviceId", async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const forged = await bob.device.respond(push, 'approve', flow.number, { key: bob.device.keys.privateKey, deviceId: alice.device.deviceId });
      expect(forged).toMatchObject({ status: 401, body: { error: 'signature_invalid' } });
      const stranger = await generateDeviceKey();
      expect((await alice.device.respond(push, 'approve', flow.number, { key: stranger.privateKey })).body.error).toBe('signature_invalid');
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
      // The real device still can.
      expect((await alice.device.respond(push, 'approve', flow.number)).body.outcome).toBe('approved');
    });

    it('refuses a signed response whose fields were changed in transit, whatever the change', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const honest = await alice.device.buildResponse(push, 'approve', flow.number);
      const fields = ['number', 'decision', 'clientVersion', 'signature'] as const;
      const b64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...fields), fc.nat(), fc.nat(), async (field, at, pick) => {
          const value = honest[field];
          const i = at % value.length;
          const alphabet = field === 'signature' ? b64 : field === 'decision' ? 'abcdefghijklmnopqrstuvwxyz' : '0123456789';
          const ch = alphabet[pick % alphabet.length]!;
          fc.pre(ch !== value[i]);
          let changed = value.slice(0, i) + ch + value.slice(i + 1);
          if (field === 'decision') changed = changed === 'deny' || changed === 'report' ? changed : 'deny';
          if (changed === value) return;
          const body = { ...honest, [field]: changed, ...(field === 'decision' ? { number: '' } : {}) };
          const res = await postRaw(srv, body);
          expect(res.status).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
          expect(['signature_invalid', 'bad_request']).toContain(res.body.error);
        }),
        { numRuns: 60 },
      );
      expect(await flowStatus(flow)).toEqual({ status: 'pending' });
      expect((await postRaw(srv, honest)).body.outcome).toBe('approved');
    });

    it('refuses a revoked device with device_revoked', async () => {
      const dave = await enrollUser(srv, 'dave');
      const mfa = await startPasswordThenPush(srv, dave.upn, dave.password);
      const push = await dave.device.nextPush();
      await dave.me.del(`/api/me/devices/${dave.device.deviceId}`);
      const res = await dave.device.respond(push, 'approve', mfa.number);
      expect(res).toMatchObject({ status: 403, body: { error: 'device_revoked' } });
      expect(await flowStatus(mfa)).toEqual({ status: 'pending' });
      dave.device.close();
    });
  });

  describe('client versions', () => {
    // The soft device enrolled as 1.0.0; the policy is raised after the push, as an admin may do.
    it('refuses a client below minClientVersion with client_update_required, and the browser sees update_required', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await srv.setPolicy({ minClientVersion: '2.0.0' });
      const res = await alice.device.respond(push, 'approve', flow.number, { clientVersion: '1.9.9' });
      expect(res.status).toBe(426);
      expect(res.body).toMatchObject({ error: 'client_update_required', details: { minClientVersion: '2.0.0' } });
      expect(await flowStatus(flow)).toEqual({ status: 'update_required' });
      expect(flow.browser.hasCookie('pk_session')).toBe(false);
    });

    it('refuses before pushing when the device on record is below minClientVersion, naming both versions', async () => {
      expect((await alice.device.command('poll', { clientVersion: '1.9.9' })).status).toBe(200);
      await srv.setPolicy({ minClientVersion: '2.0.0' });
      const s = await startSignIn(srv, alice.upn);
      const res = await s.browser.post('/api/signin/passwordless', { flowId: s.flowId });
      expect(res.status).toBe(426);
      expect(res.body).toMatchObject({ error: 'client_update_required', details: { minClientVersion: '2.0.0', clientVersion: '1.9.9' } });
      expect(res.body.message).toContain('1.9.9');
      expect(res.body.message).toContain('2.0.0');
      // Nothing reached the device: the person is never asked for a number that cannot succeed.
      await expect(alice.device.nextPush(200)).rejects.toThrow();
    });

    it('pushes again once the updated device says its version in a poll', async () => {
      await srv.setPolicy({ minClientVersion: '2.0.0' });
      const poll = await alice.device.command('poll', { clientVersion: '2.0.0' });
      expect(poll.status, JSON.stringify(poll.body)).toBe(200);
      const flow = await startPasswordless(srv, alice.upn);
      const res = await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number, { clientVersion: '2.0.0' });
      expect(res.body.outcome).toBe('approved');
    });

    it('accepts a client exactly at minClientVersion', async () => {
      await srv.setPolicy({ minClientVersion: '2.0.0' });
      const flow = await startPasswordless(srv, alice.upn);
      const res = await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number, { clientVersion: '2.0.0' });
      expect(res.body.outcome).toBe('approved');
    });

    it('honours a report from a client below minClientVersion: reported, other requests cancelled, alert raised', async () => {
      const other = await startPasswordless(srv, alice.upn);
      await alice.device.nextPush();
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await srv.setPolicy({ minClientVersion: '3.0.0' });
      const res = await alice.device.respond(push, 'report', '', { clientVersion: '1.0.0', capabilities: ['report'] });
      expect(res.body).toMatchObject({ outcome: 'reported' });
      expect(await flowStatus(flow)).toEqual({ status: 'reported' });
      expect(await flowStatus(other)).toEqual({ status: 'cancelled' });
      // The old client's answer is on record now; the current one says so again.
      expect((await alice.device.command('poll', { clientVersion: '1.0.0', capabilities: ['number_match', 'passwordless', 'report'] })).status).toBe(200);
    });

    it('honours a deny from a client below minClientVersion', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await srv.setPolicy({ minClientVersion: '3.0.0' });
      expect((await alice.device.respond(push, 'deny', '', { clientVersion: '1.0.0' })).body.outcome).toBe('denied');
      expect(await flowStatus(flow)).toEqual({ status: 'denied' });
    });

    it('refuses before pushing to a device on record without number matching', async () => {
      expect((await alice.device.command('poll', { clientVersion: '2.0.0', capabilities: ['passwordless'] })).status).toBe(200);
      const s = await startSignIn(srv, alice.upn);
      const res = await s.browser.post('/api/signin/passwordless', { flowId: s.flowId });
      expect(res.body).toMatchObject({ error: 'client_update_required', message: expect.stringContaining('cannot match numbers') });
      expect((await alice.device.command('poll', { capabilities: ['number_match', 'passwordless', 'report'] })).status).toBe(200);
    });

    it('refuses a client that does not announce number_match', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      const res = await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number, { capabilities: ['passwordless'] });
      expect(res.body.error).toBe('client_update_required');
      expect(await flowStatus(flow)).toEqual({ status: 'update_required' });
    });
  });
});
