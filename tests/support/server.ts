// Starts the real app on port 0 over a temporary SQLite file, with the demo tenant seeded
// with known passwords, an injectable clock, and a cookie-carrying HTTP client.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp, type AppOptions, type App } from '../../server/app.ts';
import type { AlertSink, Clock, Deps, Limits, Locator, Random } from '../../server/domain/deps.ts';
import type { SmsProvider } from '../../server/domain/methods/sms.ts';
import type { PasswordHasher } from '../../server/domain/methods/passwords.ts';
import { setAuthenticatorPolicy, getAuthenticatorPolicy, type AuthenticatorPolicy } from '../../server/domain/policies/policy.ts';
import { seedDemoTenant, DEMO_USERS, DEMO_DOMAIN } from '../../server/seed.ts';
import { openSqlite } from '../../server/storage/sqlite/open.ts';
import { noLimiters } from '../../server/transport/http/rate-limit.ts';
import { buildDeps } from '../../server/wiring.ts';
import type { Repository } from '../../server/storage/repository.ts';
import { ManualClock } from './clock.ts';
import { CookieJar } from '../../devkit/cookie-jar.ts';
import { DEFAULT_MONITORING_POLICY, setMonitoringPolicy, type MonitoringPolicy } from '../../server/domain/monitoring/monitoring.ts';

export { ManualClock };

export const demoPassword = (name: string) => `${name}-Passw0rd!`;
/** The seeded demo users by short name, with their known passwords. */
export const demoUsers = (): Record<string, { upn: string; password: string }> =>
  Object.fromEntries(DEMO_USERS.map((u) => [u.name, { upn: demoUpn(u.name), password: demoPassword(u.name) }]));
export type DemoName = (typeof DEMO_USERS)[number]['name'];
export const demoUpn = (name: string) => `${name}@${DEMO_DOMAIN}`;

export interface TestServer {
  origin: string;
  repo: Repository;
  deps: Deps;
  app: App;
  server: Server;
  clock: Clock;
  dir: string;
  /** Demo users by short name (alice, bob, admin, helpdesk, …) with their known passwords. */
  users: Record<string, { upn: string; password: string }>;
  setPolicy(patch: Partial<AuthenticatorPolicy>): Promise<void>;
  close(): Promise<void>;
}

export async function startServer(opts: {
  clock?: Clock;
  policy?: Partial<AuthenticatorPolicy>;
  /** Alert and throttle thresholds. Tests get a throttle far above what they send unless they ask. */
  monitoring?: Partial<MonitoringPolicy>;
  app?: AppOptions;
  limits?: Partial<Limits>;
  /** Listen on this host (default 127.0.0.1); the origin uses it too. */
  host?: string;
  sqliteSynchronous?: 'FULL' | 'NORMAL';
  /** Opens the SQLite repository (default: openSqlite); the storage bench passes a baseline here. */
  openRepository?: typeof openSqlite;
  locate?: Locator;
  alertSink?: AlertSink;
  /** Reuse this data directory (a restart); it is left in place on close. Default: a fresh temp dir, removed on close. */
  dataDir?: string;
  /** Listen on this port (a restart that devices must still reach at the same origin). Default: 0. */
  port?: number;
  /** The app's logger (default: silent). */
  log?: Logger;
  /** Randomness for ids, codes and challenges (default: the CSPRNG). */
  random?: Random;
  /** SMS delivery (default: the lab provider, into the outbox). */
  sms?: SmsProvider;
  /** Classroom lab mode (the lab clock over `clock`). */
  lab?: boolean;
  /** Password hashing (default: scrypt); a test wraps it to count the work each guess costs. */
  passwords?: PasswordHasher;
} = {}): Promise<TestServer> {
  const dir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'pushkey-test-'));
  const repo = (opts.openRepository ?? openSqlite)({ filename: path.join(dir, 'pushkey.db'), synchronous: opts.sqliteSynchronous });
  const server = createServer();
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, host, resolve));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  const deps = await buildDeps({ repo, origin, clock: opts.clock ?? new ManualClock(), limits: opts.limits, log: opts.log, locate: opts.locate, alertSink: opts.alertSink, random: opts.random, sms: opts.sms, lab: opts.lab, passwords: opts.passwords });
  const app = createApp(deps, { limiters: noLimiters(), ...opts.app });
  app.attach(server);
  await seedDemoTenant(deps, demoPassword);
  const setPolicy = async (patch: Partial<AuthenticatorPolicy>) =>
    setAuthenticatorPolicy(repo, { ...(await getAuthenticatorPolicy(repo)), ...patch });
  if (opts.policy) await setPolicy(opts.policy);
  // Tests share their users from case to case: the throttle and the pause after a report are
  // relaxed here; the alerts suite sets them as shipped.
  await setMonitoringPolicy(repo, { ...DEFAULT_MONITORING_POLICY, throttleOutstanding: 20, throttlePerWindow: 500, reportPauseMinutes: 0, ...opts.monitoring });
  const users = demoUsers();
  return {
    origin,
    repo,
    deps,
    app,
    server,
    clock: deps.clock,
    dir,
    users,
    setPolicy,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await repo.close();
      if (!opts.dataDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A browser stand-in: keeps cookies between calls, answers parsed JSON with the status. */
export class HttpClient {
  private cookies = new CookieJar();
  /** Sent with every call (e.g. X-Forwarded-For behind a trusted proxy). */
  headers: Record<string, string> = {};
  constructor(readonly origin: string) {}

  async call<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0', ...this.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(this.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    this.cookies.keep(res);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  }
  /** A top-level navigation to a URL of this server, redirects not followed: the status, the Location, the page. */
  async navigate(url: string): Promise<{ status: number; location: string | null; text: string }> {
    const headers: Record<string, string> = { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0.0.0', 'sec-fetch-site': 'none', ...this.headers };
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(new URL(url, this.origin), { headers, redirect: 'manual' });
    this.cookies.keep(res);
    const location = res.headers.get('location');
    return { status: res.status, location: location && new URL(location, url.startsWith('http') ? url : this.origin).toString(), text: await res.text() };
  }
  get = <T = any>(path: string) => this.call<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}) => this.call<T>('POST', path, body);
  put = <T = any>(path: string, body: unknown) => this.call<T>('PUT', path, body);
  patch = <T = any>(path: string, body: unknown) => this.call<T>('PATCH', path, body);
  del = <T = any>(path: string) => this.call<T>('DELETE', path);
  hasCookie = (name: string) => this.cookies.get(name) !== undefined;
  /** A GET with this client's cookies, answering the raw Response (downloads, headers). */
  fetchRaw = (path: string) => fetch(this.origin + path, { headers: { cookie: this.cookieHeader() } });
  cookie = (name: string) => this.cookies.get(name);
  cookieHeader = () => this.cookies.header() ?? '';
  /** The same browser (its cookies) calling another address: a second instance behind one origin. */
  at(origin: string): HttpClient {
    const other = new HttpClient(origin);
    other.cookies = this.cookies;
    return other;
  }
}

/** Signs in with a password (no authenticator yet, so no MFA) and returns the signed-in client. */
export async function signIn(origin: string, upn: string, password: string): Promise<HttpClient> {
  const c = new HttpClient(origin);
  const start = await c.post('/api/signin/start', { username: upn });
  if (start.status !== 200) throw new Error(`start: ${JSON.stringify(start.body)}`);
  const pw = await c.post('/api/signin/password', { flowId: start.body.flowId, password });
  if (pw.status !== 200 || pw.body.status !== 'signed_in') throw new Error(`password: ${pw.status} ${JSON.stringify(pw.body)}`);
  return c;
}

/**
 * The same server's app as it runs under another public origin (an https one behind a TLS
 * proxy, say), on a port of its own over plain http; close() stops it, not the server.
 */
export async function serveAs(srv: Pick<TestServer, 'deps'>, publicOrigin: string): Promise<{ url: string; close: () => Promise<void> }> {
  const app = createApp({ ...srv.deps, origin: publicOrigin }, { limiters: noLimiters() });
  const server = createServer();
  app.attach(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await app.close();
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
