// What the conformance checker stands on: two devices of its own on the test user's account
// (A answers, B is the "other device" and the one it revokes), sign-ins it starts through the
// site API like a browser, and bare channel sockets whose handshake it writes itself.
import WebSocket from 'ws';
import type { PushContent, PushRequest } from '../protocol/messages.ts';
import { openPush } from '../protocol/push.ts';
import { SoftDevice } from './device.ts';
import { toLowS } from './faults.ts';
import { SiteClient, startPushSignIn } from './site-client.ts';

export interface Target {
  origin: string;
  upn: string;
  password: string;
  /** An activation code for device A (from a pushkey:// URI, or typed); absent: the password alone asks for one. */
  code?: string;
}

export interface CheckSession {
  target: Target;
  /** The device that answers. */
  a: SoftDevice;
  /**
   * The other device: its key signs what A claims, and it is the one revoked. Null when it could
   * not be enrolled because the sign-in A approved for its code did not sign the browser in
   * (`whyNoB` says how it ended): respond.correct-number then fails, and the rows that need B
   * fail saying so, instead of the whole run stopping.
   */
  b: SoftDevice | null;
  whyNoB: string;
}

/** Device B, for a row that needs it; throws (the row fails with it) when it could not be enrolled. */
export function deviceB(s: CheckSession): SoftDevice {
  if (!s.b) throw new Error(`device B could not be enrolled: ${s.whyNoB}`);
  return s.b;
}

/** A sign-in the checker started: what the page shows, and what the push to A asked. */
export interface SignIn {
  browser: SiteClient;
  flowId: string;
  number: string;
  push: PushContent;
  /** Whether the push verified with the server key A pinned at enrollment (channel.push-signed). */
  pushVerified: boolean;
}

export class SetupError extends Error {}

const enrollAs = async (origin: string, code: string, name: string): Promise<SoftDevice> => {
  const device = await SoftDevice.enroll(origin, code, { deviceName: name });
  // Low-S everywhere, so that a server refusing high-S fails only the row that tests it.
  device.shapeSignature = toLowS;
  await device.connect();
  return device;
};

/** Enrolls A (with the code given, or one the password-only session asks for) and B (from a session A signs in with). */
export async function openSession(target: Target): Promise<CheckSession> {
  let codeA = target.code;
  if (!codeA) {
    const me = new SiteClient(target.origin);
    await me.signInWithPassword(target.upn, target.password).catch((e: Error) => {
      throw new SetupError(`${e.message}: give the checker an activation code (--code, or a pushkey:// URI)`);
    });
    codeA = await me.activationCode();
  }
  const a = await enrollAs(target.origin, codeA, 'pushkey-authenticator check (A)');
  try {
    // Adding a second method needs a multifactor session: the password, then A's answer.
    const s = await signIn({ target, a });
    const approved = await a.respond(s.push, 'approve', s.number);
    if (approved.status !== 200) return { target, a, b: null, whyNoB: `A's right answer to the sign-in for B's code got ${approved.status} ${String(approved.body.error ?? approved.body.outcome)}` };
    const status = await s.browser.status(s.flowId);
    if (status.body.status !== 'signed_in') return { target, a, b: null, whyNoB: `the sign-in for B's code, approved by A, ended ${String(status.body.status ?? status.body.error)}` };
    const b = await enrollAs(target.origin, await s.browser.activationCode(), 'pushkey-authenticator check (B)');
    return { target, a, b, whyNoB: '' };
  } catch (e) {
    // A is the checker's own: it does not stay on the account of a run that could not start.
    a.close();
    await a.command('unenroll').catch(() => {});
    throw e;
  }
}

/** A browser signs in with the password and is shown the number; A receives the push on its channel. */
export async function signIn(s: Pick<CheckSession, 'target' | 'a'>): Promise<SignIn> {
  const started = await startPushSignIn(s.target.origin, s.target.upn, s.target.password);
  if (!started.ok) {
    const { status, body } = started.answer;
    if (status === 200) throw new SetupError(`the sign-in did not ask for the push (${String(body.status)}): the server's policy must ask this user for push MFA after the password`);
    throw new SetupError(`the sign-in was refused: ${status} ${body.error ?? ''} ${body.message ?? ''}`.trim());
  }
  const id = started.challenge.challengeId;
  const frame = (await s.a.next((f) => f.type === 'request' && f.challengeId === id, 10_000)) as PushRequest;
  const { push, verified } = await readPush(s.a, frame);
  return { browser: started.browser, flowId: started.flowId, number: started.challenge.number, push, pushVerified: verified };
}

/**
 * What a push asks, and whether it verified with `device`'s pinned server key. One that does
 * not verify is still read, so that a server signing with the wrong key fails
 * channel.push-signed alone and not every row that answers a push after it.
 */
export async function readPush(device: SoftDevice, frame: PushRequest): Promise<{ push: PushContent; verified: boolean }> {
  const verified = await device.read(frame);
  if (verified) return { push: verified, verified: true };
  const unverified = await openPush(device.origin, frame, () => true);
  if (!unverified) throw new SetupError(`the push ${frame.challengeId} cannot be read (its fields do not parse)`);
  return { push: unverified, verified: false };
}

/** The server's clock now, as A's last hello told it. */
export const serverNow = (s: CheckSession): number => Date.now() + s.a.serverOffset;

/** A channel socket whose frames the checker reads and writes itself. */
export interface BareChannel {
  hello: { nonce: string; time: number };
  send(frame: unknown): void;
  /** The next frame matching `pick`, or null after `timeoutMs`. */
  next(pick: (f: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown> | null>;
  close(): void;
}

export async function openBareChannel(origin: string): Promise<BareChannel> {
  const ws = new WebSocket(origin.replace(/^http/, 'ws') + '/api/device/channel');
  const frames: Record<string, unknown>[] = [];
  const waiters = new Set<() => void>();
  ws.on('message', (data) => {
    try {
      frames.push(JSON.parse(data.toString()) as Record<string, unknown>);
    } catch {
      return; // protocol §7.5: frames that do not parse are ignored
    }
    for (const w of waiters) w();
  });
  ws.on('close', () => {
    for (const w of waiters) w();
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('close', (code) => reject(new Error(`channel closed before the hello (${code})`)));
  });
  const next: BareChannel['next'] = async (pick, timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = frames.findIndex(pick);
      if (i >= 0) return frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0 || ws.readyState === WebSocket.CLOSED) return null;
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(t), waiters.delete(done), resolve());
        const t = setTimeout(done, left);
        waiters.add(done);
      });
    }
  };
  const hello = await next((f) => f.type === 'hello');
  if (!hello || typeof hello.nonce !== 'string' || typeof hello.time !== 'number') throw new Error('the channel sent no hello');
  return { hello: { nonce: hello.nonce, time: hello.time }, send: (f) => ws.send(JSON.stringify(f)), next, close: () => ws.close() };
}
