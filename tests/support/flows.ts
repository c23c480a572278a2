// Steps that many integration tests share: a signed-in user with an enrolled, connected
// software device; the passwordless upgrade; a browser that starts a sign-in.
import { expect } from 'vitest';
import { HttpClient, signIn, type TestServer } from './server.ts';
import { SoftDevice } from './soft-device.ts';
import { userSignInMethods } from '../../server/domain/signin/signin.ts';

/** What these steps need of a server: a test server, or one instance of a cluster. */
export type Served = Pick<TestServer, 'origin' | 'users' | 'clock'>;

export interface EnrolledUser {
  name: string;
  upn: string;
  password: string;
  /** The user's My Account browser (signed in with the password). */
  me: HttpClient;
  device: SoftDevice;
}

/** Signs `name` in, creates an activation and enrolls a SoftDevice on the server clock. */
export async function enrollUser(
  srv: Served,
  name: string,
  opts: { connect?: boolean; deviceName?: string; me?: HttpClient; capabilities?: string[] } = {},
): Promise<EnrolledUser> {
  const { upn, password } = srv.users[name]!;
  const me = opts.me ?? (await signIn(srv.origin, upn, password));
  const act = await me.post('/api/me/authenticator/activation');
  if (act.status !== 200) throw new Error(`activation: ${JSON.stringify(act.body)}`);
  const device = await SoftDevice.enroll(srv.origin, act.body.code, { now: () => srv.clock.now(), deviceName: opts.deviceName, capabilities: opts.capabilities });
  if (opts.connect !== false) await device.connect();
  return { name, upn, password, me, device };
}

/** Extension → "Set up passwordless sign-in": password once, then the number shown in My Account. */
export async function upgradeToPasswordless(u: EnrolledUser): Promise<void> {
  const setup = await u.device.command('passwordless_setup', { password: u.password, clientVersion: '1.0.0' });
  expect(setup.status, JSON.stringify(setup.body)).toBe(200);
  const shown = await u.me.get('/api/me/passwordless-setup');
  const ok = await u.device.respond(setup.body.request, 'approve', shown.body.pending.number);
  expect(ok.body).toMatchObject({ outcome: 'approved' });
}

export interface BrowserSignIn {
  browser: HttpClient;
  flowId: string;
  methods: string[];
}

/** A fresh browser types the user name. */
export async function startSignIn(srv: Served, upn: string): Promise<BrowserSignIn> {
  const browser = new HttpClient(srv.origin);
  const start = await browser.post('/api/signin/start', { username: upn });
  expect(start.status).toBe(200);
  return { browser, flowId: start.body.flowId, methods: start.body.methods };
}

export interface PendingPush extends BrowserSignIn {
  challengeId: string;
  /** The number the sign-in page shows. */
  number: string;
  expiresAt: number;
}

/** "Use an app instead": the browser gets a number, the device a push. */
export async function startPasswordless(srv: Served, upn: string): Promise<PendingPush> {
  const s = await startSignIn(srv, upn);
  const pl = await s.browser.post('/api/signin/passwordless', { flowId: s.flowId });
  expect(pl.status, JSON.stringify(pl.body)).toBe(200);
  return { ...s, ...pl.body.challenge };
}

/** Password, then the push MFA the policy asks for. */
export async function startPasswordThenPush(srv: Served, upn: string, password: string): Promise<PendingPush> {
  const s = await startSignIn(srv, upn);
  const pw = await s.browser.post('/api/signin/password', { flowId: s.flowId, password });
  expect(pw.body.status, JSON.stringify(pw.body)).toBe('mfa_required');
  return { ...s, ...pw.body.challenge };
}

export const flowStatus = async (b: Pick<BrowserSignIn, 'browser' | 'flowId'>) =>
  (await b.browser.get(`/api/signin/status?flowId=${b.flowId}`)).body as { status?: string; error?: string };

/** One complete passwordless sign-in: "Use an app instead", the push approved with the number, the session; throws otherwise (the benches' unit of work). */
export async function signInPasswordless(srv: Served, u: EnrolledUser): Promise<void> {
  const flow = await startPasswordless(srv, u.upn);
  const push = await u.device.nextPush();
  const res = await u.device.respond(push, 'approve', flow.number);
  if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  const status = await flowStatus(flow);
  if (status.status !== 'signed_in') throw new Error(JSON.stringify(status));
}

/** A different number of the same length, for wrong-number tests. */
export const wrongNumber = (n: string) => String((Number(n) + 1) % 10 ** n.length).padStart(n.length, '1');

/** Admin helpers: the id of a demo user, as seen by the admin API. */
export async function userId(admin: HttpClient, upn: string): Promise<string> {
  const r = await admin.get(`/api/admin/users?q=${encodeURIComponent(upn)}`);
  const u = (r.body.users as Array<{ id: string; upn: string }>).find((x) => x.upn === upn);
  if (!u) throw new Error(`no user ${upn}`);
  return u.id;
}

/**
 * What the user can sign in with, as the domain decides it, ordered (a usable TAP first, the
 * default next). The user-name step does not say: it answers every name alike.
 */
export async function signInMethodsOf(srv: Pick<TestServer, 'deps'>, upn: string, requiredAcr: string | null = null): Promise<string[]> {
  return userSignInMethods(srv.deps, await srv.deps.repo.getUserByUpn(upn), requiredAcr);
}
