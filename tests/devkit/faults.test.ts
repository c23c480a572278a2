// The fault flags of pushkey-authenticator, each seen from the real server's side.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAuthenticator, startAuthenticator } from '../support/authenticator.ts';
import { flowStatus, startPasswordThenPush } from '../support/flows.ts';
import { startServer, type TestServer } from '../support/server.ts';
import { getAuthenticatorPolicy } from '../../server/domain/policies/policy.ts';

/**
 * The server's clock: the wall clock (device commands are stamped with the child's), which a
 * test may set back while it starts a request, to make one that is about to expire.
 */
const clock = { behindMs: 0, now: () => Date.now() - clock.behindMs, wall: () => Date.now() };

describe('pushkey-authenticator faults', () => {
  let srv: TestServer;
  let dir: string;
  const state = () => path.join(dir, 'state.json');
  beforeAll(async () => {
    srv = await startServer({ clock });
    dir = mkdtempSync(path.join(tmpdir(), 'pushkey-devkit-'));
    const { upn, password } = srv.users.bob!;
    const r = await runAuthenticator(['enroll', '--url', srv.origin, '--user', upn, '--password', password, '--state', state()]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** One sign-in answered with the flags, through the control port with the right number; the lines it printed. */
  async function answerWith(flags: string[]) {
    const { upn, password } = srv.users.bob!;
    const listen = startAuthenticator(['listen', '--state', state(), '--control', '127.0.0.1:0', ...flags]);
    try {
      const ready = await listen.waitFor((l) => l.event === 'ready');
      const flow = await startPasswordThenPush(srv, upn, password);
      await fetch(`http://${ready.control}/answer`, { method: 'POST', body: JSON.stringify({ requestId: flow.challengeId, number: flow.number }) });
      const answer = await listen.waitFor((l) => l.event === 'answer' && l.requestId === flow.challengeId);
      return { flow, answer, listen };
    } finally {
      await listen.stop();
    }
  }

  it('--wrong-number: the server refuses it with number_mismatch', async () => {
    const { answer, flow } = await answerWith(['--wrong-number']);
    expect(answer).toMatchObject({ status: 422, error: 'number_mismatch' });
    expect(answer.number).not.toBe(flow.number);
  });

  it('--bad-signature and --foreign-signature: the server refuses them with signature_invalid', async () => {
    expect((await answerWith(['--bad-signature'])).answer).toMatchObject({ status: 401, error: 'signature_invalid' });
    expect((await answerWith(['--foreign-signature'])).answer).toMatchObject({ status: 401, error: 'signature_invalid' });
  });

  it('--replay: the first answer signs in, the replay is refused with challenge_consumed', async () => {
    const { answer, flow, listen } = await answerWith(['--replay']);
    expect(answer).toMatchObject({ status: 200, outcome: 'approved' });
    expect(listen.lines().find((l) => l.event === 'replay')).toMatchObject({ status: 409, error: 'challenge_consumed' });
    expect((await flowStatus(flow)).status).toBe('signed_in');
  });

  it('--poll-only: no channel, and the request still arrives through a signed poll', async () => {
    const { answer, listen } = await answerWith(['--poll-only', '--poll-interval', '200']);
    expect(answer).toMatchObject({ status: 200, outcome: 'approved' });
    expect(listen.lines().some((l) => l.event === 'connected')).toBe(false);
    expect(listen.lines().find((l) => l.event === 'request')).toMatchObject({ source: 'poll' });
  });

  it('--drop-push: the push on the channel is lost', async () => {
    const { upn, password } = srv.users.bob!;
    const listen = startAuthenticator(['listen', '--state', state(), '--deny', '--drop-push']);
    try {
      await listen.waitFor((l) => l.event === 'ready');
      const flow = await startPasswordThenPush(srv, upn, password);
      await listen.waitFor((l) => l.event === 'dropped' && l.requestId === flow.challengeId);
      expect(listen.lines().some((l) => l.event === 'request' && l.requestId === flow.challengeId)).toBe(false);
    } finally {
      await listen.stop();
    }
  });

  it('--delay-push: the request from the channel is seen that much later, and still answered', async () => {
    const { upn, password } = srv.users.bob!;
    const delayMs = 1500;
    const listen = startAuthenticator(['listen', '--state', state(), '--control', '127.0.0.1:0', '--delay-push', String(delayMs)]);
    try {
      const ready = await listen.waitFor((l) => l.event === 'ready');
      const sent = performance.now();
      const flow = await startPasswordThenPush(srv, upn, password);
      // The control call waits for the request to be seen.
      const res = await fetch(`http://${ready.control}/answer`, { method: 'POST', body: JSON.stringify({ requestId: flow.challengeId, number: flow.number }) });
      // A lower bound the delay guarantees whatever the machine's load: the push left the server after `sent`.
      expect(performance.now() - sent).toBeGreaterThanOrEqual(delayMs);
      expect(await res.json()).toMatchObject({ server: { status: 200, body: { outcome: 'approved' } } });
      expect(listen.lines().find((l) => l.event === 'request' && l.requestId === flow.challengeId)).toMatchObject({ source: 'push' });
      expect((await flowStatus(flow)).status).toBe('signed_in');
    } finally {
      await listen.stop();
    }
  });

  it('--answer-late: the answer waits until the request expired by the server clock, and is refused with challenge_expired', async () => {
    const { upn, password } = srv.users.bob!;
    const lifetimeMs = (await getAuthenticatorPolicy(srv.repo)).requestLifetimeSeconds * 1000;
    const listen = startAuthenticator(['listen', '--state', state(), '--control', '127.0.0.1:0', '--answer-late', '500']);
    try {
      const ready = await listen.waitFor((l) => l.event === 'ready');
      // A request made as if 2 s before the end of its lifetime: it expires 2 s from now, by the wall clock the server is back on at once.
      clock.behindMs = lifetimeMs - 2000;
      const flow = await startPasswordThenPush(srv, upn, password).finally(() => (clock.behindMs = 0));
      const res = await fetch(`http://${ready.control}/answer`, { method: 'POST', body: JSON.stringify({ requestId: flow.challengeId, number: flow.number }) });
      expect(await res.json()).toMatchObject({ decision: 'approve', server: { status: 410, body: { error: 'challenge_expired' } } });
      expect(listen.lines().find((l) => l.event === 'answer' && l.requestId === flow.challengeId)).toMatchObject({ number: flow.number, status: 410, error: 'challenge_expired' });
    } finally {
      await listen.stop();
    }
  });

  it('--close-channel-after and --reconnect-after: the channel drops and comes back, and a request still arrives', async () => {
    const { upn, password } = srv.users.bob!;
    const listen = startAuthenticator(['listen', '--state', state(), '--deny', '--close-channel-after', '300', '--reconnect-after', '200']);
    const channelEvents = () => listen.lines().filter((l) => l.event === 'connected' || l.event === 'disconnected').map((l) => l.event);
    try {
      await listen.waitFor((l) => l.event === 'ready');
      await listen.waitFor(() => channelEvents().length >= 3);
      expect(channelEvents().slice(0, 3)).toEqual(['connected', 'disconnected', 'connected']);
      const flow = await startPasswordThenPush(srv, upn, password);
      // On the channel, or from the poll that follows each reconnect when it landed while the channel was down.
      expect(await listen.waitFor((l) => l.event === 'answer' && l.requestId === flow.challengeId)).toMatchObject({ decision: 'deny', status: 200, outcome: 'denied' });
      expect((await flowStatus(flow)).status).toBe('denied');
    } finally {
      await listen.stop();
    }
  });

  it('--clock-skew: the signed poll is refused with clock_skew', async () => {
    const listen = startAuthenticator(['listen', '--state', state(), '--deny', '--clock-skew', '600000']);
    try {
      expect(await listen.waitFor((l) => l.event === 'error' && l.during === 'poll')).toMatchObject({ status: 400, error: 'clock_skew' });
    } finally {
      await listen.stop();
    }
  });
});
