// A sign-in's protocol timeline, read after real sign-ins with the software device: every step
// in the order it happened, each signed message decoded and verified again with the real keys,
// a stored message edited by hand shown invalid, no secret in it, and the same correlation id
// in the push, the timeline and the server's JSON log lines.
import Database from 'better-sqlite3';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInTimeline } from '../../protocol/http/timeline.ts';
import { enrollUser, startPasswordless, startPasswordThenPush, startSignIn, upgradeToPasswordless, userId, wrongNumber, type EnrolledUser } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

describe('protocol timeline', () => {
  const lines: string[] = [];
  let srv: TestServer;
  let admin: HttpClient;
  let alice: EnrolledUser;

  beforeAll(async () => {
    const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(s) });
    // 8-digit numbers, so that a leaked number cannot hide among ordinary digits.
    srv = await startServer({ clock: new ManualClock(), log, policy: { numberLength: 8 } });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
  });
  afterAll(async () => srv?.close());

  const timeline = async (id: string): Promise<SignInTimeline> => {
    const r = await admin.get(`/api/admin/signins/${id}/timeline`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body as SignInTimeline;
  };
  const logLines = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

  it('shows a passwordless sign-in step by step, every signature valid, with the correlation id of its push and log lines', async () => {
    const flow = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    // The signed push names the sign-in: the extension shows this id.
    expect(push.correlationId).toBe(flow.flowId);
    expect((await alice.device.respond(push, 'approve', flow.number)).body).toMatchObject({ outcome: 'approved' });
    expect((await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`)).body).toEqual({ status: 'signed_in' });

    const t = await timeline(flow.flowId);
    expect(t.correlationId).toBe(flow.flowId);
    expect(t.result).toBe('success');
    expect(t.steps.map((s) => s.step)).toEqual(['start', 'challenge', 'push', 'delivery', 'answer', 'number', 'session']);
    const [, challenge, sealed, delivery, answer, number, session] = t.steps;
    expect(challenge!.fields).toMatchObject({ challengeId: flow.challengeId, kind: 'passwordless', number: flow.number, status: 'approved' });
    // The push as sealed: its fields decoded from the very text signed, checked with the server key.
    expect(sealed!.signature).toEqual({ signer: 'server', publicKey: srv.deps.serverKey.publicKey, status: 'valid' });
    expect(sealed!.fields).toMatchObject({ version: 2, challengeId: flow.challengeId, correlationId: flow.flowId, kind: 'passwordless', deviceId: alice.device.deviceId });
    expect(sealed!.signedText!.split('\n').slice(0, 2)).toEqual(['pushkey-v2/push', srv.origin]);
    expect(delivery).toMatchObject({ via: 'channel', device: { id: alice.device.deviceId }, title: 'Push sent on the device channel' });
    // The answer as received, checked with the device's key over the bytes rebuilt from the stored request.
    expect(answer!.signature).toEqual({ signer: 'device', publicKey: alice.device.publicKey, status: 'valid' });
    expect(answer!.fields).toMatchObject({ decision: 'approve', number: flow.number, deviceId: alice.device.deviceId });
    expect(answer!.signedText!.split('\n')[0]).toBe('pushkey-v1/respond');
    expect(number).toMatchObject({ result: 'success', fields: { shown: flow.number, typed: flow.number, match: true } });
    expect(session).toMatchObject({ result: 'success', fields: { methods: ['passwordless'] } });
    // In the order they happened.
    expect(t.steps.map((s) => s.at)).toEqual([...t.steps.map((s) => s.at)].sort((a, b) => a - b));

    // Nothing a reader could use: no session or flow cookie value.
    const text = JSON.stringify(t);
    for (const name of ['pk_session', 'pk_flow']) {
      const value = flow.browser.cookie(name);
      if (value) expect(text).not.toContain(value);
    }

    // The server's JSON log lines of this sign-in's requests, the browser's and the device's, carry the same id.
    const correlated = logLines().filter((l) => l.correlationId === flow.flowId);
    expect(correlated.map((l) => l.path ?? l.msg)).toEqual(
      expect.arrayContaining(['/api/signin/start', '/api/signin/passwordless', 'push delivered', '/api/device/respond', '/api/signin/status']),
    );
    expect(correlated.find((l) => l.msg === 'push delivered')).toMatchObject({ challengeId: flow.challengeId, deviceId: alice.device.deviceId, via: 'channel' });
  });

  it('hides the number while the request is open, and shows it once it ended', async () => {
    const flow = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    const open = await timeline(flow.flowId);
    expect(open.result).toBe('in_progress');
    expect(JSON.stringify(open)).not.toContain(flow.number);
    expect(open.steps.map((s) => s.step)).toEqual(['start', 'challenge', 'push', 'delivery']);
    expect(open.steps[1]!.fields).toMatchObject({ number: '(hidden until the request ends)', status: 'pending' });

    await alice.device.respond(push, 'deny');
  });

  it('shows a wrong number compared and the sign-in failed, the answer still validly signed', async () => {
    const flow = await startPasswordThenPush(srv, alice.upn, alice.password);
    const typed = wrongNumber(flow.number);
    expect((await alice.device.respond(await alice.device.nextPush(), 'approve', typed)).body).toMatchObject({ error: 'number_mismatch' });
    const t = await timeline(flow.flowId);
    expect(t.steps.map((s) => s.step)).toEqual(['start', 'step', 'challenge', 'push', 'delivery', 'answer', 'number', 'end']);
    expect(t.steps[1]).toMatchObject({ title: 'password: password verified', result: 'success' });
    expect(t.steps.find((s) => s.step === 'answer')!.signature!.status).toBe('valid');
    expect(t.steps.find((s) => s.step === 'number')).toMatchObject({ result: 'failure', fields: { shown: flow.number, typed, match: false } });
    expect(t.steps.at(-1)).toMatchObject({ step: 'end', result: 'failure', fields: { failureCode: 'number_mismatch' } });
  });

  it('shows a push fetched by the signed poll, signed afresh and checked like the first', async () => {
    const bob = await enrollUser(srv, 'bob', { connect: false });
    await upgradeToPasswordless(bob);
    const flow = await startPasswordless(srv, bob.upn);
    const polled = await bob.device.command('poll');
    const [request] = polled.body.requests;
    const push = await bob.device.open(request);
    expect(push.correlationId).toBe(flow.flowId);
    await bob.device.respond(push, 'approve', flow.number);
    await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`);
    const t = await timeline(flow.flowId);
    expect(t.steps.map((s) => s.step)).toEqual(['start', 'challenge', 'push', 'delivery', 'answer', 'number', 'session']);
    const delivery = t.steps[3]!;
    expect(delivery).toMatchObject({ via: 'poll', wire: JSON.stringify(request), signature: { status: 'valid' } });
    expect(logLines().find((l) => l.correlationId === flow.flowId && l.msg === 'push delivered')).toMatchObject({ via: 'poll' });
  });

  it('shows a stored push or answer edited since as signature invalid', async () => {
    const flow = await startPasswordless(srv, alice.upn);
    await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number);
    await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`);
    const db = new Database(path.join(srv.dir, 'pushkey.db'));
    try {
      // Someone with the database rewrites what the push said, and the number the device typed.
      const edit = db.prepare('UPDATE protocol_events SET payload = replace(payload, ?, ?) WHERE flow_id = ? AND kind = ?');
      expect(edit.run('\\"kind\\":\\"passwordless\\"', '\\"kind\\":\\"mfa\\"', flow.flowId, 'push').changes).toBe(1);
      expect(edit.run(`"number":"${flow.number}"`, `"number":"${wrongNumber(flow.number)}"`, flow.flowId, 'answer').changes).toBe(1);
    } finally {
      db.close();
    }
    const t = await timeline(flow.flowId);
    const sealed = t.steps.find((s) => s.step === 'push')!;
    expect(sealed.fields).toMatchObject({ kind: 'mfa' });
    expect(sealed.signature!.status).toBe('invalid');
    expect(t.steps.find((s) => s.step === 'answer')!.signature!.status).toBe('invalid');
  });

  it('holds no pass in the timeline of a sign-in with a Temporary Access Pass', async () => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const tap = await helpdesk.post(`/api/admin/users/${await userId(helpdesk, srv.users.carol!.upn)}/tap`, {});
    const s = await startSignIn(srv, srv.users.carol!.upn);
    const done = await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass: tap.body.pass });
    expect(done.body.status).toBe('signed_in');
    const t = await timeline(s.flowId);
    expect(t.steps.map((x) => x.step)).toEqual(['start', 'step', 'session']);
    const text = JSON.stringify(t);
    expect(text).not.toContain(tap.body.pass);
    expect(text).not.toContain(s.browser.cookie('pk_session')!);
  });

  it('answers not_found for a sign-in that does not exist, and only to the log readers', async () => {
    expect((await admin.get('/api/admin/signins/AAAAAAAAAAAAAAAAAAAAAA/timeline')).status).toBe(404);
    const flow = await startPasswordless(srv, alice.upn);
    expect((await alice.me.get(`/api/admin/signins/${flow.flowId}/timeline`)).status).toBe(403);
    await alice.device.respond(await alice.device.nextPush(), 'deny');
  });

  describe("a person's own timeline (My Account)", () => {
    it('gives the signed-in user the timeline of their own sign-in, step by step, as the admin portal shows it', async () => {
      const flow = await startPasswordless(srv, alice.upn);
      await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number);
      expect((await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`)).body).toEqual({ status: 'signed_in' });

      const own = await alice.me.get(`/api/me/signins/${flow.flowId}/timeline`);
      expect(own.status, JSON.stringify(own.body)).toBe(200);
      const t = own.body as SignInTimeline;
      expect(t).toMatchObject({ correlationId: flow.flowId, upn: alice.upn, result: 'success' });
      expect(t.steps.map((s) => s.step)).toEqual(['start', 'challenge', 'push', 'delivery', 'answer', 'number', 'session']);
      expect(t.steps.filter((s) => s.signature).map((s) => [s.signature!.signer, s.signature!.status])).toEqual([
        ['server', 'valid'],
        ['device', 'valid'],
      ]);
      // The very answer the admin portal reads.
      expect(t).toEqual(await timeline(flow.flowId));
      // Neither the session the sign-in issued nor the one reading it.
      const text = JSON.stringify(t);
      for (const value of [flow.browser.cookie('pk_session'), flow.browser.cookie('pk_flow'), alice.me.cookie('pk_session')]) if (value) expect(text).not.toContain(value);
    });

    it("answers another user's sign-in exactly as one that does not exist", async () => {
      const flow = await startPasswordless(srv, alice.upn);
      await alice.device.respond(await alice.device.nextPush(), 'approve', flow.number);
      await flow.browser.get(`/api/signin/status?flowId=${flow.flowId}`);
      const carol = await signIn(srv.origin, srv.users.carol!.upn, srv.users.carol!.password);
      const theirs = await carol.get(`/api/me/signins/${flow.flowId}/timeline`);
      const none = await carol.get('/api/me/signins/AAAAAAAAAAAAAAAAAAAAAA/timeline');
      expect(theirs.status).toBe(404);
      expect(theirs.body).toEqual(none.body);
      expect(JSON.stringify(theirs.body)).not.toContain(alice.upn);
      // And nobody's without a session.
      expect((await fetch(`${srv.origin}/api/me/signins/${flow.flowId}/timeline`)).status).toBe(401);
    });

    it('holds neither the pass nor a number still open in the timeline a person reads', async () => {
      const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
      const tap = await helpdesk.post(`/api/admin/users/${await userId(helpdesk, srv.users.carol!.upn)}/tap`, {});
      const s = await startSignIn(srv, srv.users.carol!.upn);
      expect((await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass: tap.body.pass })).body.status).toBe('signed_in');
      const withPass = await s.browser.get(`/api/me/signins/${s.flowId}/timeline`);
      expect(withPass.status).toBe(200);
      expect(JSON.stringify(withPass.body)).not.toContain(tap.body.pass);
      expect(JSON.stringify(withPass.body)).not.toContain(s.browser.cookie('pk_session')!);

      // While the request is open the person sees it, without its number.
      const open = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      const pending = await alice.me.get(`/api/me/signins/${open.flowId}/timeline`);
      expect(pending.status).toBe(200);
      expect(pending.body.result).toBe('in_progress');
      expect(JSON.stringify(pending.body)).not.toContain(open.number);
      await alice.device.respond(push, 'deny');
    });
  });
});
