// A software authenticator: WebCrypto in Node, speaking the wire protocol (v2 pushes, or v1 when
// enrolled without the push_canonical capability) to a server over real HTTP and WebSocket. It
// does everything the extension does except show a window: the integration tests drive every
// path with it, and pushkey-authenticator is built on it.
// Its key is non-extractable like the extension's, unless it is enrolled `storable`: the
// command keeps keys in a state file between runs, which a non-extractable key cannot be.
import WebSocket from 'ws';
import { readActivationCode } from '../protocol/activation-code.ts';
import { bufferOf, fromB64u, toB64u } from '../protocol/encoding.ts';
import { rawToSpki } from '../protocol/keys.ts';
import type { Enrolled, PushContent, PushRequest, ServerFrame, DeviceCommand } from '../protocol/messages.ts';
import { parseServerFrame, parseJson, readErrorAnswer } from '../protocol/parse.ts';
import { openPush } from '../protocol/push.ts';
import { channelAuthBytes, commandBytes, enrollBytes, respondBytes, type DeviceCommandType } from '../protocol/signed-bytes.ts';
import { exportPublicKey, generateDeviceKey, importPublicKey, sign, verify } from '../protocol/webcrypto.ts';

export const SOFT_VERSION = '1.0.0';
export const SOFT_CAPABILITIES = ['number_match', 'passwordless', 'report', 'push_canonical'];
/** What a device from before the v2 push announces: the server sends it v1 pushes. */
export const V1_CAPABILITIES = ['number_match', 'passwordless', 'report'];

/**
 * A device API answer as it came: its body is whichever answer or error the status says, read
 * field by field by whoever looks at it (a test asserts on it; the command prints it).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type LooseBody = any;

export interface HttpAnswer<T = unknown> {
  status: number;
  body: T;
}

/** POSTs JSON; a body that is not JSON (a proxy's error page) comes back as `{ text }`. */
export async function postJson<T>(url: string, body: unknown): Promise<HttpAnswer<T>> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) as T };
  } catch {
    return { status: res.status, body: { text } as T };
  }
}

const ALG = { name: 'ECDSA', namedCurve: 'P-256' } as const;

/** What a device needs to come back in another process: its account, its key, its counters. */
export interface StoredDevice {
  origin: string;
  account: Enrolled;
  /** The raw public point and the PKCS#8 of the private key, base64url. */
  publicKey: string;
  privateKey: string;
  deviceName: string;
  clientVersion: string;
  capabilities: string[];
  /** The last command timestamp sent (commands must be strictly newer). */
  lastTimestamp: number;
}

export class SoftDevice {
  private ws: WebSocket | null = null;
  private frames: ServerFrame[] = [];
  private waiters: Array<() => void> = [];
  /** Pushes whose server signature did not verify against the pinned key. */
  readonly rejected: PushRequest[] = [];
  /** The last command timestamp sent. */
  lastTimestamp = 0;
  /** The clock device commands are stamped with; tests point it at the server's injected clock. */
  now: () => number = Date.now;
  /** When set, every frame goes here instead of the queue `next()` reads. */
  onFrame: ((f: ServerFrame) => void) | null = null;
  /** The server's clock minus ours, from the last hello (to tell when a request expires by the server's clock). */
  serverOffset = 0;
  /** What the device announces: set at enrollment, changed to play another client. */
  clientVersion = SOFT_VERSION;
  capabilities: string[] = SOFT_CAPABILITIES;
  deviceName = 'Soft device';
  /** Applied to every signature this device makes (the conformance checker sends low-S ones but where it tests high-S). */
  shapeSignature: (signature: string) => string = (signature) => signature;
  /** The raw public point, base64url. */
  publicKey = '';
  private pkcs8: string | null = null;

  private constructor(
    readonly origin: string,
    readonly keys: CryptoKeyPair,
    readonly account: Enrolled,
    private readonly serverKey: CryptoKey,
  ) {}

  /** A device from its stored state (a key enrolled `storable`). */
  static async restore(s: StoredDevice): Promise<SoftDevice> {
    const der = fromB64u(s.privateKey);
    const raw = fromB64u(s.publicKey);
    if (!der || !raw) throw new TypeError('restore: publicKey and privateKey must be base64url');
    const privateKey = await crypto.subtle.importKey('pkcs8', bufferOf(der), ALG, false, ['sign']);
    const publicKey = await crypto.subtle.importKey('spki', bufferOf(rawToSpki(raw)), ALG, true, ['verify']);
    const device = new SoftDevice(s.origin, { privateKey, publicKey }, s.account, await importPublicKey(s.account.serverPublicKey));
    device.pkcs8 = s.privateKey;
    device.publicKey = s.publicKey;
    device.lastTimestamp = s.lastTimestamp;
    device.clientVersion = s.clientVersion;
    device.capabilities = s.capabilities;
    device.deviceName = s.deviceName;
    return device;
  }

  /** The state to store; only for a device enrolled `storable`. */
  store(): StoredDevice {
    if (!this.pkcs8) throw new TypeError('store: this device was not enrolled storable (its key cannot be exported)');
    return { origin: this.origin, account: this.account, publicKey: this.publicKey, privateKey: this.pkcs8, deviceName: this.deviceName, clientVersion: this.clientVersion, capabilities: this.capabilities, lastTimestamp: this.lastTimestamp };
  }

  get deviceId() {
    return this.account.deviceId;
  }

  /** Enrolls with an activation code; throws with the server's error code on refusal. */
  static async enroll(
    origin: string,
    code: string,
    opts: { deviceName?: string; clientVersion?: string; capabilities?: string[]; now?: () => number; storable?: boolean } = {},
  ): Promise<SoftDevice> {
    const keys = opts.storable ? await crypto.subtle.generateKey(ALG, true, ['sign', 'verify']) : await generateDeviceKey();
    const publicKey = await exportPublicKey(keys.publicKey);
    // Like the extension: the code as typed (grouped, lowercase) is read to its canonical form before signing.
    const read = readActivationCode(code);
    const fields = {
      code: 'code' in read ? read.code : code,
      publicKey,
      deviceName: opts.deviceName ?? 'Soft device',
      clientVersion: opts.clientVersion ?? SOFT_VERSION,
      capabilities: opts.capabilities ?? SOFT_CAPABILITIES,
    };
    const proof = await sign(keys.privateKey, enrollBytes({ origin, ...fields }));
    const res = await postJson<Enrolled>(`${origin}/api/device/enroll`, { type: 'enroll', ...fields, proof });
    if (res.status !== 200) throw readErrorAnswer(res.body) ?? new Error(`enroll: HTTP ${res.status}`);
    const device = new SoftDevice(origin, keys, res.body, await importPublicKey(res.body.serverPublicKey));
    device.publicKey = publicKey;
    if (opts.storable) device.pkcs8 = toB64u(new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey)));
    if (opts.now) device.now = opts.now;
    device.deviceName = fields.deviceName;
    device.clientVersion = fields.clientVersion;
    device.capabilities = fields.capabilities;
    return device;
  }

  /** Opens the channel and completes the signed handshake. `baseUrl` picks an instance behind the origin. */
  async connect(baseUrl = this.origin): Promise<void> {
    // baseUrl: which instance to reach; signatures always cover the server's public origin.
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + '/api/device/channel');
    this.ws = ws;
    ws.on('message', (data) => {
      let frame: ServerFrame;
      try {
        frame = parseServerFrame(parseJson(data.toString(), 'frame'));
      } catch {
        return; // protocol §7.5: a device ignores frames it cannot parse (a newer server may send more)
      }
      // The server may close a socket that stopped answering its pings.
      if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong', time: frame.time }));
      if (frame.type === 'hello') this.serverOffset = frame.time - Date.now();
      if (this.onFrame && frame.type !== 'hello' && frame.type !== 'ready' && frame.type !== 'error') return this.onFrame(frame);
      this.frames.push(frame);
      for (const w of this.waiters.splice(0)) w();
    });
    ws.on('error', () => {}); // a refused or dropped connection shows as a close (and a failed connect below)
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('close', (code) => reject(new Error(`channel closed before the handshake (${code})`)));
    });
    await opened;
    const hello = await this.next((f) => f.type === 'hello');
    if (hello.type !== 'hello') throw new Error('no hello');
    const signature = this.shapeSignature(await sign(this.keys.privateKey, channelAuthBytes({ origin: this.origin, nonce: hello.nonce, deviceId: this.deviceId })));
    ws.send(JSON.stringify({ type: 'auth', deviceId: this.deviceId, signature }));
    const answer = await this.next((f) => f.type === 'ready' || f.type === 'error');
    if (answer.type === 'error') throw new Error(`channel: ${answer.error}`);
  }

  /** Waits for the next frame matching `pick` (consuming it). */
  async next(pick: (f: ServerFrame) => boolean, timeoutMs = 5000): Promise<ServerFrame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex(pick);
      if (i >= 0) return this.frames.splice(i, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for a frame');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** What the next push whose server signature verifies asks; forged ones are set aside in `rejected`. */
  async nextPush(timeoutMs = 5000): Promise<PushContent> {
    for (;;) {
      const f = await this.next((x) => x.type === 'request', timeoutMs);
      if (f.type !== 'request') continue;
      const content = await this.read(f);
      if (content) return content;
      this.rejected.push(f);
    }
  }

  /** The next push frame as it came on the wire, unverified (to see its version, or to tamper with it). */
  async nextFrame(timeoutMs = 5000): Promise<PushRequest> {
    const f = await this.next((x) => x.type === 'request', timeoutMs);
    if (f.type !== 'request') throw new Error('not a request');
    return f;
  }

  /** What a push asks, when its signature verifies with the pinned key; null otherwise. */
  read(p: PushRequest): Promise<PushContent | null> {
    return openPush(this.origin, p, (signature, bytes) => verify(this.serverKey, signature, bytes));
  }

  async verifyPush(p: PushRequest): Promise<boolean> {
    return (await this.read(p)) !== null;
  }

  /** What a push from a poll or the setup answer asks; throws when it does not verify. */
  async open(p: PushRequest): Promise<PushContent> {
    const content = await this.read(p);
    if (!content) throw new Error(`push ${p.challengeId} does not verify with the pinned key`);
    return content;
  }

  /** Frames received but not consumed yet. */
  pending(): ServerFrame[] {
    return [...this.frames];
  }

  async buildResponse(
    /** What a push asks, or the push as it came (a v2 push is read first: its nonce is inside what was signed). */
    request: Pick<PushContent, 'challengeId' | 'nonce'> | PushRequest,
    decision: 'approve' | 'deny' | 'report',
    number = '',
    /** userVerification: claim the app lock was opened for this answer (signed, as the extension does). */
    opts: { clientVersion?: string; capabilities?: string[]; key?: CryptoKey; deviceId?: string; userVerification?: 'pin' } = {},
  ) {
    const push = 'signed' in request ? await this.open(request) : request;
    const clientVersion = opts.clientVersion ?? this.clientVersion;
    const deviceId = opts.deviceId ?? this.deviceId;
    const signature = this.shapeSignature(
      await sign(
        opts.key ?? this.keys.privateKey,
        respondBytes({ origin: this.origin, challengeId: push.challengeId, nonce: push.nonce, decision, number, deviceId, clientVersion, userVerification: opts.userVerification }),
      ),
    );
    const verified = opts.userVerification ? { userVerification: opts.userVerification } : {};
    return { type: 'response', challengeId: push.challengeId, deviceId, decision, number, clientVersion, capabilities: opts.capabilities ?? this.capabilities, ...verified, signature };
  }

  /** answerRequest: signs and sends the person's decision. */
  async respond(...args: Parameters<SoftDevice['buildResponse']>): Promise<HttpAnswer<LooseBody>> {
    return postJson(`${this.origin}/api/device/respond`, await this.buildResponse(...args));
  }

  async command(type: DeviceCommandType, extra: Record<string, unknown> = {}, timestamp?: number): Promise<HttpAnswer<LooseBody>> {
    const ts = timestamp ?? Math.max(this.now(), this.lastTimestamp + 1);
    this.lastTimestamp = Math.max(this.lastTimestamp, ts);
    const signature = this.shapeSignature(await sign(this.keys.privateKey, commandBytes({ type, origin: this.origin, deviceId: this.deviceId, timestamp: ts })));
    const body = { type, deviceId: this.deviceId, timestamp: ts, signature, ...extra } as DeviceCommand;
    return postJson(`${this.origin}/api/device/command`, body);
  }

  isOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  /** Resolves when the server closes the channel. */
  closed(): Promise<number> {
    return new Promise((resolve) => {
      if (!this.ws || this.ws.readyState === WebSocket.CLOSED) return resolve(0);
      this.ws.once('close', (code) => resolve(code));
    });
  }

  close(): void {
    this.ws?.close();
    this.ws = null;
  }
}
