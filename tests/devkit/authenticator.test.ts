// The pushkey-authenticator binary, spawned as a child process, against the real server.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthenticator, runAuthenticator, type Running } from '../support/authenticator.ts';
import { flowStatus, startPasswordThenPush } from '../support/flows.ts';
import { startServer, type TestServer } from '../support/server.ts';

// Device commands are stamped with the child's wall clock, so the server runs on it too.
const wallClock = { now: () => Date.now() };

describe('pushkey-authenticator', () => {
  let srv: TestServer;
  let dir: string;
  const running: Running[] = [];
  beforeAll(async () => {
    srv = await startServer({ clock: wallClock });
    dir = mkdtempSync(path.join(tmpdir(), 'pushkey-devkit-'));
  });
  afterAll(async () => {
    await Promise.all(running.map((r) => r.stop()));
    await srv?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const state = () => path.join(dir, 'state.json');

  it('prints its flag reference', async () => {
    const r = await runAuthenticator(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--approve-with N');
    expect(r.stdout).toContain('--foreign-signature');
  });

  it('prints the flag reference docs/devkit.md shows', async () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/devkit.md'), 'utf8');
    const reference = doc.slice(doc.indexOf('## Flag reference'));
    const block = /```text\n([\s\S]*?)```/.exec(reference)![1];
    expect(block).toBe((await runAuthenticator(['--help'])).stdout);
  });

  it('refuses an unknown flag with a usage error naming it', async () => {
    const r = await runAuthenticator(['listen', '--aprove-with', '12']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("'--aprove-with'");
  });

  it('refuses a check --only names that the checker does not have, listing the ones it has', async () => {
    const r = await runAuthenticator(['check', srv.origin, '--user', 'u@example.com', '--password', 'p', '--only', 'respond.nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--only: no check is named "respond.nope" (checks: respond.correct-number, ');
  });

  it('enrolls with a password, then approves a sign-in with the number a test POSTs to its control port', async () => {
    const { upn, password } = srv.users.alice!;
    const enrolled = await runAuthenticator(['enroll', '--url', srv.origin, '--user', upn, '--password', password, '--state', state()]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    expect(enrolled.lines[0]).toMatchObject({ event: 'enrolled', upn, tenant: 'pushkey Lab' });

    const listen = startAuthenticator(['listen', '--state', state(), '--control', '127.0.0.1:0']);
    running.push(listen);
    const ready = await listen.waitFor((l) => l.event === 'ready');
    const flow = await startPasswordThenPush(srv, upn, password);
    const request = await listen.waitFor((l) => l.event === 'request');
    expect(request).toMatchObject({ requestId: flow.challengeId, kind: 'mfa', upn, ip: '127.0.0.1', expiresAt: flow.expiresAt, source: 'push' });
    expect(request).not.toHaveProperty('number');

    const pending = await (await fetch(`http://${ready.control}/pending`)).json();
    expect(pending.requests.map((r: any) => r.requestId)).toEqual([flow.challengeId]);
    const answer = await fetch(`http://${ready.control}/answer`, { method: 'POST', body: JSON.stringify({ requestId: flow.challengeId, number: flow.number }) });
    expect(await answer.json()).toMatchObject({ decision: 'approve', server: { status: 200, body: { outcome: 'approved' } } });
    expect((await flowStatus(flow)).status).toBe('signed_in');
    await listen.stop();
  });

  it('answers by rule: --deny denies, and --count ends the run', async () => {
    const { upn, password } = srv.users.alice!;
    const listen = startAuthenticator(['listen', '--state', state(), '--deny', '--count', '1']);
    running.push(listen);
    await listen.waitFor((l) => l.event === 'ready');
    const flow = await startPasswordThenPush(srv, upn, password);
    expect(await listen.waitFor((l) => l.event === 'answer')).toMatchObject({ requestId: flow.challengeId, decision: 'deny', status: 200, outcome: 'denied' });
    expect(await listen.stop()).toBe(0);
    expect((await flowStatus(flow)).status).toBe('denied');
  });
});
