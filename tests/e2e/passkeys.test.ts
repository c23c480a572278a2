// Passkeys end to end in real Chromium with its virtual authenticator (DevTools protocol
// WebAuthn domain: ctap2, internal, resident key, user verification): register, sign in
// with and without a typed user name, a wrong origin rejected, a replayed assertion
// rejected (challenge consumed, counter forward only), a deleted passkey refused; and an app
// that asks for a phishing-resistant sign-in (acr phr) gets one only through a passkey.
// The browser does only what a browser does (navigator.credentials); the server's answers
// are checked through the API, as the site's pages would see them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CDPSession, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Browsers, type Profile } from '../support/browser.ts';
import { HttpClient, startServer, type TestServer } from '../support/server.ts';
import * as oidc from 'openid-client';
import { enrollUser, signInMethodsOf } from '../support/flows.ts';
import { allowOnPage, authorizationRequest, follow, interactionOf, registerTestApp } from '../support/oidc.ts';
import { DEFAULT_PASSKEY_POLICY, setPasskeyPolicy } from '../../server/domain/methods/method-policy.ts';
import { CEREMONY_TIMEOUT_MS } from '../../server/domain/methods/webauthn.ts';
import type { ManualClock } from '../support/clock.ts';

let browsers: Browsers;
let profile: Profile;
let srv: TestServer;
let page: Page;
let cdp: CDPSession;
let authenticatorId: string;
/** Another origin on the same host: its pages may use the rpId "localhost", but it is not the server's origin. */
let elsewhere: Server;
let elsewhereOrigin: string;

/** The JSON forms of WebAuthn's options and credentials (Chromium has them natively). */
interface Json {
  [key: string]: unknown;
}

/** In the page: navigator.credentials.create with the server's options; the credential as JSON. */
const createInPage = (p: Page, options: unknown) =>
  p.evaluate(async (o) => {
    const pkc = PublicKeyCredential as unknown as { parseCreationOptionsFromJSON(j: unknown): PublicKeyCredentialCreationOptions };
    const cred = (await navigator.credentials.create({ publicKey: pkc.parseCreationOptionsFromJSON(o) })) as PublicKeyCredential & { toJSON(): unknown };
    return cred.toJSON() as unknown as Record<string, unknown>;
  }, options as Json);

/** In the page: navigator.credentials.get; the assertion as JSON. */
const getInPage = (p: Page, options: unknown) =>
  p.evaluate(async (o) => {
    const pkc = PublicKeyCredential as unknown as { parseRequestOptionsFromJSON(j: unknown): PublicKeyCredentialRequestOptions };
    const cred = (await navigator.credentials.get({ publicKey: pkc.parseRequestOptionsFromJSON(o) })) as PublicKeyCredential & { toJSON(): unknown };
    return cred.toJSON() as unknown as Record<string, unknown>;
  }, options as Json);

/** The signed-in My Account browser (password; Alice has no method yet, so no second factor). */
let me: HttpClient;

async function registerPasskey(name: string) {
  const started = await me.post('/api/me/passkeys/options', {});
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  const response = await createInPage(page, started.body.options);
  return me.post('/api/me/passkeys', { ceremonyId: started.body.ceremonyId, name, response });
}

/** A fresh browser asks for sign-in options (with a flow after typing the user name, or none). */
async function passkeyOptions(upn?: string) {
  const browser = new HttpClient(srv.origin);
  let flowId: string | undefined;
  if (upn) flowId = (await browser.post('/api/signin/start', { username: upn })).body.flowId;
  const started = await browser.post('/api/signin/passkey/options', flowId ? { flowId } : {});
  expect(started.status, JSON.stringify(started.body)).toBe(200);
  return { browser, flowId: started.body.flowId as string, ceremonyId: started.body.ceremonyId as string, options: started.body.options };
}

beforeAll(async () => {
  browsers = new Browsers();
  // WebAuthn needs a secure context: http://localhost is one.
  [profile, srv] = await Promise.all([browsers.launch({ extension: false }), startServer({ host: 'localhost' })]);
  elsewhere = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
  await new Promise<void>((r) => elsewhere.listen(0, 'localhost', r));
  elsewhereOrigin = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
  page = await profile.browser.newPage();
  await page.goto(`${srv.origin}/api/health`);
  cdp = await page.createCDPSession();
  await cdp.send('WebAuthn.enable');
  ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
  }));
  const alice = srv.users.alice!;
  me = new HttpClient(srv.origin);
  const start = await me.post('/api/signin/start', { username: alice.upn });
  expect((await me.post('/api/signin/password', { flowId: start.body.flowId, password: alice.password })).body.status).toBe('signed_in');
});

afterAll(async () => {
  await browsers?.closeAll();
  await srv?.close();
  await new Promise<void>((r) => (elsewhere ? elsewhere.close(() => r()) : r()));
});

describe('passkeys in Chromium with a virtual authenticator', () => {
  let passkeyId = '';
  let credentialId = '';

  it('registers a named passkey: listed, audited, announced, and held by the authenticator as a resident key', async () => {
    const added = await registerPasskey('Alice’s laptop');
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ name: 'Alice’s laptop', lastUsedAt: null });
    passkeyId = added.body.id;
    const list = await me.get('/api/me/sign-in-methods');
    expect(list.body.passkeys).toEqual([added.body]);
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    expect(credentials).toHaveLength(1);
    expect(credentials[0]!.isResidentCredential).toBe(true);
    expect(credentials[0]!.rpId).toBe('localhost');
    credentialId = Buffer.from(credentials[0]!.credentialId, 'base64').toString('base64url');
    expect((await srv.repo.getPasskeyByCredentialId(credentialId))!.id).toBe(passkeyId);
    const user = await srv.repo.getUserByUpn(srv.users.alice!.upn);
    expect((await srv.repo.listAudit({ targetId: passkeyId, limit: 1 }))[0]).toMatchObject({ action: 'passkey.added', actorUpn: srv.users.alice!.upn });
    expect((await srv.repo.listOutbox({ channel: 'email', to: user!.upn, limit: 1 }))[0]!.text).toMatch(/^A passkey named “Alice’s laptop” was added to your account/);
  });

  it('refuses the same authenticator a second passkey for the account (excludeCredentials)', async () => {
    const started = await me.post('/api/me/passkeys/options', {});
    expect(started.body.options.excludeCredentials).toEqual([expect.objectContaining({ id: credentialId, type: 'public-key' })]);
    await expect(createInPage(page, started.body.options)).rejects.toThrow(/InvalidStateError|excluded|already registered/i);
  });

  it('signs in with no user name typed: the passkey names the user, and the attempt is logged as multifactor', async () => {
    const s = await passkeyOptions();
    expect(s.options.allowCredentials).toEqual([]);
    const response = await getInPage(page, s.options);
    const done = await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response });
    expect(done.body).toEqual({ status: 'signed_in' });
    const who = await s.browser.get('/api/me');
    expect(who.body.user.upn).toBe(srv.users.alice!.upn);
    // The virtual authenticator verifies the user: the session records it, a second factor (apps/assurance.ts).
    expect(who.body.session.methods).toEqual(['passkey', 'passkey_uv']);
    expect(await srv.repo.getSignIn(s.flowId)).toMatchObject({ upn: srv.users.alice!.upn, result: 'success', requirement: 'multifactor', methods: ['passkey', 'passkey_uv'] });
  });

  it('offers the passkey after the user name, first among the ways in, and signs in with it, listing no credential to whoever typed the name', async () => {
    expect(await signInMethodsOf(srv, srv.users.alice!.upn)).toEqual(['passkey', 'password']);
    const start = await new HttpClient(srv.origin).post('/api/signin/start', { username: srv.users.alice!.upn });
    expect(start.body.methods).toContain('passkey');
    const s = await passkeyOptions(srv.users.alice!.upn);
    // The passkey is discoverable: the authenticator finds it without a list that would tell the account exists.
    expect(s.options.allowCredentials).toEqual([]);
    const response = await getInPage(page, s.options);
    expect((await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response })).body.status).toBe('signed_in');
  });

  it('rejects an assertion made on another origin, naming both origins', async () => {
    const s = await passkeyOptions(srv.users.alice!.upn);
    const other = await profile.browser.newPage();
    try {
      await other.goto(elsewhereOrigin);
      const otherCdp = await other.createCDPSession();
      await otherCdp.send('WebAuthn.enable');
      const { authenticatorId: otherId } = await otherCdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      // The same key, moved into the other page's authenticator: only the origin differs.
      const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
      await otherCdp.send('WebAuthn.addCredential', { authenticatorId: otherId, credential: credentials[0]! });
      const response = await getInPage(other, s.options);
      const refused = await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response });
      expect(refused.status).toBe(401);
      expect(refused.body.error).toBe('signature_invalid');
      expect(refused.body.message).toContain(`"${elsewhereOrigin}"`);
      expect(refused.body.message).toContain(srv.origin);
      expect((await s.browser.get('/api/me')).status).toBe(401);
      expect(await srv.repo.getSignIn(s.flowId)).toMatchObject({ result: 'failure', failureCode: 'signature_invalid' });
    } finally {
      await other.close();
    }
  });

  it('rejects a replayed assertion: its challenge is consumed, and under a new challenge it does not verify', async () => {
    const s = await passkeyOptions(srv.users.alice!.upn);
    const response = await getInPage(page, s.options);
    const before = (await srv.repo.getPasskeyByCredentialId(credentialId))!.counter;
    expect((await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response })).body.status).toBe('signed_in');
    const after = (await srv.repo.getPasskeyByCredentialId(credentialId))!.counter;
    expect(after).toBeGreaterThan(before);
    // The same answer again, in a fresh flow with the spent ceremony: the challenge is gone.
    const replay = await passkeyOptions(srv.users.alice!.upn);
    const same = await replay.browser.post('/api/signin/passkey', { flowId: replay.flowId, ceremonyId: s.ceremonyId, response });
    expect(same.body.error).toMatch(/challenge_consumed|challenge_unknown/);
    expect(same.status).toBeGreaterThanOrEqual(400);
    expect(same.status).toBeLessThan(500);
    // The same answer under the new flow's own challenge: it signed another one.
    const swapped = await replay.browser.post('/api/signin/passkey', { flowId: replay.flowId, ceremonyId: replay.ceremonyId, response });
    expect(swapped).toMatchObject({ status: 401, body: { error: 'signature_invalid' } });
    expect((await srv.repo.getPasskeyByCredentialId(credentialId))!.counter).toBe(after);
  });

  // The library checks the counter first; our conditional write (advancePasskeyCounter) holds it under concurrency.
  it('refuses a counter that does not move forward (a cloned authenticator)', async () => {
    const stored = (await srv.repo.getPasskeyByCredentialId(credentialId))!;
    expect(stored.counter).toBeGreaterThanOrEqual(2);
    // A copy of the key whose counter lags behind the server's: the next assertion counts stored - 1.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await cdp.send('WebAuthn.clearCredentials', { authenticatorId });
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: { ...credentials[0]!, signCount: stored.counter - 2 } });
    const s = await passkeyOptions(srv.users.alice!.upn);
    const response = await getInPage(page, s.options);
    const refused = await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response });
    expect(refused).toMatchObject({ status: 401, body: { error: 'signature_invalid', message: expect.stringMatching(/counter/) } });
    expect((await srv.repo.getPasskeyByCredentialId(credentialId))!.counter).toBe(stored.counter);
  });

  it('refuses an answer without user verification when the policy requires it', async () => {
    await setPasskeyPolicy(srv.repo, { ...DEFAULT_PASSKEY_POLICY, userVerification: 'required' });
    try {
      const s = await passkeyOptions(srv.users.alice!.upn);
      expect(s.options.userVerification).toBe('required');
      // A client that asks the authenticator for presence only (no PIN, no biometrics).
      const response = await getInPage(page, { ...s.options, userVerification: 'discouraged' });
      const refused = await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response });
      expect(refused).toMatchObject({ status: 401, body: { error: 'signature_invalid', message: expect.stringMatching(/user could not be verified/i) } });
    } finally {
      await setPasskeyPolicy(srv.repo, DEFAULT_PASSKEY_POLICY);
    }
  });

  it('needs user verification when the passkey is the only factor, even under "preferred"; after the password, presence is enough', async () => {
    const alone = await passkeyOptions(srv.users.alice!.upn);
    expect(alone.options.userVerification).toBe('required');
    const presenceOnly = await getInPage(page, { ...alone.options, userVerification: 'discouraged' });
    const refused = await alone.browser.post('/api/signin/passkey', { flowId: alone.flowId, ceremonyId: alone.ceremonyId, response: presenceOnly });
    expect(refused).toMatchObject({ status: 401, body: { error: 'signature_invalid', message: expect.stringMatching(/user could not be verified/i) } });

    const b = new HttpClient(srv.origin);
    const start = await b.post('/api/signin/start', { username: srv.users.alice!.upn });
    expect((await b.post('/api/signin/password', { flowId: start.body.flowId, password: srv.users.alice!.password })).body.status).toBe('second_factor');
    const second = await b.post('/api/signin/passkey/options', { flowId: start.body.flowId });
    expect(second.body.options.userVerification).toBe('preferred');
    const response = await getInPage(page, { ...second.body.options, userVerification: 'discouraged' });
    expect((await b.post('/api/signin/passkey', { flowId: start.body.flowId, ceremonyId: second.body.ceremonyId, response })).body).toEqual({ status: 'signed_in' });
    expect((await b.get('/api/me')).body.session.methods).toEqual(['password', 'passkey']);
    expect((await srv.repo.getSignIn(start.body.flowId))!.steps.at(-1)!.detail).not.toMatch(/with user verification/);
  });

  it('refuses a sign-in ceremony answered at its 5-minute timeout, and accepts one 1 ms before', async () => {
    const clock = srv.clock as ManualClock;
    const late = await passkeyOptions(srv.users.alice!.upn);
    const lateResponse = await getInPage(page, late.options);
    const onTime = await passkeyOptions(srv.users.alice!.upn);
    const onTimeResponse = await getInPage(page, onTime.options);
    clock.advance(CEREMONY_TIMEOUT_MS - 1);
    expect((await onTime.browser.post('/api/signin/passkey', { flowId: onTime.flowId, ceremonyId: onTime.ceremonyId, response: onTimeResponse })).body.status).toBe('signed_in');
    clock.advance(1);
    expect(await late.browser.post('/api/signin/passkey', { flowId: late.flowId, ceremonyId: late.ceremonyId, response: lateResponse })).toMatchObject({ status: 409, body: { error: 'challenge_consumed' } });
  });

  it('asks for direct attestation when the policy says so, and registers what the authenticator attests', async () => {
    await setPasskeyPolicy(srv.repo, { ...DEFAULT_PASSKEY_POLICY, attestation: 'direct' });
    try {
      const bob = new HttpClient(srv.origin);
      const start = await bob.post('/api/signin/start', { username: srv.users.bob!.upn });
      expect((await bob.post('/api/signin/password', { flowId: start.body.flowId, password: srv.users.bob!.password })).body.status).toBe('signed_in');
      const started = await bob.post('/api/me/passkeys/options', {});
      expect(started.body.options.attestation).toBe('direct');
      const response = await createInPage(page, started.body.options);
      const added = await bob.post('/api/me/passkeys', { ceremonyId: started.body.ceremonyId, name: 'Bob key', response });
      expect(added.status, JSON.stringify(added.body)).toBe(201);
      // The virtual authenticator keeps Bob's resident key: the server must not know it either,
      // or a later ceremony with no user name may pick it and sign Bob in.
      expect((await bob.del(`/api/me/passkeys/${added.body.id}`)).status).toBe(200);
    } finally {
      await setPasskeyPolicy(srv.repo, DEFAULT_PASSKEY_POLICY);
    }
  });

  it('refuses a deleted passkey, and says so in the audit log and the email outbox', async () => {
    expect((await me.del(`/api/me/passkeys/${passkeyId}`)).body).toEqual({ status: 'deleted' });
    expect((await me.get('/api/me/sign-in-methods')).body.passkeys).toEqual([]);
    expect((await srv.repo.listAudit({ targetId: passkeyId, limit: 1 }))[0]).toMatchObject({ action: 'passkey.deleted' });
    expect((await srv.repo.listOutbox({ channel: 'email', to: srv.users.alice!.upn, limit: 1 }))[0]!.text).toMatch(/^The passkey “Alice’s laptop” was deleted/);
    // The authenticator still holds the key; the server no longer knows it.
    const s = await passkeyOptions();
    const response = await getInPage(page, s.options);
    const refused = await s.browser.post('/api/signin/passkey', { flowId: s.flowId, ceremonyId: s.ceremonyId, response });
    expect(refused).toMatchObject({ status: 404, body: { error: 'device_unknown' } });
    expect(await signInMethodsOf(srv, srv.users.alice!.upn)).toEqual(['password']);
  });
});


// An app that asks for a phishing-resistant sign-in (acr_values=phr) through an unmodified
// openid-client: after the password only a passkey is offered (not the push, though the user has
// an authenticator), the passkey ceremony runs in Chromium, and the ID token says phr.
describe('an app asking for a phishing-resistant sign-in (phr)', () => {
  it('after the password offers only the passkey, sends no push, and the ID token has acr phr with amr mfa pop pwd user', async () => {
    const carol = await enrollUser(srv, 'carol');
    // Carol's passkey lives in an authenticator of its own: the ceremonies above never see it.
    const carolPage = await profile.browser.newPage();
    const carolCdp = await carolPage.createCDPSession();
    try {
      await carolPage.goto(`${srv.origin}/api/health`);
      await carolCdp.send('WebAuthn.enable');
      const { authenticatorId: carolAuthenticator } = await carolCdp.send('WebAuthn.addVirtualAuthenticator', {
        options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
      });
      const started = await carol.me.post('/api/me/passkeys/options', {});
      expect(started.status, JSON.stringify(started.body)).toBe(200);
      const added = await carol.me.post('/api/me/passkeys', { ceremonyId: started.body.ceremonyId, name: 'Carol’s laptop', response: await createInPage(carolPage, started.body.options) });
      expect(added.status, JSON.stringify(added.body)).toBe(201);

      const t = await registerTestApp(srv, { name: 'Payroll (test)' });
      const a = await authorizationRequest(t, { acr_values: 'phr' });
      const browser = new HttpClient(srv.origin);
      const step = await follow(browser, a.url.toString());
      expect(step.page).toBe('signin');
      const uid = interactionOf(step.url);
      expect((await browser.get(`/api/oidc/interactions/${uid}`)).body).toMatchObject({ app: 'Payroll (test)', prompt: 'login', requiredAcr: 'phr' });
      const start = await browser.post('/api/signin/start', { username: carol.upn, interaction: uid });
      expect(start.status, JSON.stringify(start.body)).toBe(200);
      for (const weak of ['passwordless', 'tap', 'sms']) expect(start.body.methods).not.toContain(weak);
      const pw = await browser.post('/api/signin/password', { flowId: start.body.flowId, password: carol.password });
      expect(pw.body).toMatchObject({ status: 'second_factor', methods: ['passkey'] });
      await expect(carol.device.nextPush(300)).rejects.toThrow();

      const options = await browser.post('/api/signin/passkey/options', { flowId: start.body.flowId });
      expect(options.status, JSON.stringify(options.body)).toBe(200);
      const response = await getInPage(carolPage, options.body.options);
      expect((await browser.post('/api/signin/passkey', { flowId: start.body.flowId, ceremonyId: options.body.ceremonyId, response })).body).toEqual({ status: 'signed_in' });
      const consent = await follow(browser, `${srv.origin}/oidc/interaction/${uid}`);
      const callback = await follow(browser, await allowOnPage(browser, interactionOf(consent.url)));
      const tokens = await oidc.authorizationCodeGrant(t.config, new URL(callback.url), { pkceCodeVerifier: a.verifier, expectedState: a.state, expectedNonce: a.nonce });
      const user = (await srv.repo.getUserByUpn(carol.upn))!;
      expect(tokens.claims()).toMatchObject({ sub: user.id, aud: t.app.id, acr: 'phr', amr: ['mfa', 'pop', 'pwd', 'user'] });
      expect((await srv.repo.getSignIn(start.body.flowId))!).toMatchObject({ app: 'Payroll (test)', result: 'success', methods: ['password', 'passkey', 'passkey_uv'] });
      await carolCdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId: carolAuthenticator });
    } finally {
      carol.device.close();
      await carolPage.close();
    }
  });
});
