// `listen`: the authenticator waiting for requests. Each request is printed as a JSON line and
// answered by rule, or held until a test answers it through the control port. Faults bend what
// it receives and what it sends.
import type { PushContent, PushRequest, ServerFrame } from '../protocol/messages.ts';
import { generateDeviceKey } from '../protocol/webcrypto.ts';
import { SoftDevice, type HttpAnswer, type LooseBody } from './device.ts';
import { flipBit, otherNumber, type Faults } from './faults.ts';

export type Decision = 'approve' | 'deny' | 'report';

/** How every request is answered without a test asking: approve with a number, approve (kinds without a number), deny, report; null waits for the control port. */
export type Rule = { decision: Decision; number?: string } | null;

/** One line of output. */
export type Emit = (event: Record<string, unknown>) => void;

export interface Held {
  device: SoftDevice;
  push: PushContent;
  source: 'push' | 'poll' | 'setup';
}

/** What a request line says: who it is for and what it asks (a push never carries the number). */
export function describe(h: Held): Record<string, unknown> {
  const { push, device } = h;
  return {
    requestId: push.challengeId,
    deviceId: device.deviceId,
    upn: device.account.upn,
    origin: device.origin,
    kind: push.kind,
    app: push.app,
    ip: push.context.ip,
    location: push.context.location,
    browser: push.context.browser,
    time: push.context.time,
    expiresAt: push.expiresAt,
    source: h.source,
  };
}

export class Listener {
  /** Requests seen and not answered yet, by request id. */
  readonly pending = new Map<string, Held>();
  private readonly seen = new Set<string>();
  private readonly waiters: Array<() => void> = [];
  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();
  private foreignKey: CryptoKey | null = null;
  answered = 0;

  constructor(
    readonly devices: SoftDevice[],
    private readonly opts: { rule: Rule; faults: Faults; emit: Emit; onAnswered?: (count: number) => void; foreignKey?: CryptoKey },
  ) {
    for (const d of devices) d.now = () => Date.now() + opts.faults.clockSkewMs;
    this.foreignKey = opts.foreignKey ?? null;
  }

  async start(): Promise<void> {
    await Promise.all(this.devices.map((d) => this.bring(d)));
  }

  /** Connects a device (unless poll-only) and polls once, as the extension does on every wake. */
  private async bring(device: SoftDevice): Promise<void> {
    device.onFrame = (f) => this.onFrame(device, f);
    if (this.opts.faults.pollOnly) {
      const tick = () => {
        if (this.stopped) return;
        void this.poll(device).finally(() => this.later(tick, this.opts.faults.pollIntervalMs));
      };
      await this.poll(device);
      this.later(tick, this.opts.faults.pollIntervalMs);
      return;
    }
    await this.connect(device);
    await this.poll(device);
  }

  private async connect(device: SoftDevice): Promise<void> {
    await device.connect();
    this.opts.emit({ event: 'connected', deviceId: device.deviceId, upn: device.account.upn });
    const closed = device.closed();
    const { closeChannelAfterMs, reconnectMs } = this.opts.faults;
    if (closeChannelAfterMs !== null) this.later(() => device.close(), closeChannelAfterMs);
    void closed.then(async (code) => {
      if (this.stopped) return;
      this.opts.emit({ event: 'disconnected', deviceId: device.deviceId, code });
      await new Promise<void>((r) => this.later(r, reconnectMs));
      for (let attempt = 0; !this.stopped; attempt++) {
        try {
          await this.connect(device);
          await this.poll(device);
          return;
        } catch (e) {
          this.opts.emit({ event: 'error', deviceId: device.deviceId, during: 'reconnect', message: String(e) });
          await new Promise<void>((r) => this.later(r, Math.min(30_000, reconnectMs * 2 ** attempt)));
        }
      }
    });
  }

  private async poll(device: SoftDevice): Promise<void> {
    const res = await device.command('poll', { clientVersion: device.clientVersion, capabilities: device.capabilities });
    if (res.status !== 200) {
      this.opts.emit({ event: 'error', deviceId: device.deviceId, during: 'poll', status: res.status, error: res.body.error, message: res.body.message });
      return;
    }
    for (const r of res.body.requests as PushRequest[]) await this.receive(device, r, 'poll');
  }

  private onFrame(device: SoftDevice, f: ServerFrame): void {
    if (f.type === 'request') {
      if (this.opts.faults.dropPush) return this.opts.emit({ event: 'dropped', deviceId: device.deviceId, requestId: f.challengeId });
      const delay = this.opts.faults.delayPushMs;
      if (delay > 0) return this.later(() => void this.receive(device, f, 'push'), delay);
      void this.receive(device, f, 'push');
    } else if (f.type === 'cancel' && f.deviceId === device.deviceId) {
      if (this.pending.delete(f.challengeId)) this.opts.emit({ event: 'cancel', deviceId: device.deviceId, requestId: f.challengeId });
    } else if (f.type === 'revoked' && f.deviceId === device.deviceId) {
      this.opts.emit({ event: 'revoked', deviceId: device.deviceId, upn: device.account.upn });
    }
  }

  /** A request from the channel, a poll or a setup: verified with the pinned key, shown once, answered by rule. */
  async receive(device: SoftDevice, frame: PushRequest, source: Held['source']): Promise<void> {
    const push = await device.read(frame);
    if (!push || push.deviceId !== device.deviceId) {
      return this.opts.emit({ event: 'rejected', deviceId: device.deviceId, requestId: frame.challengeId, reason: 'the server signature does not verify with the pinned key' });
    }
    if (this.seen.has(push.challengeId)) return;
    this.seen.add(push.challengeId);
    const held: Held = { device, push, source };
    this.pending.set(push.challengeId, held);
    this.opts.emit({ event: 'request', ...describe(held) });
    for (const w of this.waiters.splice(0)) w();
    const { rule } = this.opts;
    if (rule && source !== 'setup') void this.answer(push.challengeId, rule.decision, rule.number ?? '');
  }

  /** A held request, waiting up to `timeoutMs` for it to arrive (a test may read the page before the push lands); the only one when no id is given. */
  async find(requestId: string | undefined, timeoutMs: number): Promise<Held | null> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const hit = requestId ? this.pending.get(requestId) : this.pending.size === 1 ? [...this.pending.values()][0] : undefined;
      if (hit) return hit;
      const left = deadline - Date.now();
      if (left <= 0 || this.stopped) return null;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Signs and sends an answer, with the faults in effect; prints what came back. */
  async answer(requestId: string, decision: Decision, number: string): Promise<HttpAnswer<LooseBody>> {
    const held = this.pending.get(requestId);
    if (!held) throw new Error(`no pending request ${requestId}`);
    this.pending.delete(requestId);
    const { faults, emit } = this.opts;
    const { device, push } = held;
    if (faults.answerLateMs !== null) {
      const wait = push.expiresAt + faults.answerLateMs - (Date.now() + device.serverOffset);
      if (wait > 0) await new Promise<void>((r) => this.later(r, wait));
    }
    const typed = decision === 'approve' && faults.wrongNumber ? otherNumber(number) : decision === 'approve' ? number : '';
    const key = faults.foreignSignature ? await this.otherKey(device) : undefined;
    const body = await device.buildResponse(push, decision, typed, key ? { key } : {});
    if (faults.badSignature) body.signature = flipBit(body.signature);
    const send = async (event: string) => {
      const res = await fetch(`${device.origin}/api/device/respond`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await res.text();
      let answer: LooseBody;
      try {
        answer = JSON.parse(text);
      } catch {
        answer = { text };
      }
      emit({ event, requestId, deviceId: device.deviceId, decision, number: typed, status: res.status, ...(res.status === 200 ? { outcome: answer.outcome } : { error: answer.error, message: answer.message }) });
      return { status: res.status, body: answer };
    };
    const first = await send('answer');
    if (faults.replay) await send('replay');
    this.answered++;
    this.opts.onAnswered?.(this.answered);
    return first;
  }

  /** Another device's key: another account of this state file if there is one, else a key no server knows. */
  private async otherKey(device: SoftDevice): Promise<CryptoKey> {
    const other = this.devices.find((d) => d.deviceId !== device.deviceId);
    if (other) return other.keys.privateKey;
    this.foreignKey ??= (await generateDeviceKey()).privateKey;
    return this.foreignKey;
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const d of this.devices) d.close();
    for (const w of this.waiters.splice(0)) w();
  }
}
