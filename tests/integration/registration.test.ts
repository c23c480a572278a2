// Registration protection, change notices, the preferred-method order, and passkey input
// that never parses into a 500. Passkey ceremonies with a real authenticator run in
// Chromium (tests/e2e/passkeys.test.ts); here the server's side of every refusal.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_PASSKEY_POLICY, DEFAULT_REGISTRATION_POLICY, DEFAULT_SMS_POLICY, setPasskeyPolicy, setRegistrationPolicy, setSmsPolicy } from '../../server/domain/methods/method-policy.ts';
import { enrollUser, flowStatus, startPasswordThenPush, startSignIn, upgradeToPasswordless, userId, type EnrolledUser, signInMethodsOf } from '../support/flows.ts';
import { HttpClient, ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';
import { getAuthenticatorPolicy, setAuthenticatorPolicy } from '../../server/domain/policies/policy.ts';

describe('registration protection, notices and method order', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let helpdesk: HttpClient;
  let carol: EnrolledUser;
  const ids: Record<string, string> = {};

  const password = (name: string) => signIn(srv.origin, srv.users[name]!.upn, srv.users[name]!.password);
  /** A session from a Temporary Access Pass the helpdesk issued. */
  const tapSession = async (name: string) => {
    const { pass } = (await helpdesk.post(`/api/admin/users/${ids[name]}/tap`, {})).body;
    const s = await startSignIn(srv, srv.users[name]!.upn);
    expect((await s.browser.post('/api/signin/tap', { flowId: s.flowId, pass })).body.status).toBe('signed_in');
    return s.browser;
  };
  /** A multifactor session: password, then the number-match push approved on the device. */
  const mfaSession = async (u: EnrolledUser) => {
    const flow = await startPasswordThenPush(srv, u.upn, u.password);
    expect((await u.device.respond(await u.device.nextPush(), 'approve', flow.number)).body.outcome).toBe('approved');
    expect((await flowStatus(flow)).status).toBe('signed_in');
    return flow.browser;
  };
  const codeFor = async (number: string) => /^(\d{6})/.exec((await srv.repo.listOutbox({ channel: 'sms', to: number, limit: 1 }))[0]!.text)![1]!;
  const addPhone = async (me: HttpClient, number: string) => {
    const add = await me.post('/api/me/phone', { number });
    expect(add.status, JSON.stringify(add.body)).toBe(200);
    expect((await me.post('/api/me/phone/verify', { codeId: add.body.codeId, code: await codeFor(number) })).status).toBe(200);
  };

  beforeAll(async () => {
    srv = await startServer({ clock });
    helpdesk = await password('helpdesk');
    for (const n of ['alice', 'bob', 'carol', 'dave']) ids[n] = await userId(helpdesk, srv.users[n]!.upn);
    carol = await enrollUser(srv, 'carol');
  });
  afterAll(async () => {
    carol?.device.close();
    await srv?.close();
  });
  beforeEach(async () => {
    await setRegistrationPolicy(srv.repo, DEFAULT_REGISTRATION_POLICY);
    await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
    await setPasskeyPolicy(srv.repo, DEFAULT_PASSKEY_POLICY);
    helpdesk = await password('helpdesk');
  });

  describe('strict: adding any method needs multifactor or a Temporary Access Pass', () => {
    beforeEach(() => setRegistrationPolicy(srv.repo, { ...DEFAULT_REGISTRATION_POLICY, strict: true }));

    it('refuses a password-only session every way of adding a method, with step_up_required and a message saying what to do', async () => {
      const me = await password('dave');
      for (const [path, body] of [['/api/me/phone', { number: '+15551239999' }], ['/api/me/passkeys/options', {}], ['/api/me/authenticator/activation', {}]] as const) {
        const res = await me.post(path, body);
        expect(res.status, path).toBe(403);
        expect(res.body.error).toBe('step_up_required');
        expect(res.body.message).toMatch(/multifactor sign-in or a Temporary Access Pass/);
      }
      expect((await me.get('/api/me/sign-in-methods')).body.registrationRefusal).toMatch(/multifactor/);
      expect(await srv.repo.getUserPhone(ids.dave!)).toBeNull();
      expect(await srv.repo.listOutbox({ channel: 'sms', to: '+15551239999', limit: 1 })).toEqual([]);
    });

    it('lets a Temporary Access Pass session add methods', async () => {
      const me = await tapSession('dave');
      expect((await me.get('/api/me/sign-in-methods')).body.registrationRefusal).toBeNull();
      expect((await me.post('/api/me/passkeys/options', {})).status).toBe(200);
      await addPhone(me, '+15551230404');
      expect((await me.post('/api/me/authenticator/activation', {})).status).toBe(200);
    });

    it('lets a multifactor session add methods', async () => {
      const me = await mfaSession(carol);
      const options = await me.post('/api/me/passkeys/options', {});
      expect(options.status).toBe(200);
      expect(options.body.options).toMatchObject({ rp: { id: new URL(srv.origin).hostname }, attestation: 'none', authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' } });
    });
  });

  describe('default: a password alone may add the first method', () => {
    it('lets a password-only session add the first method and the next ones, but a later password-only session no more', async () => {
      const me = await password('bob');
      await addPhone(me, '+15551230202');
      expect((await me.post('/api/me/passkeys/options', {})).status).toBe(200); // the same session, begun before any method
      // SMS as the second factor turned off: the password alone signs Bob in again …
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, enabled: false });
      clock.advance(1000);
      const later = await password('bob');
      // … but that session proves less than the method Bob already has.
      expect(await later.post('/api/me/passkeys/options', {})).toMatchObject({ status: 403, body: { error: 'step_up_required', message: expect.stringMatching(/already have a sign-in method/) } });
      expect((await later.post('/api/me/authenticator/activation', {})).body.error).toBe('step_up_required');
    });

    it('refuses a later password-only session the removal of a method too: it would then add its own as "the first"', async () => {
      // Bob's phone (previous test) was verified before this session began; SMS is off as a second factor.
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, enabled: false });
      clock.advance(1000);
      const later = await password('bob');
      expect(await later.del('/api/me/phone')).toMatchObject({ status: 403, body: { error: 'step_up_required', message: expect.stringMatching(/to remove one/) } });
      expect((await srv.repo.getUserPhone(ids.bob!))?.verifiedAt).toBeTruthy();
      expect((await later.post('/api/me/authenticator/activation', {})).body.error).toBe('step_up_required');
      // A Temporary Access Pass proves enough to remove it.
      const strong = await tapSession('bob');
      expect((await strong.del('/api/me/phone')).status).toBe(200);
      expect(await srv.repo.getUserPhone(ids.bob!)).toBeNull();
    });

    it("lets a password-only session remove what it added itself, and not what came before it", async () => {
      // Mode Passwordless: push MFA is off, so a password alone signs in a user with a device.
      const before = await getAuthenticatorPolicy(srv.repo);
      await setAuthenticatorPolicy(srv.repo, { ...before, mode: 'passwordless' });
      try {
        const first = await enrollUser(srv, 'alice', { connect: false, deviceName: 'Try 1' });
        // enrollUser signed Alice in with her password and added the device in that session: the wizard, tried again.
        expect((await first.me.del(`/api/me/devices/${first.device.deviceId}`)).status).toBe(200);
        const second = await enrollUser(srv, 'alice', { connect: false, deviceName: 'Try 2' });
        clock.advance(1000);
        const later = await password('alice');
        expect((await later.del(`/api/me/devices/${second.device.deviceId}`)).body).toMatchObject({ error: 'step_up_required', message: expect.stringMatching(/to remove one/) });
        expect((await srv.repo.getDevice(second.device.deviceId))?.revokedAt).toBeNull();
        expect((await later.post('/api/me/authenticator/activation', {})).body.error).toBe('step_up_required');
        expect((await helpdesk.del(`/api/admin/devices/${second.device.deviceId}`)).status).toBe(200);
      } finally {
        await setAuthenticatorPolicy(srv.repo, before);
      }
    });
  });

  describe('strict: removing a method', () => {
    beforeEach(() => setRegistrationPolicy(srv.repo, { ...DEFAULT_REGISTRATION_POLICY, strict: true }));

    it('needs multifactor or a Temporary Access Pass, and says so', async () => {
      const me = await password('policy');
      expect(await me.del('/api/me/passkeys/AAAAAAAAAAAAAAAAAAAAAA')).toMatchObject({ status: 403, body: { error: 'step_up_required', message: expect.stringMatching(/^Removing a sign-in method needs a multifactor sign-in/) } });
      expect((await (await mfaSession(carol)).del('/api/me/passkeys/AAAAAAAAAAAAAAAAAAAAAA')).body.error).toBe('not_found');
    });
  });

  describe('notices and audit', () => {
    it('tells the user in the email outbox when an authenticator is added or removed', async () => {
      const alice = await enrollUser(srv, 'alice', { connect: false, deviceName: 'Profile B' });
      const added = (await srv.repo.listOutbox({ channel: 'email', to: alice.upn, limit: 1 }))[0]!;
      expect(added.text).toMatch(/^The Authenticator app “Profile B” was added to your account on .* UTC/);
      expect((await helpdesk.del(`/api/admin/devices/${alice.device.deviceId}`)).status).toBe(200);
      const removed = (await srv.repo.listOutbox({ channel: 'email', to: alice.upn, limit: 1 }))[0]!;
      expect(removed.text).toMatch(/^The Authenticator app “Profile B” was removed from your account by helpdesk@pushkey\.test/);
    });

    it('tells the user when the helpdesk issues or deletes a Temporary Access Pass', async () => {
      expect((await helpdesk.post(`/api/admin/users/${ids.alice}/tap`, {})).status).toBe(201);
      expect((await srv.repo.listOutbox({ channel: 'email', to: srv.users.alice!.upn, limit: 1 }))[0]!.text).toMatch(/^A Temporary Access Pass valid until .* UTC was issued for your account by helpdesk@pushkey\.test/);
      expect((await helpdesk.del(`/api/admin/users/${ids.alice}/tap`)).status).toBe(200);
      expect((await srv.repo.listOutbox({ channel: 'email', to: srv.users.alice!.upn, limit: 1 }))[0]!.text).toMatch(/^The Temporary Access Pass of your account was deleted by helpdesk/);
    });

    it('lets the helpdesk and a global admin read the outbox, and nobody else', async () => {
      const admin = await password('admin');
      expect((await admin.get('/api/admin/outbox?channel=email')).body.messages.length).toBeGreaterThan(0);
      expect((await helpdesk.get('/api/admin/outbox?channel=sms&to=%2B15551230202')).body.messages[0].text).toMatch(/is your pushkey/);
      expect((await (await password('policy')).get('/api/admin/outbox')).status).toBe(403);
      expect((await (await password('alice')).get('/api/admin/outbox')).status).toBe(403);
      expect(await admin.get('/api/admin/outbox?channel=sms&to=not-a-number')).toMatchObject({ status: 400, body: { error: 'bad_request' } });
      expect((await admin.get('/api/admin/outbox?channel=fax')).status).toBe(400);
    });
  });

  describe('preferred-method order', () => {
    it('orders TAP > passwordless > password, never offers the SMS code alone to a user who has the app, and lets SMS be the default second factor', async () => {
      await upgradeToPasswordless(carol);
      const me = await mfaSession(carol);
      await addPhone(me, '+15551230303');
      await helpdesk.post(`/api/admin/users/${ids.carol}/tap`, {});
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: true });
      // SMS sign-in is on, but the code alone never stands in for the app Carol has.
      expect(await signInMethodsOf(srv, carol.upn)).toEqual(['tap', 'passwordless', 'password']);
      // SMS may still be her default: as the second factor after the password.
      expect((await me.put('/api/me/default-method', { method: 'sms' })).body).toEqual({ defaultMethod: 'sms' });
      expect(await signInMethodsOf(srv, carol.upn)).toEqual(['tap', 'passwordless', 'password']);
      // Not allowed: a default the user has not added, or one the policy turned off, is refused or ignored.
      expect(await me.put('/api/me/default-method', { method: 'passkey' })).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
      expect((await me.put('/api/me/default-method', { method: 'fax' })).status).toBe(400);
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, enabled: false });
      expect(await signInMethodsOf(srv, carol.upn)).toEqual(['tap', 'passwordless', 'password']);
      await helpdesk.del(`/api/admin/users/${ids.carol}/tap`);
    });

    it('asks for the preferred second factor after the password: the push by default, SMS when the user chose it', async () => {
      await carol.me.put('/api/me/default-method', { method: 'authenticator' }).catch(() => {});
      const me = await mfaSession(carol);
      expect((await me.put('/api/me/default-method', { method: 'authenticator' })).status).toBe(200);
      const s1 = await startSignIn(srv, carol.upn);
      // The push goes first, and the page learns what else may stand in for it — SMS too, even where SMS sign-in alone is off.
      await setSmsPolicy(srv.repo, { ...DEFAULT_SMS_POLICY, useForSignIn: false });
      const mfa = await s1.browser.post('/api/signin/password', { flowId: s1.flowId, password: carol.password });
      expect(mfa.body).toMatchObject({ status: 'mfa_required', secondFactors: ['authenticator', 'sms'] });
      await setSmsPolicy(srv.repo, DEFAULT_SMS_POLICY);
      await carol.device.nextPush();
      expect((await me.put('/api/me/default-method', { method: 'sms' })).status).toBe(200);
      const s2 = await startSignIn(srv, carol.upn);
      expect((await s2.browser.post('/api/signin/password', { flowId: s2.flowId, password: carol.password })).body).toEqual({ status: 'second_factor', methods: ['sms', 'authenticator'], tapUsable: false });
      // "Send another request" still reaches the app from here.
      expect((await s2.browser.post('/api/signin/resend', { flowId: s2.flowId })).body.status).toBe('mfa_required');
    });
  });

  describe('policies in the admin API', () => {
    it('lets a policy admin change the three policies (audited), the helpdesk only read them, and refuses bad values', async () => {
      const policy = await password('policy');
      expect((await policy.put('/api/admin/policies/passkey', { ...DEFAULT_PASSKEY_POLICY, userVerification: 'required' })).status).toBe(200);
      expect((await policy.put('/api/admin/policies/sms', { ...DEFAULT_SMS_POLICY, useForSignIn: false })).status).toBe(200);
      expect((await policy.put('/api/admin/policies/registration', { ...DEFAULT_REGISTRATION_POLICY, strict: true })).status).toBe(200);
      expect((await helpdesk.get('/api/admin/policies/passkey')).body.userVerification).toBe('required');
      expect((await helpdesk.put('/api/admin/policies/registration', DEFAULT_REGISTRATION_POLICY)).status).toBe(403);
      for (const [name, body] of [['passkey', { ...DEFAULT_PASSKEY_POLICY, attestation: 'enterprise' }], ['passkey', { ...DEFAULT_PASSKEY_POLICY, userVerification: 'discouraged' }], ['sms', { enabled: 'yes' }], ['registration', {}]] as const) {
        expect((await policy.put(`/api/admin/policies/${name}`, body)).body.error, name).toBe('bad_request');
      }
      const audit = await srv.repo.listAudit({ action: 'policy.', limit: 3 });
      expect(audit.map((e) => e.action).sort()).toEqual(['policy.passkey.updated', 'policy.registration.updated', 'policy.sms.updated']);
    });
  });

  describe('passkey input', () => {
    const b64 = (s: string) => Buffer.from(s).toString('base64url');
    const registration = (over: Record<string, unknown> = {}, response: Record<string, unknown> = {}) => ({
      id: 'AAAA',
      rawId: 'AAAA',
      type: 'public-key',
      response: { clientDataJSON: b64('{"type":"webauthn.create"}'), attestationObject: b64('not cbor'), transports: ['internal'], ...response },
      clientExtensionResults: {},
      ...over,
    });

    it('refuses malformed registrations with bad_request, and a garbage attestation object without a 500', async () => {
      const me = await tapSession('alice');
      const { ceremonyId } = (await me.post('/api/me/passkeys/options', {})).body;
      for (const body of [
        {},
        { ceremonyId, name: 'Key' },
        { ceremonyId, name: '', response: registration() },
        { ceremonyId, name: 'Key\u0000', response: registration() },
        { ceremonyId, name: 'x'.repeat(65), response: registration() },
        { ceremonyId, name: 'Key', response: registration({ type: 'password' }) },
        { ceremonyId, name: 'Key', response: registration({}, { attestationObject: 'not base64url!' }) },
        { ceremonyId, name: 'Key', response: registration({}, { attestationObject: 12 }) },
        { ceremonyId, name: 'Key', response: registration({}, { clientDataJSON: undefined }) },
        { ceremonyId: 'short', name: 'Key', response: registration() },
      ]) {
        const res = await me.post('/api/me/passkeys', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error).toBe('bad_request');
      }
      // Well-formed but not an attestation: refused by the verifier, named, and the ceremony is spent.
      const garbage = await me.post('/api/me/passkeys', { ceremonyId, name: 'Key', response: registration() });
      expect(garbage.status).toBe(400);
      expect(garbage.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/^The passkey could not be registered: /) });
      expect(await me.post('/api/me/passkeys', { ceremonyId, name: 'Key', response: registration() })).toMatchObject({ status: 409, body: { error: 'challenge_consumed' } });
      expect(await srv.repo.listUserPasskeys(ids.alice!)).toEqual([]);
    });

    it('refuses malformed and unknown sign-in answers with 4xx codes', async () => {
      const s = new HttpClient(srv.origin);
      const started = await s.post('/api/signin/passkey/options', {});
      expect(started.status).toBe(200);
      expect(started.body.options).toMatchObject({ rpId: new URL(srv.origin).hostname, allowCredentials: [], userVerification: 'required' }); // the passkey alone: it must verify the user
      const assertion = { id: 'AAAA', rawId: 'AAAA', type: 'public-key', response: { clientDataJSON: b64('{}'), authenticatorData: b64('x'), signature: b64('sig') }, clientExtensionResults: {} };
      for (const response of [{}, { ...assertion, response: { ...assertion.response, signature: '' } }, { ...assertion, id: 'not/base64' }, 'text']) {
        const res = await s.post('/api/signin/passkey', { flowId: started.body.flowId, ceremonyId: started.body.ceremonyId, response });
        expect(res.status, JSON.stringify(response)).toBe(400);
      }
      const unknown = await s.post('/api/signin/passkey', { flowId: started.body.flowId, ceremonyId: started.body.ceremonyId, response: assertion });
      expect(unknown).toMatchObject({ status: 404, body: { error: 'device_unknown' } });
      expect((await s.post('/api/signin/passkey', { flowId: started.body.flowId, ceremonyId: started.body.ceremonyId, response: assertion })).body.error).toBe('challenge_consumed');
      expect(await srv.repo.getSignIn(started.body.flowId)).toMatchObject({ result: 'failure', failureCode: 'challenge_consumed' });
      // Another browser cannot use this flow.
      expect((await new HttpClient(srv.origin).post('/api/signin/passkey/options', { flowId: started.body.flowId })).body.error).toBe('flow_invalid');
    });

    it('refuses passkeys when the policy is off or does not target the user', async () => {
      await setPasskeyPolicy(srv.repo, { ...DEFAULT_PASSKEY_POLICY, target: { allUsers: false, includeGroups: ['Staff'], excludeGroups: [] } });
      const me = await tapSession('alice');
      expect(await me.post('/api/me/passkeys/options', {})).toMatchObject({ status: 403, body: { error: 'method_not_allowed' } });
      expect((await me.get('/api/me/sign-in-methods')).body.rights).toEqual({ passkey: false, sms: true });
      await setPasskeyPolicy(srv.repo, { ...DEFAULT_PASSKEY_POLICY, enabled: false });
      expect((await new HttpClient(srv.origin).post('/api/signin/passkey/options', {})).body.error).toBe('method_not_allowed');
    });
  });
  // Last: it moves the clock past every account's onboarding window.
  describe('default: the onboarding window', () => {
    it('only within the onboarding window: a password phished a week after the account was made binds nothing, until a helpdesk reset opens the window again', async () => {
      const admin = await password('admin');
      const created = await admin.post('/api/admin/users', { upn: 'erin@pushkey.test', displayName: 'Erin Evans', password: 'Erin-Passw0rd!', groups: [], roles: ['user'] });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const days = DEFAULT_REGISTRATION_POLICY.onboardingDays;
      expect(created.body.onboardingFrom).toBe(clock.now());
      const closesAt = created.body.onboardingFrom + days * 86_400_000;
      const erin = () => signIn(srv.origin, 'erin@pushkey.test', 'Erin-Passw0rd!');
      // The last millisecond of the window: a password alone may still start the first method.
      clock.advance(closesAt - 1 - clock.now());
      const early = await erin();
      expect((await early.post('/api/me/authenticator/activation', {})).status).toBe(200);
      // From the window's end, the same password (someone else's now, say) binds no authenticator.
      clock.advance(1);
      for (const me of [early, await erin()]) {
        expect(await me.post('/api/me/authenticator/activation', {})).toMatchObject({ status: 403, body: { error: 'step_up_required', message: expect.stringMatching(/past its onboarding period/) } });
        expect((await me.post('/api/me/passkeys/options', {})).body.error).toBe('step_up_required');
      }
      // The helpdesk resets the password: a new window, shown to admins.
      helpdesk = await password('helpdesk');
      expect((await helpdesk.post(`/api/admin/users/${created.body.id}/password`, { password: 'Erin-N3w-Passw0rd!' })).status).toBe(200);
      expect((await helpdesk.get(`/api/admin/users/${created.body.id}`)).body.onboardingFrom).toBe(clock.now());
      const reset = await signIn(srv.origin, 'erin@pushkey.test', 'Erin-N3w-Passw0rd!');
      expect((await reset.post('/api/me/authenticator/activation', {})).status).toBe(200);
    });
  });
});
