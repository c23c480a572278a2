// The sign-in log: every field filled for each kind of attempt; filters; export.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignInChartData, SignInEntry, SignInPoint } from '../../server/domain/types.ts';
import { rangesLocator } from '../../server/geo/locator.ts';
import { sweepExpiredRequests } from '../../server/domain/signin/signin.ts';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { enrollUser, flowStatus, startPasswordless, startPasswordThenPush, startSignIn, upgradeToPasswordless, wrongNumber, type EnrolledUser } from '../support/flows.ts';
import { signIn, startServer, type HttpClient, type ManualClock, type TestServer } from '../support/server.ts';

describe('sign-in log', () => {
  let srv: TestServer;
  let admin: HttpClient;
  let alice: EnrolledUser;
  let bob: EnrolledUser;
  const clock = () => srv.clock as ManualClock;
  const entry = async (flowId: string) => (await admin.get(`/api/admin/signins/${flowId}`)).body as SignInEntry;

  beforeAll(async () => {
    srv = await startServer({ locate: rangesLocator([{ net: '203.0.113.0', prefix: 24, label: 'Lisbon, Portugal' }]), app: { trustProxy: 1 } });
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    bob = await enrollUser(srv, 'bob');
  });
  afterAll(async () => srv?.close());

  /** Every entry carries who, from where, with what, when. */
  function expectContext(e: SignInEntry, upn: string) {
    expect(e).toMatchObject({ upn, app: 'pushkey My Account', ip: '127.0.0.1', location: 'This computer (loopback)', browser: 'Chrome 156', os: 'Linux' });
    expect(e.userId).toBeTruthy();
    expect(e.at).toBeGreaterThan(0);
    for (const s of e.steps) expect(s.durationMs).toBeGreaterThanOrEqual(0);
  }

  it('logs a passwordless sign-in without the app lock as one factor, with the number matched and the request id', async () => {
    const p = await startPasswordless(srv, alice.upn);
    const push = await alice.device.nextPush();
    clock().advance(4_000);
    await alice.device.respond(push, 'approve', p.number);
    expect((await flowStatus(p)).status).toBe('signed_in');
    const e = await entry(p.flowId);
    expectContext(e, alice.upn);
    expect(e).toMatchObject({ id: p.flowId, result: 'success', failureCode: null, reason: null, requirement: 'single', methods: ['passwordless'] });
    expect(e.steps.map((s) => [s.method, s.detail, s.result])).toEqual([
      ['passwordless', 'request sent', 'pending'],
      ['passwordless', 'number matched', 'success'],
    ]);
    expect(e.steps[1]).toMatchObject({ challengeId: push.challengeId, durationMs: 4_000 });
  });

  it('logs a push MFA after a password as password + authenticator', async () => {
    const p = await startPasswordThenPush(srv, bob.upn, bob.password);
    await bob.device.respond(await bob.device.nextPush(), 'approve', p.number);
    expect((await flowStatus(p)).status).toBe('signed_in');
    const e = await entry(p.flowId);
    expectContext(e, bob.upn);
    expect(e).toMatchObject({ result: 'success', requirement: 'multifactor', methods: ['password', 'authenticator'] });
    expect(e.steps.map((s) => s.detail)).toEqual(['password verified', 'request sent', 'number matched']);
  });

  it('logs a password-only sign-in as single factor', async () => {
    const e = await entry((await signInFlow('carol', srv.users.carol!.password)).flowId);
    expect(e).toMatchObject({ result: 'success', requirement: 'single', methods: ['password'] });
  });

  async function signInFlow(name: string, password: string) {
    const s = await startSignIn(srv, srv.users[name]!.upn);
    await s.browser.post('/api/signin/password', { flowId: s.flowId, password });
    return s;
  }

  it('logs a wrong password with its code and reason', async () => {
    const s = await signInFlow('dave', 'not-the-password');
    expect(await entry(s.flowId)).toMatchObject({ result: 'failure', failureCode: 'invalid_credentials', reason: 'Wrong password, or no such user', requirement: 'none' });
  });

  it('logs a wrong number, a denial, a report and an expiry with the step that failed', async () => {
    const cases: Array<[string, (p: Awaited<ReturnType<typeof startPasswordless>>) => Promise<void>, string]> = [
      ['number_mismatch', async (p) => void (await alice.device.respond(await alice.device.nextPush(), 'approve', wrongNumber(p.number))), 'wrong number'],
      ['denied', async () => void (await alice.device.respond(await alice.device.nextPush(), 'deny')), 'denied in the app'],
      ['reported', async () => void (await alice.device.respond(await alice.device.nextPush(), 'report')), 'reported as not me'],
      ['expired', async (p) => { await alice.device.nextPush(); clock().set(p.expiresAt); }, 'no answer before the request expired'],
    ];
    for (const [code, act, detail] of cases) {
      const p = await startPasswordless(srv, alice.upn);
      await act(p);
      expect((await flowStatus(p)).status).toBe(code);
      const e = await entry(p.flowId);
      expectContext(e, alice.upn);
      expect(e, code).toMatchObject({ result: 'failure', failureCode: code });
      expect(e.reason).toBeTruthy();
      expect(e.steps.at(-1)).toMatchObject({ method: 'passwordless', detail, result: 'failure', challengeId: p.challengeId });
    }
  });

  it('ends the attempt in the log when the device refuses, even if its browser never asks again', async () => {
    for (const [decision, code] of [['deny', 'denied'], ['report', 'reported'], ['approve', 'number_mismatch']] as const) {
      const p = await startPasswordless(srv, alice.upn);
      const push = await alice.device.nextPush();
      await alice.device.respond(push, decision, decision === 'approve' ? wrongNumber(p.number) : '');
      const e = await entry(p.flowId);
      expect(e, code).toMatchObject({ result: 'failure', failureCode: code, reason: expect.any(String) });
      expect(e.steps.at(-1)).toMatchObject({ result: 'failure', challengeId: push.challengeId });
      // The browser's later look changes nothing: one failure step, not two.
      expect((await flowStatus(p)).status).toBe(code);
      expect((await entry(p.flowId)).steps).toHaveLength(e.steps.length);
    }
  });

  it('logs a sign-in the policy refuses', async () => {
    await srv.setPolicy({ mode: 'push' });
    try {
      const s = await startSignIn(srv, alice.upn);
      expect((await s.browser.post('/api/signin/passwordless', { flowId: s.flowId })).body.error).toBe('method_not_allowed');
      expect(await entry(s.flowId)).toMatchObject({ result: 'failure', failureCode: 'method_not_allowed', reason: 'The policy does not allow this method for the user' });
    } finally {
      await srv.setPolicy({ mode: 'any' });
    }
  });

  it('logs a Temporary Access Pass sign-in as multifactor', async () => {
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const dave = (await admin.get('/api/admin/users?q=dave')).body.users[0];
    const { pass } = (await helpdesk.post(`/api/admin/users/${dave.id}/tap`, {})).body;
    const s = await startSignIn(srv, dave.upn);
    expect((await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass })).body.status).toBe('signed_in');
    expect(await entry(s.flowId)).toMatchObject({ result: 'success', requirement: 'single', methods: ['tap'], steps: [{ method: 'tap', detail: 'pass accepted' }] });
  });

  it('labels an address from the configured location source, behind a trusted proxy', async () => {
    const s = await startSignIn(srv, 'carol@pushkey.test');
    expect(s.flowId).toBeTruthy();
    const browser = s.browser;
    browser.headers['x-forwarded-for'] = '203.0.113.9';
    const again = await browser.post('/api/signin/start', { username: 'carol@pushkey.test' });
    expect(await entry(again.body.flowId)).toMatchObject({ ip: '203.0.113.9', location: 'Lisbon, Portugal' });
  });

  it('filters by user, method, result, application, IP and date range', async () => {
    const list = async (q: string) => ((await admin.get(`/api/admin/signins?${q}`)).body.entries as SignInEntry[]);
    expect((await list(`upn=alice`)).every((e) => e.upn === alice.upn)).toBe(true);
    expect((await list('method=tap')).map((e) => e.methods)).toEqual([['tap']]);
    const failures = await list('result=failure');
    expect(failures.length).toBeGreaterThanOrEqual(6);
    expect(failures.every((e) => e.result === 'failure')).toBe(true);
    expect(await list('ip=203.0.113.9')).toHaveLength(1);
    expect(await list('app=nothing-like-this')).toHaveLength(0);
    const now = srv.clock.now();
    expect(await list(`from=${now + 1}`)).toHaveLength(0);
    expect((await list(`to=${new Date(now + 1).toISOString()}`)).length).toBeGreaterThan(5);
    expect((await admin.get('/api/admin/signins?result=maybe')).body.error).toBe('bad_request');
    expect((await admin.get('/api/admin/signins?from=yesterday')).body.error).toBe('bad_request');
  });

  it('exports CSV with a header, and JSON', async () => {
    const csv = await admin.fetchRaw('/api/admin/signins?format=csv');
    expect(csv.headers.get('content-type')).toMatch(/text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/sign-in-log\.csv/);
    const text = await csv.text();
    expect(text.split('\n')[0]).toBe('time,correlationId,upn,application,ip,location,browser,os,result,failureCode,reason,requirement,methods,steps');
    expect(text).toContain('number matched');
    const json = await admin.get('/api/admin/signins?format=json&result=success');
    expect((json.body as SignInEntry[]).every((e) => e.result === 'success')).toBe(true);
  });

  it('ends an attempt whose request expired with nobody asking, once, and counts it towards push fatigue', async () => {
    await sweepExpiredRequests(srv.deps); // requests that earlier tests left to expire
    const p = await startPasswordless(srv, alice.upn);
    await alice.device.nextPush();
    clock().set(p.expiresAt - 1);
    expect(await sweepExpiredRequests(srv.deps)).toBe(0); // 1 ms before: still pending
    expect((await entry(p.flowId)).result).toBe('in_progress');
    clock().set(p.expiresAt);
    expect(await sweepExpiredRequests(srv.deps)).toBe(1); // at expiresAt: expired, without any poll
    const e = await entry(p.flowId);
    expect(e).toMatchObject({ result: 'failure', failureCode: 'expired', reason: 'The request timed out without an answer' });
    expect(await sweepExpiredRequests(srv.deps)).toBe(0);
    // The browser that comes back later sees "expired", and the log gains no second step.
    expect((await flowStatus(p)).status).toBe('expired');
    expect((await entry(p.flowId)).steps).toHaveLength(e.steps.length);
    // The device that answers late is told the request expired, not that it was answered.
    const late = await alice.device.respond({ challengeId: p.challengeId, nonce: (await srv.repo.getChallenge(p.challengeId))!.nonce }, 'approve', p.number);
    expect(late.body.error).toBe('challenge_expired');
    const stats = await srv.repo.challengeStats((await srv.repo.getUserByUpn(alice.upn))!.id, p.expiresAt - 120_000, clock().now());
    expect(stats.unanswered).toBe(1);
  });

  it('lists only the methods that succeeded: an SMS code after an unanswered push reads password and SMS, the push as tried', async () => {
    const number = '+15551239901';
    const aliceId = (await srv.repo.getUserByUpn(alice.upn))!.id;
    await srv.repo.replacePhone({ userId: aliceId, number, createdAt: clock().now(), verifiedAt: clock().now(), lastUsedAt: null });
    // The password, then the push goes out and nobody answers it; then "I can't use my app" → "Text me a code".
    const p = await startPasswordThenPush(srv, alice.upn, alice.password);
    await alice.device.nextPush();
    const sent = await p.browser.post('/api/signin/sms/send', { flowId: p.flowId });
    expect(sent.status, JSON.stringify(sent.body)).toBe(200);
    const text = (await admin.get(`/api/admin/outbox?channel=sms&to=${encodeURIComponent(number)}`)).body.messages[0].text as string;
    const done = await p.browser.post('/api/signin/sms', { flowId: p.flowId, codeId: sent.body.codeId, code: /^(\d{6})/.exec(text)![1] });
    expect(done.body.status).toBe('signed_in');
    const e = await entry(p.flowId);
    expect(e).toMatchObject({ result: 'success', requirement: 'multifactor', methods: ['password', 'sms'] });
    // The push is still there, as a step: an attempt, not a method used.
    expect(e.steps.map((s) => [s.method, s.result])).toEqual([
      ['password', 'success'],
      ['authenticator', 'pending'],
      ['sms', 'pending'],
      ['sms', 'success'],
    ]);
    await srv.repo.deleteUserPhone(aliceId);
  });

  it('charts every finished attempt the filter matches, not only the page of rows', async () => {
    // 250 attempts of one application straight into the log: more than a page (200) of rows.
    const app = 'Chart lab app';
    const base = clock().now() - 3_600_000;
    const step = (method: string, result: 'success' | 'failure') => ({ at: base, method, detail: 'x', result, durationMs: 0 });
    for (let i = 0; i < 250; i++) {
      const result = i % 5 === 0 ? 'failure' : i === 249 ? 'in_progress' : 'success';
      const methods = i % 2 ? ['password', 'authenticator'] : ['passwordless'];
      await srv.repo.upsertSignIn({
        id: `chart-${i}`,
        at: base + i * 1000,
        userId: null,
        upn: 'chart@pushkey.test',
        app,
        ip: '127.0.0.1',
        location: '',
        browser: '',
        os: '',
        result,
        expiresAt: clock().now() + 900_000,
        failureCode: result === 'failure' ? 'denied' : null,
        reason: null,
        requirement: 'multifactor',
        methods,
        steps: methods.map((m) => step(m, result === 'failure' ? 'failure' : 'success')),
      });
    }
    const chart = async (q: string) => (await admin.get(`/api/admin/signins/chart?app=${encodeURIComponent(app)}${q}`)).body as SignInChartData;
    expect((await admin.get(`/api/admin/signins?app=${encodeURIComponent(app)}`)).body.entries).toHaveLength(200);
    const all = await chart('');
    expect(all.capped).toBe(false);
    // Counted by the database per minute, result and method.
    const count = (points: SignInPoint[], f: (p: SignInPoint) => boolean = () => true) => points.filter(f).reduce((sum, [, , , n]) => sum + n, 0);
    expect(count(all.points)).toBe(249); // the one still in progress is not charted
    expect(all.points.every(([at]) => at % 60_000 === 0)).toBe(true);
    expect(all.points[0]![0]).toBe(Math.floor((base + 248_000) / 60_000) * 60_000); // newest first
    // Push MFA counts under the push it ended with, not the password before it.
    expect(count(all.points, ([, , m]) => m === 'authenticator')).toBe(124);
    expect(count(all.points, ([, , m]) => m === 'passwordless')).toBe(125);
    expect(count(all.points, ([, r]) => r === 'failure')).toBe(50);
    expect(count((await chart('&result=failure')).points)).toBe(50);
    expect((await chart('&result=in_progress')).points).toEqual([]);
    expect(count((await chart(`&from=${base + 200_000}`)).points)).toBe(49);
    const pushless = (await chart('&method=passwordless&result=success')).points;
    expect(count(pushless)).toBeGreaterThan(0);
    expect(pushless.every(([, r, m]) => r === 'success' && m === 'passwordless')).toBe(true);
    expect((await admin.get('/api/admin/signins/chart?result=maybe')).body.error).toBe('bad_request');
    expect((await alice.me.get('/api/admin/signins/chart')).status).toBe(403);
  });

  it('refuses the logs to a plain user', async () => {
    expect((await alice.me.get('/api/admin/signins')).status).toBe(403);
  });

  // These two move the clock past a flow's lifetime (15 minutes): last, so that the sessions the tests above use stay alive.
  it('ends an attempt left unfinished as abandoned exactly when its flow expires, even before anything writes', async () => {
    const s = await startSignIn(srv, srv.users.carol!.upn); // typed the name, then closed the tab
    const started = await entry(s.flowId);
    expect(started).toMatchObject({ result: 'in_progress', expiresAt: started.at + DEFAULT_LIMITS.flowLifetimeMs });
    const listed = async (result: string) => ((await admin.get(`/api/admin/signins?result=${result}&limit=1000`)).body.entries as SignInEntry[]).some((e) => e.id === s.flowId);
    clock().set(started.expiresAt - 1);
    expect(await entry(s.flowId)).toMatchObject({ result: 'in_progress', failureCode: null });
    expect(await listed('in_progress')).toBe(true);
    clock().set(started.expiresAt);
    // The detail is honest at once, while the stored row still says "in progress"…
    expect((await srv.repo.getSignIn(s.flowId))!.result).toBe('in_progress');
    expect(await entry(s.flowId)).toMatchObject({ result: 'failure', failureCode: 'abandoned', reason: 'The sign-in was left unfinished until it expired' });
    // …and reading the list ends it for good, so that the result filters agree with the rows.
    expect(await listed('in_progress')).toBe(false);
    expect(await listed('failure')).toBe(true);
    expect(await srv.repo.getSignIn(s.flowId)).toMatchObject({ result: 'failure', failureCode: 'abandoned', steps: [] });
    // The browser that comes back later is told to start again; the entry gains no step.
    expect((await s.browser.post('/api/signin/password', { flowId: s.flowId, password: srv.users.carol!.password })).body.error).toBe('flow_invalid');
    expect((await entry(s.flowId)).steps).toEqual([]);
  });

  it('stores the abandonment where the expired flow is touched and in the sweep, and leaves finished attempts alone', async () => {
    const touched = await startSignIn(srv, srv.users.carol!.upn);
    const swept = await startSignIn(srv, srv.users.dave!.upn);
    const finished = await signInFlow('carol', srv.users.carol!.password);
    const expiresAt = (await srv.repo.getSignIn(touched.flowId))!.expiresAt;
    clock().set(expiresAt + 1_000); // past all three flows' expiry
    // The browser that comes back finds its flow expired: the stored row ends there, with nobody reading the log.
    expect((await flowStatus(touched)).error).toBe('flow_invalid');
    expect(await srv.repo.getSignIn(touched.flowId)).toMatchObject({ result: 'failure', failureCode: 'abandoned' });
    expect((await srv.repo.getSignIn(swept.flowId))!.result).toBe('in_progress');
    await sweepExpiredRequests(srv.deps);
    expect(await srv.repo.getSignIn(swept.flowId)).toMatchObject({ result: 'failure', failureCode: 'abandoned', reason: 'The sign-in was left unfinished until it expired' });
    expect(await entry(finished.flowId)).toMatchObject({ result: 'success', failureCode: null, methods: ['password'] });
  });
});

