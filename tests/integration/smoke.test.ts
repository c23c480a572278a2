import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient, signIn, startServer, type TestServer } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

describe('passwordless sign-in, end to end over HTTP and WebSocket', () => {
  let srv: TestServer;
  beforeAll(async () => {
    srv = await startServer();
  });
  afterAll(async () => srv?.close());

  it('enrolls, upgrades to passwordless, and signs in only the browser that started', async () => {
    const alice = srv.users.alice!;
    const me = await signIn(srv.origin, alice.upn, alice.password);
    const act = await me.post('/api/me/authenticator/activation');
    expect(act.status).toBe(200);
    const device = await SoftDevice.enroll(srv.origin, act.body.code, { now: () => srv.clock.now() });
    expect((await me.get(`/api/me/authenticator/activation/${act.body.activationId}`)).body.status).toBe('registered');
    await device.connect();

    const setup = await device.command('passwordless_setup', { password: alice.password, clientVersion: '1.0.0' });
    expect(setup.status).toBe(200);
    const shown = await me.get('/api/me/passwordless-setup');
    expect(shown.body.pending.challengeId).toBe(setup.body.request.challengeId);
    const ok = await device.respond(setup.body.request, 'approve', shown.body.pending.number);
    expect(ok.body).toMatchObject({ outcome: 'approved' });

    const browser = new HttpClient(srv.origin);
    const start = await browser.post('/api/signin/start', { username: alice.upn });
    expect(start.body.methods).toContain('passwordless');
    const pl = await browser.post('/api/signin/passwordless', { flowId: start.body.flowId });
    const push = await device.nextPush();
    expect(JSON.stringify(push)).not.toContain(`"${pl.body.challenge.number}"`);
    const other = new HttpClient(srv.origin);
    expect((await other.get(`/api/signin/status?flowId=${start.body.flowId}`)).body.error).toBe('flow_invalid');
    const res = await device.respond(push, 'approve', pl.body.challenge.number);
    expect(res.body.outcome).toBe('approved');
    const status = await browser.get(`/api/signin/status?flowId=${start.body.flowId}`);
    expect(status.body.status).toBe('signed_in');
    expect(browser.hasCookie('pk_session')).toBe(true);
    expect((await browser.get('/api/me')).body.user.upn).toBe(alice.upn);
    device.close();
  });
});
