// The device channel over WebSocket (ws). Handshake: we send hello with a fresh nonce; the
// device answers one auth per account, each signed over that nonce; only then is the
// device bound to this socket. We ping at most every 20 s (Chrome kills an idle service
// worker after 30 s) and forward pushes, cancels and revocations from the bus.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { PushkeyError } from '../../../protocol/errors.ts';
import { toB64u } from '../../../protocol/encoding.ts';
import type { PushRequest, ServerFrame } from '../../../protocol/messages.ts';
import { parseDeviceFrame, parseJson } from '../../../protocol/parse.ts';
import { channelAuthBytes } from '../../../protocol/signed-bytes.ts';
import { pendingFor } from '../../domain/authenticator/challenges.ts';
import type { Deps } from '../../domain/deps.ts';
import { authenticateDevice } from '../../domain/authenticator/devices.ts';
import { traceDelivery } from '../../domain/monitoring/protocol-trace.ts';
import type { BusEvent } from '../../domain/authenticator/push-bus.ts';
import { normalise } from '../http/errors.ts';
import { channelOriginAllowed, DEFAULT_CHANNEL_ORIGINS } from './channel-origins.ts';

export const CHANNEL_PATH = '/api/device/channel';

export interface ChannelOptions {
  pingIntervalMs: number;
  /** A socket that has not authenticated a device by then is closed. */
  authTimeoutMs: number;
  /** Devices per socket (accounts of one server in one extension). */
  maxDevicesPerSocket: number;
  /** Origins besides the server's own that may open the channel (channel-origins.ts). */
  allowedOrigins: readonly string[];
}
export const DEFAULT_CHANNEL_OPTIONS: ChannelOptions = { pingIntervalMs: 20_000, authTimeoutMs: 10_000, maxDevicesPerSocket: 20, allowedOrigins: DEFAULT_CHANNEL_ORIGINS };

export interface Channel {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** How many devices are connected here (for tests and metrics). */
  connectedDevices(): number;
  close(): Promise<void>;
}

export function createChannel(d: Deps, opts: ChannelOptions = DEFAULT_CHANNEL_OPTIONS): Channel {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const byDevice = new Map<string, Set<WebSocket>>();

  const send = (ws: WebSocket, frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame));
  };
  const bind = (deviceId: string, ws: WebSocket) => {
    let set = byDevice.get(deviceId);
    if (!set) byDevice.set(deviceId, (set = new Set()));
    set.add(ws);
  };
  const unbind = (deviceId: string, ws: WebSocket) => {
    const set = byDevice.get(deviceId);
    set?.delete(ws);
    if (set?.size === 0) byDevice.delete(deviceId);
  };

  /** After the bus was cut off: every connected device gets what is pending for it, in case a push was missed. */
  async function resend(): Promise<void> {
    for (const [deviceId, sockets] of byDevice) {
      const device = await d.repo.getDevice(deviceId);
      if (!device || device.revokedAt !== null) continue;
      for (const request of await pendingFor(d, device, 'channel')) for (const ws of sockets) send(ws, request);
    }
  }

  /** A sign-in's push went out on a socket here: its trace and the log say so, with its correlation id. */
  async function delivered(flowId: string, request: PushRequest): Promise<void> {
    d.log.info({ correlationId: flowId, challengeId: request.challengeId, deviceId: request.deviceId, via: 'channel' }, 'push delivered');
    await traceDelivery(d, flowId, request, 'channel', false).catch((err: unknown) => d.log.warn({ err, correlationId: flowId }, 'channel: the delivery could not be traced'));
  }

  const unsubscribe = d.bus.subscribe((e: BusEvent) => {
    if (e.type === 'challenge') return;
    if (e.type === 'resync') return void resend().catch((err: unknown) => d.log.error({ err }, 'channel: re-sending pending requests failed'));
    const sockets = byDevice.get(e.deviceId);
    if (!sockets) return;
    if (e.type === 'push' && e.flowId && sockets.size > 0) void delivered(e.flowId, e.request);
    for (const ws of sockets) {
      if (e.type === 'push') send(ws, e.request);
      else if (e.type === 'cancel') send(ws, { type: 'cancel', deviceId: e.deviceId, challengeId: e.challengeId });
      else if (e.type === 'revoked') {
        send(ws, { type: 'revoked', deviceId: e.deviceId });
        unbind(e.deviceId, ws);
        bound.get(ws)?.delete(e.deviceId);
        if (bound.get(ws)?.size === 0) ws.close(4003, 'device revoked');
      }
    }
  });
  const bound = new WeakMap<WebSocket, Set<string>>();

  wss.on('connection', (ws: WebSocket) => {
    const nonce = toB64u(d.random.bytes(16));
    const devices = new Set<string>();
    bound.set(ws, devices);
    send(ws, { type: 'hello', nonce, time: d.clock.now() });
    const authTimer = setTimeout(() => {
      if (devices.size === 0) ws.close(4001, 'authentication timeout');
    }, opts.authTimeoutMs);
    const pingTimer = setInterval(() => send(ws, { type: 'ping', time: d.clock.now() }), opts.pingIntervalMs);

    ws.on('message', async (data, isBinary) => {
      try {
        if (isBinary) throw new PushkeyError('bad_request', 'Frames are JSON text.');
        const frame = parseDeviceFrame(parseJson(data.toString(), 'frame'));
        if (frame.type === 'pong') return;
        if (devices.size >= opts.maxDevicesPerSocket) throw new PushkeyError('rate_limited', 'Too many devices on one socket.');
        const device = await authenticateDevice(d, frame.deviceId, channelAuthBytes({ origin: d.origin, nonce, deviceId: frame.deviceId }), frame.signature);
        if (ws.readyState !== ws.OPEN) return;
        devices.add(device.id);
        bind(device.id, ws);
        send(ws, { type: 'ready', deviceId: device.id });
        // Whatever was pushed while the device was away.
        for (const request of await pendingFor(d, device, 'channel')) send(ws, request);
      } catch (err) {
        const e = normalise(err);
        if (e.code === 'internal') d.log.error({ err }, 'channel error');
        else if (e.code === 'unavailable') d.log.warn({ err }, 'channel: database unavailable');
        const deviceId = (() => {
          try {
            const f = JSON.parse(data.toString()) as { deviceId?: unknown };
            return typeof f.deviceId === 'string' && /^[A-Za-z0-9_-]{22}$/.test(f.deviceId) ? f.deviceId : undefined;
          } catch {
            return undefined;
          }
        })();
        send(ws, { type: 'error', error: e.code, message: e.message, ...(deviceId ? { deviceId } : {}) });
        if (devices.size === 0 && e.code !== 'device_revoked' && e.code !== 'device_unknown') ws.close(4000, e.code);
      }
    });
    ws.on('close', () => {
      clearTimeout(authTimer);
      clearInterval(pingTimer);
      for (const id of devices) unbind(id, ws);
    });
    ws.on('error', () => ws.terminate());
  });

  return {
    handleUpgrade(req, socket, head) {
      if (!channelOriginAllowed(req.headers.origin, d.origin, opts.allowedOrigins)) {
        const body = JSON.stringify({ error: 'forbidden', message: `The device channel does not accept connections from ${req.headers.origin}.` });
        socket.end(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
    },
    connectedDevices: () => byDevice.size,
    async close() {
      unsubscribe();
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Routes HTTP upgrades on CHANNEL_PATH to the channel; anything else is refused. */
export function attachChannel(server: Server, channel: Channel): void {
  server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === CHANNEL_PATH) channel.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
}
