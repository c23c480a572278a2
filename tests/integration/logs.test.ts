// No secret ever reaches a log: a whole flow runs with a pino logger at trace level
// writing to a buffer, and no password, number, activation code, Temporary Access Pass or
// cookie value appears in any line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollUser, startPasswordless, startPasswordThenPush, startSignIn, userId, wrongNumber } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

describe('logs', () => {
  const lines: string[] = [];
  const secrets = new Map<string, string>();
  const keep = (what: string, value: string | undefined) => {
    expect(value, what).toBeTruthy();
    secrets.set(`${what} #${secrets.size}`, value!);
  };
  const keepCookies = (c: HttpClient, what: string) => {
    for (const name of ['pk_session', 'pk_flow']) if (c.cookie(name)) keep(`${what} ${name}`, c.cookie(name));
  };
  let srv: TestServer;

  beforeAll(async () => {
    const log = pino({ level: 'trace' }, { write: (s: string) => void lines.push(s) });
    // 8-digit numbers, so that a leaked number cannot hide among ordinary digits.
    srv = await startServer({ clock: new ManualClock(), log, policy: { numberLength: 8 } });
  });
  afterAll(async () => srv?.close());

  it('keeps passwords, numbers, activation codes, passes and cookies out of every line', async () => {
    const alice = srv.users.alice!;
    keep('password', alice.password);

    // My Account: password sign-in, then an activation code, then enrollment.
    const u = await enrollUser(srv, 'alice');
    keepCookies(u.me, 'My Account');
    const act = await u.me.post('/api/me/authenticator/activation');
    keep('activation code', act.body.code);

    // Passwordless upgrade: password once, then the number shown in My Account.
    const setup = await u.device.command('passwordless_setup', { password: alice.password, clientVersion: '1.0.0' });
    const shown = await u.me.get('/api/me/passwordless-setup');
    keep('setup number', shown.body.pending.number);
    await u.device.respond(setup.body.request, 'approve', shown.body.pending.number);

    // Passwordless sign-in approved, and one with a wrong number.
    const ok = await startPasswordless(srv, alice.upn);
    keep('number', ok.number);
    keepCookies(ok.browser, 'passwordless');
    await u.device.respond(await u.device.nextPush(), 'approve', ok.number);
    await ok.browser.get(`/api/signin/status?flowId=${ok.flowId}`);
    keepCookies(ok.browser, 'passwordless');
    const bad = await startPasswordless(srv, alice.upn);
    keep('number', bad.number);
    keep('typed wrong number', wrongNumber(bad.number));
    await u.device.respond(await u.device.nextPush(), 'approve', wrongNumber(bad.number));

    // Push MFA after a password.
    const mfa = await startPasswordThenPush(srv, alice.upn, alice.password);
    keep('mfa number', mfa.number);
    await u.device.respond(await u.device.nextPush(), 'approve', mfa.number);
    await mfa.browser.get(`/api/signin/status?flowId=${mfa.flowId}`);
    keepCookies(mfa.browser, 'mfa');

    // A wrong password, and one inside a body that is not valid JSON.
    const wrongPassword = 'Wr0ng-Secret-Attempt!';
    keep('wrong password', wrongPassword);
    const s = await startSignIn(srv, srv.users.bob!.upn);
    await s.browser.post('/api/signin/password', { flowId: s.flowId, password: wrongPassword });
    await fetch(`${srv.origin}/api/signin/password`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: `{"password":"${wrongPassword}"` });

    // A Temporary Access Pass issued and used.
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    keep('helpdesk password', srv.users.helpdesk!.password);
    keepCookies(helpdesk, 'helpdesk');
    const tap = await helpdesk.post(`/api/admin/users/${await userId(helpdesk, srv.users.carol!.upn)}/tap`, {});
    keep('TAP', tap.body.pass);
    const t = await startSignIn(srv, srv.users.carol!.upn);
    keepCookies(t.browser, 'tap flow');
    await t.browser.post('/api/signin/tap', { flowId: t.flowId, pass: tap.body.pass });
    keepCookies(t.browser, 'tap');

    // A new password set by the helpdesk.
    keep('reset password', 'Reset-Passw0rd-123');
    await helpdesk.post(`/api/admin/users/${await userId(helpdesk, srv.users.dave!.upn)}/password`, { password: 'Reset-Passw0rd-123' });

    // Sign out (the cookie travels in the request).
    await ok.browser.post('/api/signin/signout');
    u.device.close();

    // The logger was wired and saw the flow.
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.some((l) => l.includes('"path":"/api/signin/password"'))).toBe(true);
    expect(lines.some((l) => l.includes('request refused'))).toBe(true);
    for (const [what, value] of secrets) {
      const leak = lines.find((l) => l.includes(value));
      expect(leak, `${what} (${value}) leaked into: ${leak}`).toBeUndefined();
    }
  });

  it('stores no password, activation code, pass or cookie value in the database files either', async () => {
    // The number is kept in clear while its request is pending (it is compared with the typed one); the rest only as hashes.
    const atRest = [...secrets].filter(([what]) => !/number/.test(what));
    expect(atRest.length).toBeGreaterThan(5);
    const files = readdirSync(srv.dir).filter((f) => f.startsWith('pushkey.db'));
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) {
      const bytes = readFileSync(path.join(srv.dir, f)).toString('latin1');
      for (const [what, value] of atRest) expect(bytes.includes(value), `${what} found in ${f}`).toBe(false);
    }
  });
});
