// What the devkit needs of a pushkey server's browser API, with the route table's paths: sign
// in as the user (to ask for an activation code, or to start the sign-ins the conformance
// checker answers), read the number a page would show. Cookies are kept like a browser's.
import { api } from '../protocol/http/index.ts';
import { CookieJar } from './cookie-jar.ts';

export interface SiteAnswer {
  status: number;
  // The answers are read field by field by the caller, which names what it expected.
  body: Record<string, unknown> & { error?: string; message?: string };
}

/** The number, challenge and expiry a sign-in page would show after "Use an app instead" or the password. */
export interface ShownChallenge {
  challengeId: string;
  number: string;
  expiresAt: number;
}

export class SiteClient {
  private cookies = new CookieJar();
  constructor(readonly origin: string) {}

  async call(method: string, path: string, body?: unknown): Promise<SiteAnswer> {
    const headers: Record<string, string> = { 'user-agent': 'pushkey-authenticator (devkit)' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const cookie = this.cookies.header();
    if (cookie) headers.cookie = cookie;
    const res = await fetch(this.origin + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    this.cookies.keep(res);
    const text = await res.text();
    let parsed: SiteAnswer['body'];
    try {
      parsed = text ? (JSON.parse(text) as SiteAnswer['body']) : {};
    } catch {
      parsed = { text };
    }
    return { status: res.status, body: parsed };
  }

  /** Starts a sign-in: the flow id, or the refusal. */
  async start(upn: string): Promise<SiteAnswer> {
    return this.call(api.signin.start.method, api.signin.start.path, { username: upn });
  }

  async password(flowId: string, password: string): Promise<SiteAnswer> {
    return this.call(api.signin.password.method, api.signin.password.path, { flowId, password });
  }

  async status(flowId: string): Promise<SiteAnswer> {
    return this.call('GET', `${api.signin.status.path}?flowId=${encodeURIComponent(flowId)}`);
  }

  /** Signs in with the password alone (the user has no authenticator yet); throws with the server's answer otherwise. */
  async signInWithPassword(upn: string, password: string): Promise<void> {
    const start = await this.start(upn);
    if (start.status !== 200) throw new Error(`sign-in start: ${start.status} ${JSON.stringify(start.body)}`);
    const pw = await this.password(String(start.body.flowId), password);
    if (pw.status !== 200 || pw.body.status !== 'signed_in') throw new Error(`sign-in: ${pw.status} ${JSON.stringify(pw.body)} (an account that already has an authenticator needs an activation code from My Account)`);
  }

  /** A new activation code from My Account (the "Can't scan image?" code). */
  async activationCode(): Promise<string> {
    const a = await this.call(api.me.startActivation.method, api.me.startActivation.path);
    if (a.status !== 200 || typeof a.body.code !== 'string') throw new Error(`activation: ${a.status} ${JSON.stringify(a.body)}`);
    return a.body.code;
  }

  /** The number My Account shows for a waiting passwordless setup, if any. */
  async passwordlessSetupNumber(): Promise<string | null> {
    const r = await this.call(api.me.passwordlessSetup.method, api.me.passwordlessSetup.path);
    const pending = r.body.pending as { number?: string } | null | undefined;
    return pending?.number ?? null;
  }
}

/**
 * A fresh browser signs in with the password and gets the push MFA's number: a new challenge
 * for the device. The refusal (throttle, lockout, policy) is returned as it came.
 */
export async function startPushSignIn(origin: string, upn: string, password: string): Promise<{ ok: true; browser: SiteClient; flowId: string; challenge: ShownChallenge } | { ok: false; answer: SiteAnswer }> {
  const browser = new SiteClient(origin);
  const start = await browser.start(upn);
  if (start.status !== 200) return { ok: false, answer: start };
  const flowId = String(start.body.flowId);
  const pw = await browser.password(flowId, password);
  const challenge = pw.body.challenge as ShownChallenge | undefined;
  if (pw.status !== 200 || pw.body.status !== 'mfa_required' || !challenge) return { ok: false, answer: pw };
  return { ok: true, browser, flowId, challenge };
}
