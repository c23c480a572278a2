// User enumeration: whoever types a user name learns nothing of whether it names an account.
// The user-name step, wrong passwords up to and past the lockout, the lock's end, "Use an app
// instead" and a pass answer an unknown name exactly as they answer a real one (the raw
// bytes, with the flow's random id and the typed name taken out), and each password guess
// costs the same hash work, counted through the injected hasher (never by timing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CookieJar } from '../../devkit/cookie-jar.ts';
import { DEFAULT_LIMITS } from '../../server/domain/deps.ts';
import { DUMMY_HASH, scryptHasher, type PasswordHasher } from '../../server/domain/methods/passwords.ts';
import { enrollUser, signInMethodsOf, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

const UNKNOWN = 'nobody@pushkey.test';
const LIMIT = DEFAULT_LIMITS.passwordFailureLimit;

/** One answer as the wire carries it: status, the headers that could differ, the body's bytes. */
interface Raw {
  status: number;
  contentType: string | null;
  cacheControl: string | null;
  /** Names of the cookies set (their values are random). */
  cookies: string[];
  text: string;
}

/** A browser that keeps the flow cookie and hands back raw answers. */
class RawBrowser {
  private jar = new CookieJar();
  constructor(private readonly origin: string) {}
  async post(path: string, body: unknown): Promise<Raw> {
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0' };
    const cookie = this.jar.header();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(this.origin + path, { method: 'POST', headers, body: JSON.stringify(body) });
    this.jar.keep(res);
    return {
      status: res.status,
      contentType: res.headers.get('content-type'),
      cacheControl: res.headers.get('cache-control'),
      cookies: res.headers.getSetCookie().map((c) => c.split('=')[0]!),
      text: await res.text(),
    };
  }
}

/** Starts a flow for `name`: the raw start answer (its random flow id and the echoed name replaced), and the flow. */
async function start(srv: TestServer, name: string) {
  const browser = new RawBrowser(srv.origin);
  const raw = await browser.post('/api/signin/start', { username: name });
  expect(raw.status, raw.text).toBe(200);
  const flowId = (JSON.parse(raw.text) as { flowId: string }).flowId;
  const text = raw.text.replace(flowId, '<flow>').replace(JSON.stringify(name), '"<name>"');
  return { browser, flowId, opening: { ...raw, text } };
}

async function attempt(srv: TestServer, name: string, path: string, body: Record<string, unknown> = {}): Promise<Raw> {
  const s = await start(srv, name);
  return s.browser.post(path, { flowId: s.flowId, ...body });
}

describe('user enumeration', () => {
  const clock = new ManualClock();
  /** Which hashes each guess was checked against: 'real' (an account's password or pass) or 'dummy'. */
  const checked: Array<'real' | 'dummy'> = [];
  const counting: PasswordHasher = {
    hash: scryptHasher.hash,
    verify: (password, stored) => {
      checked.push(stored === DUMMY_HASH ? 'dummy' : 'real');
      return scryptHasher.verify(password, stored);
    },
  };
  let srv: TestServer;
  let alice: EnrolledUser;
  /** The hash checks one call makes. */
  const hashesOf = async (fn: () => Promise<unknown>) => {
    checked.length = 0;
    await fn();
    return [...checked];
  };

  beforeAll(async () => {
    srv = await startServer({ clock, passwords: counting });
    // Alice has every way in a user name could give away: an app with passwordless, and a pass.
    alice = await enrollUser(srv, 'alice');
    await upgradeToPasswordless(alice);
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const aliceId = (await srv.repo.getUserByUpn(alice.upn))!.id;
    expect((await helpdesk.post(`/api/admin/users/${aliceId}/tap`, {})).status).toBe(201);
  });
  afterAll(async () => {
    alice.device.close();
    await srv.close();
  });

  it('answers the user-name step alike for an unknown name and for accounts with and without methods', async () => {
    expect(await signInMethodsOf(srv, alice.upn)).toEqual(['tap', 'passwordless', 'password']);
    expect(await signInMethodsOf(srv, srv.users.dave!.upn)).toEqual(['password']);
    const unknown = (await start(srv, UNKNOWN)).opening;
    for (const name of [alice.upn, srv.users.dave!.upn, srv.users.admin!.upn]) expect((await start(srv, name)).opening, name).toEqual(unknown);
    // Nor does the step read any hash: it checks nothing.
    expect(await hashesOf(() => start(srv, alice.upn))).toEqual([]);
  });

  it('locks an unknown name after as many wrong passwords as an account, with the same answers, for the same time', async () => {
    const known = srv.users.carol!.upn;
    const run = async (name: string) => {
      const answers: Raw[] = [];
      for (let i = 0; i <= LIMIT; i++) answers.push(await attempt(srv, name, '/api/signin/password', { password: 'Wrong-Passw0rd!' }));
      return answers;
    };
    const lockedAt = clock.now();
    const forKnown = await run(known);
    const forUnknown = await run(UNKNOWN);
    expect(forUnknown).toEqual(forKnown);
    // What the eleven look like: nine wrong, the tenth locks, the eleventh is refused with the lock's end.
    const bodies = forKnown.map((r) => JSON.parse(r.text) as { error: string; details?: { lockedUntil: number } });
    expect(bodies.slice(0, LIMIT - 1).every((b) => b.error === 'invalid_credentials')).toBe(true);
    expect(forKnown[LIMIT - 1]!.status).toBe(423);
    expect(bodies[LIMIT]).toMatchObject({ error: 'locked_out', details: { lockedUntil: lockedAt + DEFAULT_LIMITS.lockoutMs } });

    // Locked: the right password for the account is refused as any password for the name.
    clock.set(lockedAt + DEFAULT_LIMITS.lockoutMs - 1);
    const stillKnown = await attempt(srv, known, '/api/signin/password', { password: srv.users.carol!.password });
    expect(await attempt(srv, UNKNOWN, '/api/signin/password', { password: srv.users.carol!.password })).toEqual(stillKnown);
    expect(stillKnown.status).toBe(423);
    // And neither costs a hash while locked.
    expect(await hashesOf(() => attempt(srv, known, '/api/signin/password', { password: srv.users.carol!.password }))).toEqual([]);
    expect(await hashesOf(() => attempt(srv, UNKNOWN, '/api/signin/password', { password: srv.users.carol!.password }))).toEqual([]);
    // The other ways in are locked alike too.
    for (const [path, body] of [['/api/signin/passwordless', {}], ['/api/signin/tap', { pass: 'ABCD-EFGH-JKLM' }]] as const) {
      expect(await attempt(srv, UNKNOWN, path, body), path).toEqual(await attempt(srv, known, path, body));
    }

    // Released at the same moment: a wrong password is counted again, alike.
    clock.set(lockedAt + DEFAULT_LIMITS.lockoutMs);
    const again = await attempt(srv, known, '/api/signin/password', { password: 'Wrong-Passw0rd!' });
    expect(again.status).toBe(401);
    expect(await attempt(srv, UNKNOWN, '/api/signin/password', { password: 'Wrong-Passw0rd!' })).toEqual(again);
  });

  it('costs the same hash work for an unknown name as for an account: one check per guess, against a hash of the same cost', async () => {
    const wrong = { password: 'Wrong-Passw0rd!' };
    expect(await hashesOf(() => attempt(srv, srv.users.bob!.upn, '/api/signin/password', wrong))).toEqual(['real']);
    expect(await hashesOf(() => attempt(srv, 'someone-else@pushkey.test', '/api/signin/password', wrong))).toEqual(['dummy']);
    // The dummy hash costs what a real one does: the same scrypt parameters.
    const params = (h: string) => h.split('$').slice(0, 4).join('$');
    expect(params(DUMMY_HASH)).toBe(params((await srv.repo.getUserByUpn(srv.users.bob!.upn))!.passwordHash));
    // A pass: checked once whether the account has one, has none, or there is no account.
    const pass = { pass: 'ABCD-EFGH-JKLM' };
    expect(await hashesOf(() => attempt(srv, alice.upn, '/api/signin/tap', pass))).toEqual(['real']);
    expect(await hashesOf(() => attempt(srv, srv.users.bob!.upn, '/api/signin/tap', pass))).toEqual(['dummy']);
    expect(await hashesOf(() => attempt(srv, 'someone-else@pushkey.test', '/api/signin/tap', pass))).toEqual(['dummy']);
    const noPass = await attempt(srv, srv.users.bob!.upn, '/api/signin/tap', pass);
    expect(await attempt(srv, 'someone-else@pushkey.test', '/api/signin/tap', pass)).toEqual(noPass);
  });

  it('answers "Use an app instead" for an unknown name exactly as for an account no app can reach', async () => {
    const known = srv.users.dave!.upn; // no authenticator at all
    const forKnown = await attempt(srv, known, '/api/signin/passwordless');
    expect(forKnown.status).toBe(403);
    expect(JSON.parse(forKnown.text)).toMatchObject({ error: 'method_not_allowed' });
    expect(await attempt(srv, UNKNOWN + '.example', '/api/signin/passwordless')).toEqual(forKnown);
    // An account whose app does only push MFA (not upgraded to passwordless) answers the same.
    const bob = await enrollUser(srv, 'bob');
    try {
      expect(await attempt(srv, bob.upn, '/api/signin/passwordless')).toEqual(forKnown);
    } finally {
      bob.device.close();
    }
    // No request was sent for any of them; a real one goes to Alice's app.
    expect(JSON.parse((await attempt(srv, alice.upn, '/api/signin/passwordless')).text)).toMatchObject({ status: 'pending' });
  });

  it('offers a passkey ceremony that lists no credential, for an account or not', async () => {
    const options = async (name: string) => {
      const s = await start(srv, name);
      const raw = await s.browser.post('/api/signin/passkey/options', { flowId: s.flowId });
      const body = JSON.parse(raw.text) as { options: { allowCredentials: unknown[] } };
      return body.options.allowCredentials;
    };
    // Bob has a passkey (stored as registration would store it): its credential id is not listed.
    const bob = (await srv.repo.getUserByUpn(srv.users.bob!.upn))!;
    await srv.repo.createPasskey({
      id: 'pk-bob', userId: bob.id, credentialId: 'Y3JlZGVudGlhbC1vZi1ib2I', publicKey: 'pQECAyYgASFYI' + 'x'.repeat(60), counter: 0,
      transports: ['internal'], name: 'Bob’s laptop', aaguid: '00000000-0000-0000-0000-000000000000', backedUp: true, createdAt: clock.now(), lastUsedAt: null,
    });
    expect(await signInMethodsOf(srv, bob.upn)).toContain('passkey');
    expect(await options(bob.upn)).toEqual([]);
    expect(await options(UNKNOWN)).toEqual([]);
  });
});
