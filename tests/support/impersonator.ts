// A stand-in for a pushkey server's device API, for the tests that need to be the server:
// it signs pushes with whatever key the test chooses (a forged push is signed by a key the
// device never pinned). It speaks the wire protocol through protocol/, like the real one.
import { generateKeyPairSync, randomBytes, sign as nodeSign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  parseDeviceCommand,
  parseDeviceFrame,
  parseDeviceResponse,
  parseEnrollRequest,
  sealPush,
  spkiToRaw,
  toB64u,
  type DeviceResponse,
  type JsonValue,
  type PushContent,
  type PushRequest,
  type PushVersion,
  type RequestKind,
} from '../../protocol/index.ts';

export interface ServerKey {
  privateKey: KeyObject;
  publicKey: string;
}

export function makeServerKey(): ServerKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey: toB64u(spkiToRaw(new Uint8Array(publicKey.export({ format: 'der', type: 'spki' })))) };
}

export const randomId = (): string => toB64u(randomBytes(16));

/** The push frame for `content` in `version`, signed with `key`: sealPush, as the real server signs. */
export function signPush(key: ServerKey, origin: string, content: PushContent, version: PushVersion = 2): PushRequest {
  return sealPush(origin, content, version, (bytes) => toB64u(new Uint8Array(nodeSign('sha256', bytes, { key: key.privateKey, dsaEncoding: 'ieee-p1363' }))));
}

export interface PushOptions {
  /** The key that signs (the pinned one by default; another makes a forged push). */
  signer?: ServerKey;
  kind?: RequestKind;
  app?: string;
  expiresInMs?: number;
  /** The wire version (2 by default, as to a device that announces push_canonical). */
  version?: PushVersion;
  /** Context fields a newer server might add, which the device does not know; signed with the rest (v2). */
  extraContext?: Record<string, JsonValue>;
  /** false: only build the signed frame (to alter it, then send it with send()). */
  send?: boolean;
}

export interface Impersonator {
  origin: string;
  port: number;
  key: ServerKey;
  /** Devices that completed the channel handshake. */
  ready: Set<string>;
  responses: DeviceResponse[];
  /** How many signed commands (polls, …) arrived. */
  readonly commands: number;
  /** When set, every command is refused with this error (e.g. clock_skew, as the real server answers a wrong clock). */
  refuseCommands: { status: number; error: string; message: string } | null;
  enrolled: { deviceId: string; upn: string }[];
  /** Sends a push signed with `signer` (the pinned key by default) on the device's socket, v2 unless told otherwise. */
  push(deviceId: string, opts?: PushOptions): PushRequest;
  /** Sends any frame (e.g. an unsigned `revoked`) on the device's socket. */
  send(deviceId: string, frame: unknown): void;
  waitReady(deviceId: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startImpersonator(opts: { port?: number; key?: ServerKey; upn?: string; tenant?: string } = {}): Promise<Impersonator> {
  const key = opts.key ?? makeServerKey();
  const sockets = new Map<string, WebSocket>();
  const ready = new Set<string>();
  const responses: DeviceResponse[] = [];
  const enrolled: { deviceId: string; upn: string }[] = [];
  let origin = '';
  let commands = 0;

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' });
    res.end(JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage): Promise<unknown> => {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    return JSON.parse(text);
  };

  const http: Server = createServer((req, res) => {
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { 'access-control-allow-origin': '*', 'access-control-allow-methods': 'POST', 'access-control-allow-headers': 'content-type' });
      return res.end();
    }
    void (async () => {
      try {
        const body = await readBody(req);
        if (req.url === '/api/device/enroll') {
          parseEnrollRequest(body);
          const deviceId = randomId();
          const upn = opts.upn ?? 'mallory@example.test';
          enrolled.push({ deviceId, upn });
          return send(res, 200, { type: 'enrolled', origin, deviceId, accountId: randomId(), upn, displayName: 'Test User', tenant: opts.tenant ?? 'Impersonated Tenant', serverPublicKey: key.publicKey });
        }
        if (req.url === '/api/device/command') {
          const cmd = parseDeviceCommand(body);
          commands++;
          if (self.refuseCommands) return send(res, self.refuseCommands.status, { error: self.refuseCommands.error, message: self.refuseCommands.message });
          return send(res, 200, cmd.type === 'poll' ? { type: 'pending', requests: [] } : { type: 'ok' });
        }
        if (req.url === '/api/device/respond') {
          const r = parseDeviceResponse(body);
          responses.push(r);
          return send(res, 200, { type: 'result', challengeId: r.challengeId, outcome: r.decision === 'approve' ? 'approved' : r.decision === 'deny' ? 'denied' : 'reported' });
        }
        send(res, 404, { error: 'not_found', message: 'no such route' });
      } catch (err) {
        send(res, 400, { error: 'bad_request', message: String(err) });
      }
    })();
  });

  const wss = new WebSocketServer({ server: http, path: '/api/device/channel' });
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'hello', nonce: randomId(), time: Date.now() }));
    ws.on('message', (data) => {
      try {
        const frame = parseDeviceFrame(JSON.parse(String(data)));
        if (frame.type === 'auth') {
          // An impersonator cannot check the device's key against a record it does not have; it does not need to.
          sockets.set(frame.deviceId, ws);
          ready.add(frame.deviceId);
          ws.send(JSON.stringify({ type: 'ready', deviceId: frame.deviceId }));
        }
      } catch {
        /* ignore */
      }
    });
    ws.on('close', () => {
      for (const [id, s] of sockets) if (s === ws) {
        sockets.delete(id);
        ready.delete(id);
      }
    });
  });

  await new Promise<void>((resolve) => http.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (http.address() as AddressInfo).port;
  origin = `http://127.0.0.1:${port}`;

  const self: Impersonator = {
    origin,
    port,
    key,
    ready,
    responses,
    enrolled,
    refuseCommands: null,
    get commands() {
      return commands;
    },
    push(deviceId, o = {}) {
      const now = Date.now();
      const context = { ip: '203.0.113.7', location: 'Paris, France', browser: 'Chrome on Linux', time: now, ...o.extraContext };
      const content: PushContent = {
        deviceId,
        challengeId: randomId(),
        nonce: randomId(),
        kind: o.kind ?? 'mfa',
        app: o.app ?? 'Contoso Portal',
        context,
        expiresAt: now + (o.expiresInMs ?? 90_000),
      };
      const request = signPush(o.signer ?? key, origin, content, o.version ?? 2);
      if (o.send === false) return request;
      const ws = sockets.get(deviceId);
      if (!ws) throw new Error(`device ${deviceId} has no bound socket`);
      ws.send(JSON.stringify(request));
      return request;
    },
    send(deviceId, frame) {
      const ws = sockets.get(deviceId);
      if (!ws) throw new Error(`device ${deviceId} has no bound socket`);
      ws.send(JSON.stringify(frame));
    },
    async waitReady(deviceId, timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      while (!ready.has(deviceId)) {
        if (Date.now() > until) throw new Error(`device ${deviceId} never bound its channel`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
  return self;
}
