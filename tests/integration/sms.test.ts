// SMS: a phone number added and verified in My Account, SMS sign-in and SMS as the second
// factor after a password. Codes: 6 digits from the injected randomness, 5 minutes, single
// use, attempts capped, sends limited per user and per number; limits at and past their
// edges with the injected clock. The lab provider's outbox is what the portal's phone page reads.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { maskNumber, SMS_LIMITS } from '../../server/domain/methods/sms.ts';
import { DEFAULT_SMS_POLICY, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';
import { webhookSmsProvider } from '../../server/transport/sms/webhook.ts';
import pino from 'pino';
import { enrollUser, startSignIn, signInMethodsOf } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

/** SMS sign-in is off by default; these tests are about it once an admin turns it on. */
const SMS_SIGN_IN_ON = { ...DEFAULT_SMS_POLICY, useForSignIn: true };

const NUMBERS = { alice: '+15551230001', bob: '+15551230002', carol: '+15551230003', dave: '+15551230004' } as Record<string, string>;

describe('SMS', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let admin: HttpClient;

  /** The newest text the lab phone for `number` received, read through the portal's API. */
  const lastText = async (number: string): Promise<string> => {
    admin = await signIn(srv.origin, srv.users.admin!.upn, srv.users.admin!.password);
    const res = await admin.get(`/api/admin/outbox?channel=sms&to=${encodeURIComponent(number)}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.messages[0]?.text ?? '';
  };
  const codeIn = (text: string) => /^(\d{6}) is your pushkey/.exec(text)?.[1] ?? '';

  /** Signs `name` in with the password and adds and verifies their phone. */
  const addVerifiedPhone = async (name: string, number = NUMBERS[name]!) => {
    const me = await signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);
    const add = await me.post('/api/me/phone', { number });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    const code = codeIn(await lastText(number));
    const ok = await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    return me;
  };
  /** A browser that typed the user name and asked for a sign-in code. */
  const sendSignInCode = async (name: string) => {
    const s = await startSignIn(srv, srv.users[name]!.upn);
    const sent = await s.browser.post('/api/signin/sms/send', { flowId: s.flowId });
    return { ...s, sent };
  };

  beforeAll(async () => {
    srv = await startServer({ clock });
    await setSmsPolicy(srv.repo, SMS_SIGN_IN_ON);
    await addVerifiedPhone('alice');
    await addVerifiedPhone('bob');
  });
  afterAll(async () => srv?.close());
  afterEach(() => clock.advance(SMS_LIMITS.sendWindowMs)); // every test starts with fresh send limits

  describe('adding a phone in My Account', () => {
    it('refuses malformed numbers with bad_request, never a 500', async () => {
      const me = await signIn(srv.origin, srv.users.carol!.upn, srv.users.carol!.password);
      for (const number of ['', 'abc', '5551234567', '+0155512345', '+1 555', '+1234567890123456', '+1555123456x', '++15551234567', 'x'.repeat(40), 15551234567, null, ['+15551234567']]) {
        const res = await me.post('/api/me/phone', { number });
        expect(res.status, JSON.stringify(number)).toBe(400);
        expect(res.body.error).toBe('bad_request');
      }
      expect(await srv.repo.getUserPhone((await srv.repo.getUserByUpn(srv.users.carol!.upn))!.id)).toBeNull();
    });

    it('accepts the number as people type it, texts a 6-digit code, and verifies it once', async () => {
      const me = await signIn(srv.origin, srv.users.carol!.upn, srv.users.carol!.password);
      const add = await me.post('/api/me/phone', { number: '+1 (555) 123-0003' });
      expect(add.body).toMatchObject({ to: maskNumber(NUMBERS.carol!), expiresAt: clock.now() + 5 * 60_000 });
      const text = await lastText(NUMBERS.carol!);
      expect(codeIn(text)).toMatch(/^\d{6}$/);
      // Not yet a method: the sign-in page does not offer it.
      expect(await signInMethodsOf(srv, srv.users.carol!.upn)).not.toContain('sms');
      for (const code of ['12345', 'abcdef', '1234567890', ' ']) expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code })).body.error).toBe('bad_request');
      const wrong = await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: codeIn(text) === '000000' ? '000001' : '000000' });
      expect(wrong).toMatchObject({ status: 410, body: { error: 'code_invalid', message: `That code is wrong. ${SMS_LIMITS.maxAttempts - 1} tries left.`, details: { triesLeft: SMS_LIMITS.maxAttempts - 1 } } });
      const ok = await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: codeIn(text) });
      expect(ok.body).toMatchObject({ number: NUMBERS.carol, verified: true, verifiedAt: clock.now() });
      expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: codeIn(text) })).status).toBe(409);
      expect(await signInMethodsOf(srv, srv.users.carol!.upn)).toContain('sms');
    });

    it('audits the new number and tells the user in the email outbox; removing it does too', async () => {
      const carolId = (await srv.repo.getUserByUpn(srv.users.carol!.upn))!.id;
      const audit = await srv.repo.listAudit({ targetId: carolId, action: 'phone.', limit: 10 });
      expect(audit[0]).toMatchObject({ action: 'phone.added', actorUpn: srv.users.carol!.upn, after: { number: maskNumber(NUMBERS.carol!) } });
      const mail = await srv.repo.listOutbox({ channel: 'email', to: srv.users.carol!.upn, limit: 5 });
      expect(mail[0]!.text).toMatch(/^The phone number \+•+03 was added to your account as a sign-in method on .* UTC from .*If this wasn't you/);
      expect(JSON.stringify(audit) + JSON.stringify(mail)).not.toContain(NUMBERS.carol);

      const me = await signIn(srv.origin, srv.users.carol!.upn, srv.users.carol!.password).catch(() => null);
      // Carol now has SMS as a second factor: the password alone is not enough any more.
      expect(me).toBeNull();
      const s = await startSignIn(srv, srv.users.carol!.upn);
      const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: srv.users.carol!.password });
      expect(pw.body).toEqual({ status: 'second_factor', methods: ['sms'], tapUsable: false });
      const sent = await s.browser.post('/api/signin/sms/send', { flowId: s.flowId });
      const done = await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: sent.body.codeId, code: codeIn(await lastText(NUMBERS.carol!)) });
      expect(done.body).toEqual({ status: 'signed_in' });
      expect((await s.browser.get('/api/me')).body.session.methods).toEqual(['password', 'sms']);
      expect((await s.browser.del('/api/me/phone')).status).toBe(200);
      expect((await srv.repo.listAudit({ targetId: carolId, action: 'phone.', limit: 1 }))[0]).toMatchObject({ action: 'phone.removed' });
      expect((await srv.repo.listOutbox({ channel: 'email', to: srv.users.carol!.upn, limit: 1 }))[0]!.text).toMatch(/^The phone number \+•+03 was removed/);
    });
  });

  describe('SMS sign-in', () => {
    it('offers SMS after the stronger methods, signs in with the code alone, and logs it as single-factor', async () => {
      const s = await sendSignInCode('alice');
      expect(await signInMethodsOf(srv, srv.users.alice!.upn)).toEqual(['sms', 'password']);
      expect(s.sent.body).toMatchObject({ to: maskNumber(NUMBERS.alice!), expiresAt: clock.now() + SMS_LIMITS.codeLifetimeMs });
      const code = codeIn(await lastText(NUMBERS.alice!));
      const done = await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: s.sent.body.codeId, code });
      expect(done.body).toEqual({ status: 'signed_in' });
      expect((await s.browser.get('/api/me')).body.session.methods).toEqual(['sms']);
      expect(await srv.repo.getSignIn(s.flowId)).toMatchObject({ result: 'success', requirement: 'single', methods: ['sms'] });
      // Single use: the same code in a new flow (or the same one) is refused.
      const again = await sendSignInCode('alice');
      expect((await again.browser.post('/api/signin/sms', { flowId: again.flowId, codeId: s.sent.body.codeId, code })).body.error).toBe('code_invalid');
    });

    it("never shows the helpdesk an administrator's texts: a code it could read would sign it in as the policy admin", async () => {
      const number = '+15551230009';
      await addVerifiedPhone('policy', number);
      const s = await sendSignInCode('policy');
      expect(s.sent.status).toBe(200);
      const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
      const seen = await helpdesk.get(`/api/admin/outbox?channel=sms&to=${encodeURIComponent(number)}`);
      expect(seen).toMatchObject({ status: 200, body: { messages: [] } });
      const all = (await helpdesk.get('/api/admin/outbox')).body.messages as { to: string; userId: string }[];
      expect(all.some((m) => m.to === number || m.to === srv.users.policy!.upn)).toBe(false);
      // Users the helpdesk may manage stay readable; a global admin reads everything.
      expect(all.some((m) => m.to === NUMBERS.alice)).toBe(true);
      expect(codeIn(await lastText(number))).toMatch(/^\d{6}$/);
    });

    it('accepts a code 1 ms before it expires, and not at 5 minutes', async () => {
      const a = await sendSignInCode('alice');
      const codeA = codeIn(await lastText(NUMBERS.alice!));
      const b = await sendSignInCode('bob');
      const codeB = codeIn(await lastText(NUMBERS.bob!));
      clock.advance(SMS_LIMITS.codeLifetimeMs - 1);
      expect((await a.browser.post('/api/signin/sms', { flowId: a.flowId, codeId: a.sent.body.codeId, code: codeA })).body.status).toBe('signed_in');
      clock.advance(1);
      expect(await b.browser.post('/api/signin/sms', { flowId: b.flowId, codeId: b.sent.body.codeId, code: codeB })).toMatchObject({ status: 410, body: { error: 'code_invalid' } });
    });

    it(`spends a code after ${SMS_LIMITS.maxAttempts} wrong tries, even for the right code after them`, async () => {
      const s = await sendSignInCode('alice');
      const code = codeIn(await lastText(NUMBERS.alice!));
      const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
      const messages: string[] = [];
      for (let i = 0; i < SMS_LIMITS.maxAttempts; i++) messages.push((await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: s.sent.body.codeId, code: wrong })).body.message);
      expect(messages.at(-2)).toBe('That code is wrong. 1 try left.');
      expect(messages.at(-1)).toMatch(/too many wrong tries/);
      expect((await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: s.sent.body.codeId, code })).body.error).toBe('code_invalid');
      expect((await srv.repo.getSmsCode(s.sent.body.codeId))!.attempts).toBe(SMS_LIMITS.maxAttempts);
    });

    it('counts wrong codes toward the account lockout, as wrong passwords are', async () => {
      const wrongs: number[] = [];
      let last: { status: number; body: any } = { status: 0, body: null };
      for (let sent = 0; sent < 3 && last.body?.error !== 'locked_out'; sent++) {
        const s = await sendSignInCode('bob');
        const code = codeIn(await lastText(NUMBERS.bob!));
        const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
        for (let i = 0; i < SMS_LIMITS.maxAttempts && last.body?.error !== 'locked_out'; i++) {
          last = await s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: s.sent.body.codeId, code: wrong });
          wrongs.push(last.status);
        }
      }
      // The 10th wrong code (two codes' worth of tries) locks the account.
      expect(wrongs).toHaveLength(10);
      expect(last).toMatchObject({ status: 423, body: { error: 'locked_out' } });
      const user = (await srv.repo.getUserByUpn(srv.users.bob!.upn))!;
      expect(user.lockedUntil).toBe(clock.now() + srv.deps.limits.lockoutMs);
      clock.advance(srv.deps.limits.lockoutMs);
    });

    it('lets one of many parallel answers with the right code win', async () => {
      const s = await sendSignInCode('bob');
      const code = codeIn(await lastText(NUMBERS.bob!));
      const answers = await Promise.all(Array.from({ length: 10 }, () => s.browser.post('/api/signin/sms', { flowId: s.flowId, codeId: s.sent.body.codeId, code })));
      expect(answers.filter((a) => a.body.status === 'signed_in')).toHaveLength(1);
    });

    it(`limits sends to ${SMS_LIMITS.maxSendsPerUser} per user per window: the next is refused until exactly a window after the first`, async () => {
      const first = clock.now();
      for (let i = 0; i < SMS_LIMITS.maxSendsPerUser; i++) {
        expect((await sendSignInCode('alice')).sent.status).toBe(200);
        clock.advance(1000);
      }
      const refused = await sendSignInCode('alice');
      expect(refused.sent).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(refused.sent.body.message).toMatch(/this account/);
      clock.set(first + SMS_LIMITS.sendWindowMs - 1);
      expect((await sendSignInCode('alice')).sent.status).toBe(429);
      clock.set(first + SMS_LIMITS.sendWindowMs);
      expect((await sendSignInCode('alice')).sent.status).toBe(200);
    });

    it(`limits sends to ${SMS_LIMITS.maxSendsPerNumber} per number, across the accounts that share it`, async () => {
      await addVerifiedPhone('dave', NUMBERS.bob);
      clock.advance(SMS_LIMITS.sendWindowMs);
      for (let i = 0; i < 3; i++) expect((await sendSignInCode('bob')).sent.status).toBe(200);
      for (let i = 0; i < SMS_LIMITS.maxSendsPerNumber - 3; i++) expect((await sendSignInCode('dave')).sent.status).toBe(200);
      const refused = await sendSignInCode('dave');
      expect(refused.sent).toMatchObject({ status: 429, body: { error: 'rate_limited' } });
      expect(refused.sent.body.message).toMatch(/this number/);
    });

    it('never sends past the limit when many sends race', async () => {
      const flows = await Promise.all(Array.from({ length: 3 * SMS_LIMITS.maxSendsPerUser }, () => startSignIn(srv, srv.users.alice!.upn)));
      const sent = await Promise.all(flows.map((f) => f.browser.post('/api/signin/sms/send', { flowId: f.flowId })));
      expect(sent.filter((r) => r.status === 200)).toHaveLength(SMS_LIMITS.maxSendsPerUser);
      expect(sent.filter((r) => r.status === 429)).toHaveLength(2 * SMS_LIMITS.maxSendsPerUser);
    });

    it('refuses codes of another flow, malformed codes and ids, and users without a phone', async () => {
      const a = await sendSignInCode('alice');
      const code = codeIn(await lastText(NUMBERS.alice!));
      const other = await startSignIn(srv, srv.users.alice!.upn);
      expect((await other.browser.post('/api/signin/sms', { flowId: other.flowId, codeId: a.sent.body.codeId, code })).body.error).toBe('code_invalid');
      for (const body of [{ codeId: a.sent.body.codeId, code: '12ab56' }, { codeId: 'short', code }, { codeId: a.sent.body.codeId }, { codeId: a.sent.body.codeId, code: 123456 }]) {
        const res = await a.browser.post('/api/signin/sms', { flowId: a.flowId, ...body });
        expect(res.status, JSON.stringify(body)).toBe(400);
      }
      const nobody = await sendSignInCode('carol');
      expect(nobody.sent).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
      expect(await signInMethodsOf(srv, srv.users.carol!.upn)).toEqual(['password']);
    });

    it('follows the policy: disabled, not targeted, or second factor only', async () => {
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: false });
      expect(await signInMethodsOf(srv, srv.users.alice!.upn)).toEqual(['password']);
      expect((await sendSignInCode('alice')).sent.body.error).toBe('method_not_allowed');
      await setSmsPolicy(srv.repo, { ...SMS_SIGN_IN_ON, target: { allUsers: true, includeGroups: [], excludeGroups: ['Pilot'] } });
      const s = await startSignIn(srv, srv.users.alice!.upn);
      expect((await s.browser.post('/api/signin/password', { flowId: s.flowId, password: srv.users.alice!.password })).body).toEqual({ status: 'signed_in' });
      await setSmsPolicy(srv.repo, SMS_SIGN_IN_ON);
    });

    it('is off by default: a verified phone alone does not sign in', async () => {
      await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
      try {
        expect(DEFAULT_SMS_POLICY.useForSignIn).toBe(false);
        expect(await signInMethodsOf(srv, srv.users.alice!.upn)).toEqual(['password']);
        expect((await sendSignInCode('alice')).sent.body.error).toBe('method_not_allowed');
      } finally {
        await setSmsPolicy(srv.repo, SMS_SIGN_IN_ON);
      }
    });

    it('never stands in for an authenticator the user has: the code alone is refused, SMS stays a second factor', async () => {
      const hal = srv.users.helpdesk!;
      const me = await addVerifiedPhone('helpdesk', '+15551230009');
      expect(await signInMethodsOf(srv, hal.upn)).toContain('sms');
      const enrolled = await enrollUser(srv, 'helpdesk', { connect: false, me });
      try {
        const s = await sendSignInCode('helpdesk');
        expect(await signInMethodsOf(srv, hal.upn)).not.toContain('sms');
        expect(s.sent.body.error).toBe('method_not_allowed');
        // After the password, SMS is still one of the second factors offered.
        const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password: hal.password });
        expect(pw.body).toMatchObject({ status: 'mfa_required' });
        expect(pw.body.secondFactors).toEqual(['authenticator', 'sms']);
      } finally {
        enrolled.device.close();
      }
    });
  });

  describe('codes and providers', () => {
    it('never writes a code or a full number to the log, even at trace level', async () => {
      const lines: string[] = [];
      const traced = await startServer({ clock: new ManualClock(), log: pino({ level: 'trace' }, { write: (l: string) => void lines.push(l) }) });
      try {
        const me = await signIn(traced.origin, traced.users.carol!.upn, traced.users.carol!.password);
        const add = await me.post('/api/me/phone', { number: '+15557654321' });
        const [msg] = await traced.repo.listOutbox({ channel: 'sms', to: '+15557654321', limit: 1 });
        const code = codeIn(msg!.text);
        await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: code === '000000' ? '000001' : '000000' });
        expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code })).status).toBe(200);
        const s = new HttpClient(traced.origin);
        const start = await s.post('/api/signin/start', { username: traced.users.carol!.upn });
        await s.post('/api/signin/password', { flowId: start.body.flowId, password: traced.users.carol!.password });
        const sent = await s.post('/api/signin/sms/send', { flowId: start.body.flowId });
        const [signInText] = await traced.repo.listOutbox({ channel: 'sms', to: '+15557654321', limit: 1 });
        expect((await s.post('/api/signin/sms', { flowId: start.body.flowId, codeId: sent.body.codeId, code: codeIn(signInText!.text) })).body.status).toBe('signed_in');
        // Times, durations and request ids are digits that could hold a 6-digit run by chance: drop them first.
        const log = lines.join('').replace(/"(time|ms|pid)":[\d.]+|"reqId":"[^"]*"/g, '');
        expect(lines.length).toBeGreaterThan(5);
        for (const secret of [code, codeIn(signInText!.text), '+15557654321', '7654321']) expect(log).not.toContain(secret);
        // Nor does the sign-in log or the audit log.
        const entries = JSON.stringify(await traced.repo.listSignIns({ limit: 50 })) + JSON.stringify(await traced.repo.listAudit({ limit: 50 }));
        for (const secret of [code, codeIn(signInText!.text), '+15557654321']) expect(entries).not.toContain(secret);
      } finally {
        await traced.close();
      }
    });

    it('draws the code from the injected randomness, leading zeros kept', async () => {
      const fixed = await startServer({ clock: new ManualClock(), random: { bytes: (n) => new Uint8Array(n).map(() => Math.floor(Math.random() * 256)), int: (min) => min + 42 } });
      try {
        const me = await signIn(fixed.origin, fixed.users.alice!.upn, fixed.users.alice!.password);
        await me.post('/api/me/phone', { number: NUMBERS.alice });
        const [msg] = await fixed.repo.listOutbox({ channel: 'sms', to: NUMBERS.alice, limit: 1 });
        expect(msg!.text).toMatch(/^000042 is your pushkey verification code\. It expires in 5 minutes\./);
      } finally {
        await fixed.close();
      }
    });

    describe('webhook provider', () => {
      let hook: Server;
      let received: Array<{ headers: Record<string, unknown>; body: any }> = [];
      let answer = 204;
      let url = '';
      beforeAll(async () => {
        hook = createServer((req, res) => {
          let text = '';
          req.on('data', (c) => (text += c));
          req.on('end', () => {
            received.push({ headers: req.headers, body: JSON.parse(text) });
            res.writeHead(answer).end();
          });
        });
        await new Promise<void>((r) => hook.listen(0, '127.0.0.1', r));
        url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/sms`;
      });
      afterAll(async () => new Promise<void>((r) => hook.close(() => r())));

      it('POSTs each code as JSON to the configured URL, and keeps nothing in the lab outbox', async () => {
        received = [];
        const hooked = await startServer({ clock: new ManualClock(), sms: webhookSmsProvider(url, pino({ level: 'silent' })) });
        await setSmsPolicy(hooked.repo, SMS_SIGN_IN_ON);
        try {
          const me = await signIn(hooked.origin, hooked.users.bob!.upn, hooked.users.bob!.password);
          const add = await me.post('/api/me/phone', { number: '+44 7700 900123' });
          expect(add.status).toBe(200);
          expect(received).toHaveLength(1);
          expect(received[0]!.headers['content-type']).toBe('application/json');
          expect(received[0]!.body).toMatchObject({ type: 'pushkey.sms', to: '+447700900123', userId: expect.any(String) });
          const code = codeIn(received[0]!.body.text);
          expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code })).body.verified).toBe(true);
          expect(await hooked.repo.listOutbox({ channel: 'sms', limit: 5 })).toEqual([]);
          // A gateway that refuses: the person is told, with a 503, and may retry.
          answer = 500;
          const s = new HttpClient(hooked.origin);
          const start = await s.post('/api/signin/start', { username: hooked.users.bob!.upn });
          const sent = await s.post('/api/signin/sms/send', { flowId: start.body.flowId });
          expect(sent).toMatchObject({ status: 503, body: { error: 'unavailable' } });
        } finally {
          answer = 204;
          await hooked.close();
        }
      });

      it('answers unavailable when the gateway cannot be reached', async () => {
        const dead = await startServer({ clock: new ManualClock(), sms: webhookSmsProvider('http://127.0.0.1:9/none', pino({ level: 'silent' }), 500) });
        try {
          const me = await signIn(dead.origin, dead.users.bob!.upn, dead.users.bob!.password);
          expect(await me.post('/api/me/phone', { number: '+447700900123' })).toMatchObject({ status: 503, body: { error: 'unavailable' } });
        } finally {
          await dead.close();
        }
      });
    });
  });
});
