// Alerts an admin can act on, each rule at and past its threshold with the injected clock;
// the push throttle; the webhook; retention.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../server/domain/types.ts';
import { webhookSink } from '../../server/transport/alerts/webhook.ts';
import { enrollUser, flowStatus, startPasswordThenPush, type EnrolledUser } from '../support/flows.ts';
import { signIn, startServer, type HttpClient, type ManualClock, type TestServer } from '../support/server.ts';

const MIN = 60_000;

describe('alerts and the push throttle', () => {
  let srv: TestServer;
  let admin: HttpClient;
  let bob: EnrolledUser;
  let hook: Server;
  const received: Array<{ type: string; alert: Alert & { upn: string } }> = [];
  const clock = () => srv.clock as ManualClock;
  const alerts = async (kind?: string) => ((await admin.get(`/api/admin/alerts${kind ? `?kind=${kind}` : ''}`)).body.alerts as Alert[]);
  const push = () => startPasswordThenPush(srv, bob.upn, bob.password);

  beforeAll(async () => {
    // A real HTTP receiver for the webhook.
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(JSON.parse(body));
        res.end();
      });
    });
    await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
    srv = await startServer({
      limits: { sessionIdleMs: 1e12, sessionAbsoluteMs: 1e12 },
      alertSink: webhookSink(url, pino({ level: 'silent' })),
      monitoring: { fatigueCount: 3, fatigueWindowMinutes: 10, throttleOutstanding: 2, throttlePerWindow: 6, throttleWindowMinutes: 10, reportPauseMinutes: 60 },
    });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    bob = await enrollUser(srv, 'bob');
  });
  afterAll(async () => {
    await srv?.close();
    await new Promise<void>((r) => hook.close(() => r()));
  });
  // Each test starts a quiet hour later, past every window.
  beforeEach(() => clock().advance(60 * MIN));

  it('raises push fatigue at the 3rd denial within 10 minutes, not before, and once per burst', async () => {
    for (let i = 1; i <= 4; i++) {
      const p = await push();
      await bob.device.respond(await bob.device.nextPush(), 'deny');
      expect((await flowStatus(p)).status).toBe('denied');
      const fatigue = (await alerts('push_fatigue')).filter((a) => a.at > clock().now() - 10 * MIN);
      expect(fatigue, `after denial ${i}`).toHaveLength(i >= 3 ? 1 : 0);
      clock().advance(MIN);
    }
  });

  it('does not count denials older than the window', async () => {
    for (let i = 0; i < 2; i++) {
      await push();
      await bob.device.respond(await bob.device.nextPush(), 'deny');
    }
    clock().advance(10 * MIN); // the two denials are now exactly at the window's edge, and out
    clock().advance(1);
    await push();
    await bob.device.respond(await bob.device.nextPush(), 'deny');
    expect((await alerts('push_fatigue')).filter((a) => a.at > clock().now() - 10 * MIN)).toHaveLength(0);
  });

  it('counts requests that expired unanswered', async () => {
    const before = (await alerts('push_fatigue')).length;
    for (let i = 0; i < 3; i++) {
      const p = await push();
      await bob.device.nextPush();
      clock().set(p.expiresAt);
      expect((await flowStatus(p)).status).toBe('expired');
    }
    expect((await alerts('push_fatigue')).length).toBe(before + 1);
    expect((await alerts('push_fatigue'))[0]!.detail).toMatch(/3 sign-in requests denied or unanswered within 10 minutes/);
  });

  it('throttles a third outstanding request and logs the block once', async () => {
    await push();
    await push();
    const s = await (await import('../support/flows.ts')).startSignIn(srv, bob.upn);
    const third = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: bob.password });
    expect(third.status).toBe(429);
    expect(third.body.error).toBe('rate_limited');
    const log = (await admin.get(`/api/admin/signins/${s.flowId}`)).body;
    expect(log).toMatchObject({ result: 'failure', failureCode: 'rate_limited', reason: 'Blocked by the push throttle' });
    const fourth = await (await import('../support/flows.ts')).startSignIn(srv, bob.upn);
    expect((await fourth.browser.post('/api/signin/password', { flowId: fourth.flowId, password: bob.password })).status).toBe(429);
    expect((await alerts('push_throttled')).filter((a) => a.at > clock().now() - 10 * MIN)).toHaveLength(1);
    // Answering frees a slot.
    await bob.device.respond(await bob.device.nextPush(), 'deny');
    expect((await push()).challengeId).toBeTruthy();
    while (bob.device.pending().some((f) => f.type === 'request')) await bob.device.nextPush();
  });

  it('throttles the 7th request in a 10-minute window and lets it through once the window moves on', async () => {
    for (let i = 0; i < 6; i++) {
      const p = await push();
      await bob.device.respond(await bob.device.nextPush(), 'approve', p.number);
    }
    const s = await (await import('../support/flows.ts')).startSignIn(srv, bob.upn);
    expect((await s.browser.post('/api/signin/password', { flowId: s.flowId, password: bob.password })).status).toBe(429);
    clock().advance(10 * MIN); // the first of the six is now exactly a window old: out
    const p = await push();
    await bob.device.respond(await bob.device.nextPush(), 'approve', p.number);
  });

  it('throttles test notifications from My Account like sign-in pushes: 30 asked for, 2 delivered', async () => {
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await bob.me.post('/api/me/authenticator/test', {}));
    const sent = answers.filter((a) => a.status === 200);
    // Two outstanding at once, the policy's limit; every other one is refused, none delivered.
    expect(sent).toHaveLength(2);
    expect(answers.filter((a) => a.status === 429 && a.body.error === 'rate_limited')).toHaveLength(28);
    for (const t of sent) expect((await bob.device.nextPush()).challengeId).toBe(t.body.challengeId);
    expect(bob.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
    expect((await alerts('push_throttled')).filter((a) => a.at > clock().now() - 10 * MIN)).toHaveLength(1);
    for (const t of sent) await bob.me.del(`/api/me/authenticator/test/${t.body.challengeId}`);
  });

  it('raises an alert for "No, it\'s not me" and for a TAP issued, and sends each to the webhook', async () => {
    await push();
    await bob.device.respond(await bob.device.nextPush(), 'report');
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const carol = (await admin.get('/api/admin/users?q=carol')).body.users[0];
    await helpdesk.post(`/api/admin/users/${carol.id}/tap`, {});
    expect((await alerts('report'))[0]!.detail).toMatch(/Reported as not me/);
    expect((await alerts('tap_issued'))[0]!.detail).toMatch(/issued by helpdesk@pushkey.test/);
    await expect.poll(() => received.map((r) => r.alert.kind)).toEqual(expect.arrayContaining(['report', 'tap_issued']));
    const tap = received.find((r) => r.alert.kind === 'tap_issued')!;
    expect(tap).toMatchObject({ type: 'pushkey.alert', alert: { upn: carol.upn } });
    expect(JSON.stringify(received)).not.toMatch(/"pass"/);
  });

  it('after "No, it\'s not me", pauses pushes to the user for the policy\'s hour, tells the user, and marks them at risk until an admin clears it', async () => {
    const bobId = (await admin.get('/api/admin/users?q=bob')).body.users[0].id as string;
    const global = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    await global.patch(`/api/admin/users/${bobId}`, { clearRisk: true }); // the report above marked him already
    await push();
    await bob.device.respond(await bob.device.nextPush(), 'report');
    const reportedAt = clock().now();
    // Whoever has the password tries again at once: refused before any push is made.
    const again = await (await import('../support/flows.ts')).startSignIn(srv, bob.upn);
    const refused = await again.browser.post('/api/signin/password', { flowId: again.flowId, password: bob.password });
    expect(refused).toMatchObject({ status: 429, body: { error: 'push_paused' } });
    expect(bob.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
    expect((await admin.get(`/api/admin/signins/${again.flowId}`)).body).toMatchObject({ result: 'failure', failureCode: 'push_paused' });
    const [notice] = await srv.repo.listOutbox({ channel: 'email', to: bob.upn, limit: 1 });
    expect(notice!.text).toMatch(/^You reported a sign-in request as not yours .* paused for 60 minutes/);
    const marked = (await admin.get(`/api/admin/users/${bobId}`)).body;
    expect(marked).toMatchObject({ pushPausedUntil: reportedAt + 60 * MIN, risk: { since: reportedAt, detail: expect.stringMatching(/^Reported as not me/) } });
    // At the last millisecond of the pause, still paused; at its end, pushes flow again.
    clock().advance(60 * MIN - 1);
    const last = await (await import('../support/flows.ts')).startSignIn(srv, bob.upn);
    expect((await last.browser.post('/api/signin/password', { flowId: last.flowId, password: bob.password })).body.error).toBe('push_paused');
    clock().advance(1);
    const p = await push();
    await bob.device.respond(await bob.device.nextPush(), 'approve', p.number);
    // The mark stays until an admin clears it; clearing is audited.
    expect((await admin.get(`/api/admin/users/${bobId}`)).body.risk).not.toBeNull();
    expect((await global.patch(`/api/admin/users/${bobId}`, { clearRisk: true })).body).toMatchObject({ risk: null, pushPausedUntil: 0 });
    const [cleared] = await srv.repo.listAudit({ targetId: bobId, action: 'user.updated', limit: 1 });
    expect(cleared).toMatchObject({ before: { risk: { since: reportedAt } }, after: { risk: null } });
  });

  it('while pushes are paused, a second factor the user holds stands in after the password, and the page is told why', async () => {
    const bobId = (await admin.get('/api/admin/users?q=bob')).body.users[0].id as string;
    const global = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const phone = '+15551230077';
    const add = await bob.me.post('/api/me/phone', { number: phone });
    const code = async () => /\b(\d{6})\b/.exec((await srv.repo.listOutbox({ channel: 'sms', to: phone, limit: 1 }))[0]!.text)![1]!;
    expect((await bob.me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: await code() })).status).toBe(200);
    try {
      await push();
      await bob.device.respond(await bob.device.nextPush(), 'report');
      const { startSignIn } = await import('../support/flows.ts');
      const s = await startSignIn(srv, bob.upn);
      const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: bob.password });
      expect(pw).toMatchObject({ status: 200, body: { status: 'second_factor', methods: ['sms'], pushRefused: { error: 'push_paused', message: expect.stringContaining('paused until') } } });
      expect(bob.device.pending().filter((f) => f.type === 'request')).toHaveLength(0);
      const sent = await s.browser.post('/api/signin/sms/send', { flowId: s.flowId });
      expect(sent.status).toBe(200);
      expect((await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code: await code() })).body).toEqual({ status: 'signed_in' });
      expect((await admin.get(`/api/admin/signins/${s.flowId}`)).body).toMatchObject({ result: 'success', methods: ['password', 'sms'] });
    } finally {
      await bob.me.del('/api/me/phone');
      await global.patch(`/api/admin/users/${bobId}`, { clearRisk: true });
    }
  });

  it('lets an admin lift the pause at once by clearing the risk', async () => {
    const bobId = (await admin.get('/api/admin/users?q=bob')).body.users[0].id as string;
    await push();
    await bob.device.respond(await bob.device.nextPush(), 'report');
    const global = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    expect((await global.patch(`/api/admin/users/${bobId}`, { clearRisk: true })).status).toBe(200);
    const p = await push();
    await bob.device.respond(await bob.device.nextPush(), 'approve', p.number);
  });

  it('raises an alert for a sign-in from a new IP address, not for the first sign-in ever', async () => {
    const srv2 = await startServer({ app: { trustProxy: 1 } });
    try {
      const { upn, password } = srv2.users.carol!;
      const admin2 = await signIn(srv2.origin, srv2.users.admin!.upn, srv2.users.admin!.password);
      await signIn(srv2.origin, upn, password); // first ever: from 127.0.0.1
      await signIn(srv2.origin, upn, password); // same place again
      expect(((await admin2.get('/api/admin/alerts?kind=new_location')).body.alerts as Alert[]).filter((a) => a.detail.includes('carol'))).toHaveLength(0);
      const { HttpClient } = await import('../support/server.ts');
      const b = new HttpClient(srv2.origin);
      b.headers['x-forwarded-for'] = '198.51.100.7';
      const start = await b.post('/api/signin/start', { username: upn });
      expect((await b.post('/api/signin/password', { flowId: start.body.flowId, password })).body.status).toBe('signed_in');
      const found = (await admin2.get('/api/admin/alerts?kind=new_location')).body.alerts as Alert[];
      expect(found).toHaveLength(1);
      expect(found[0]!.detail).toBe('Sign-in from a new IP address 198.51.100.7');
    } finally {
      await srv2.close();
    }
  });
});

describe('retention', () => {
  let srv: TestServer;
  afterEach(async () => srv?.close());

  it('purges log entries older than the retention setting and keeps those at the limit', async () => {
    srv = await startServer({ monitoring: { retentionDays: 30 }, limits: { sessionIdleMs: 1e12, sessionAbsoluteMs: 1e12 } });
    const admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const clock = srv.clock as ManualClock;
    await signIn(srv.origin, srv.users.carol!.upn, srv.users.carol!.password); // entries at t0
    const t0 = clock.now();
    clock.advance(30 * 86_400_000); // exactly 30 days: kept
    let counts = (await admin.post('/api/admin/purge')).body;
    expect(counts.signIns).toBe(0);
    clock.advance(1); // past: purged
    counts = (await (await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password)).post('/api/admin/purge')).body;
    expect(counts.signIns).toBeGreaterThanOrEqual(2);
    expect(counts.audit).toBeGreaterThan(0); // the seed's user.created entries
    const admin2 = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const left = (await admin2.get('/api/admin/signins')).body.entries as Array<{ at: number }>;
    expect(left.every((e) => e.at > t0)).toBe(true);
    // Each purge is audited.
    expect((await admin2.get('/api/admin/audit?action=logs.purged')).body.entries).toHaveLength(2);
  });

  it('lets only a global admin purge, and only a policy admin change the setting', async () => {
    srv = await startServer();
    const policy = await signIn(srv.origin, srv.users.policy!.upn, srv.users.policy!.password);
    expect((await policy.post('/api/admin/purge')).status).toBe(403);
    const current = (await policy.get('/api/admin/policies/monitoring')).body;
    expect((await policy.put('/api/admin/policies/monitoring', { ...current, retentionDays: 90 })).body.retentionDays).toBe(90);
    expect((await policy.put('/api/admin/policies/monitoring', { ...current, retentionDays: 0 })).body.error).toBe('bad_request');
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    expect((await helpdesk.put('/api/admin/policies/monitoring', current)).status).toBe(403);
  });
});
