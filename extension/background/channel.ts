// One WebSocket per server origin, shared by every account of that origin. The server
// says hello with a nonce; each account answers with its own signed auth; the server
// says ready per device. Pings are answered (their traffic also keeps Chrome from killing
// the idle worker). A dropped socket reconnects with exponential backoff and full jitter;
// if the worker itself was killed, the alarm in index.ts wakes it and reconnects.
import * as v from 'valibot';
import { ServerFrame, channelAuthBytes, type DeviceFrame } from '../../protocol/index.ts';
import { signBytes } from '../crypto/device-key.ts';
import { broadcast } from '../messaging/index.ts';
import { accountsOf, listAccounts, type AccountRecord } from '../storage/db.ts';
import { confirmRevoked, pollAccount } from './poll.ts';
import { cancelRequest, receiveRequest } from './requests.ts';

const BACKOFF_BASE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;

export const channelUrl = (origin: string): string => origin.replace(/^http/, 'ws') + '/api/device/channel';

class Channel {
  private socket: WebSocket | undefined;
  private nonce: string | undefined;
  private attempts = 0;
  private retry: ReturnType<typeof setTimeout> | undefined;
  private closed = false;
  readonly ready = new Set<string>();
  /** Devices bound on an earlier socket of this worker: a later bind is a reconnect. */
  private readonly boundBefore = new Set<string>();

  constructor(readonly origin: string) {}

  connect(): void {
    this.closed = false;
    if (this.socket && this.socket.readyState <= WebSocket.OPEN) return;
    clearTimeout(this.retry);
    this.retry = undefined;
    let socket: WebSocket;
    try {
      socket = new WebSocket(channelUrl(this.origin));
    } catch (err) {
      console.warn('pushkey: cannot open channel', this.origin, err);
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (event) => void this.onFrame(socket, event.data);
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.socket = undefined;
      this.nonce = undefined;
      this.ready.clear();
      broadcast({ type: 'accountsChanged' });
      if (!this.closed) this.scheduleReconnect();
    };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    const socket = this.socket;
    this.socket = undefined;
    this.nonce = undefined;
    this.ready.clear();
    socket?.close();
  }

  /** Binds one more account to the open socket (after an enrollment). */
  async authenticate(account: AccountRecord): Promise<void> {
    const socket = this.socket;
    const nonce = this.nonce;
    if (!socket || socket.readyState !== WebSocket.OPEN || !nonce || account.revoked) return;
    const signature = await signBytes(account.privateKey, channelAuthBytes({ origin: this.origin, nonce, deviceId: account.deviceId }));
    this.send(socket, { type: 'auth', deviceId: account.deviceId, signature });
  }

  private send(socket: WebSocket, frame: DeviceFrame): void {
    if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame));
  }

  private scheduleReconnect(): void {
    if (this.retry) return;
    // Full jitter: a server restart does not bring every device back in the same second.
    const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** this.attempts);
    this.attempts++;
    this.retry = setTimeout(() => {
      this.retry = undefined;
      void this.stillNeeded().then((needed) => (needed ? this.connect() : this.close()));
    }, Math.random() * cap);
  }

  /** A registration of ours was removed, says the server: confirm it with a signed poll. */
  private async onRemoved(deviceId: string): Promise<void> {
    if (!(await accountsOf(this.origin)).some((a) => a.deviceId === deviceId)) return;
    await confirmRevoked(deviceId);
    if (!(await this.stillNeeded())) this.close();
  }

  /** False once no usable account of this origin is left (all removed or revoked). */
  private async stillNeeded(): Promise<boolean> {
    return (await accountsOf(this.origin)).some((a) => !a.revoked);
  }

  private async onFrame(socket: WebSocket, data: unknown): Promise<void> {
    let json: unknown;
    try {
      json = JSON.parse(String(data));
    } catch {
      return;
    }
    const parsed = v.safeParse(ServerFrame, json);
    if (!parsed.success) {
      console.warn('pushkey: ignored a malformed channel frame from', this.origin, parsed.issues[0].message);
      return;
    }
    const frame = parsed.output;
    switch (frame.type) {
      case 'hello':
        this.nonce = frame.nonce;
        for (const account of await accountsOf(this.origin)) await this.authenticate(account);
        return;
      case 'ready':
        this.ready.add(frame.deviceId);
        // Back after a drop: a cancel sent meanwhile was not heard, and the server re-sends only
        // what is pending. A signed poll settles what ended while the socket was down.
        if (this.boundBefore.has(frame.deviceId)) void pollAccount(frame.deviceId).catch(() => undefined);
        this.boundBefore.add(frame.deviceId);
        this.attempts = 0;
        broadcast({ type: 'accountsChanged' });
        return;
      case 'ping':
        this.send(socket, { type: 'pong', time: frame.time });
        return;
      case 'request':
        await receiveRequest(this.origin, frame, 'channel');
        return;
      case 'cancel':
        await cancelRequest(frame.deviceId, frame.challengeId);
        return;
      case 'revoked':
        await this.onRemoved(frame.deviceId);
        return;
      case 'error':
        console.warn('pushkey: channel error from', this.origin, frame.error, frame.message);
        // The server removed this registration (revoked, or deleted outright): it can answer nothing more.
        if (frame.deviceId && (frame.error === 'device_revoked' || frame.error === 'device_unknown')) await this.onRemoved(frame.deviceId);
        return;
    }
  }
}

const channels = new Map<string, Channel>();

/** One open channel per origin that has a usable account; channels of gone origins close. */
export async function syncChannels(): Promise<void> {
  const origins = new Set((await listAccounts()).filter((a) => !a.revoked).map((a) => a.origin));
  for (const [origin, channel] of channels) {
    if (!origins.has(origin)) {
      channel.close();
      channels.delete(origin);
    }
  }
  for (const origin of origins) {
    let channel = channels.get(origin);
    if (!channel) {
      channel = new Channel(origin);
      channels.set(origin, channel);
    }
    channel.connect();
  }
}

export const isConnected = (account: AccountRecord): boolean => channels.get(account.origin)?.ready.has(account.deviceId) ?? false;

export async function bindAccount(account: AccountRecord): Promise<void> {
  const channel = channels.get(account.origin);
  if (channel) await channel.authenticate(account);
  else await syncChannels();
}

/** Rebinds an origin's socket from scratch (after an account of it was removed). */
export async function restartChannel(origin: string): Promise<void> {
  channels.get(origin)?.close();
  channels.delete(origin);
  await syncChannels();
}
