// The server side of push.bench.ts, in a process of its own (the devices live in the parent, as
// they would on other machines). argv[2] says which:
//   pushkey: the test server, its users and their devices written straight into its repository
//            (one user, one device each, from the public keys the parent sends);
//   raw:     a bare ws server that keeps its sockets in an array and sends one JSON message.
// Over IPC: 'started' once it listens; { seed: publicKeys[] } → { url, deviceIds }; { push: i, how } → { id, t0 } once the
// message to device i is handed to its socket, t0 the wall clock (performance.timeOrigin +
// performance.now(), comparable across processes) just before the server began to emit it;
// 'stop' ends the process.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { buildPush, createChallenge } from '../../server/domain/authenticator/challenges.ts';
import { newId } from '../../server/domain/deps.ts';
import { getAuthenticatorPolicy } from '../../server/domain/policies/policy.ts';
import type { Challenge, Device, User } from '../../server/domain/types.ts';
import { toB64u } from '../../protocol/encoding.ts';
import { startServer } from '../../tests/support/server.ts';

export type PushHow = 'emit' | 'createChallenge';
export type ToServer = { seed: string[] } | { push: number; how: PushHow } | 'stop';
export type FromServer = 'started' | { url: string; deviceIds: string[] } | { id: string; t0: number };

const wall = () => performance.timeOrigin + performance.now();
const send = (m: FromServer) => process.send!(m);
const mode = process.argv[2];

if (mode === 'raw') {
  const server = createServer();
  const wss = new WebSocketServer({ server });
  const sockets: WebSocket[] = [];
  // Each client names its index in its first message.
  wss.on('connection', (ws) => ws.once('message', (data) => void (sockets[Number(data.toString())] = ws)));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let seq = 0;
  process.on('message', (m: ToServer) => {
    if (m === 'stop') return process.exit(0);
    if ('seed' in m) return send({ url, deviceIds: m.seed.map((_, i) => String(i)) });
    const t0 = wall();
    const id = String(++seq);
    // About the size of a push frame, built per message as a push is.
    sockets[m.push]!.send(JSON.stringify({ type: 'request', challengeId: id, body: 'x'.repeat(560) }));
    send({ id, t0 });
  });
} else if (mode === 'pushkey') {
  const srv = await startServer({ policy: { requestLifetimeSeconds: 600 } });
  const users: User[] = [];
  const devices: Device[] = [];
  process.on('message', async (m: ToServer) => {
    if (m === 'stop') return void srv.close().then(() => process.exit(0));
    if ('seed' in m) {
      const now = srv.clock.now();
      for (const [i, publicKey] of m.seed.entries()) {
        const user: User = {
          id: newId(srv.deps),
          upn: `device${i}@pushkey.test`,
          displayName: `Device ${i}`,
          passwordHash: 'none',
          groups: [],
          roles: ['user'],
          disabled: false,
          createdAt: now,
          passwordFailures: 0,
          pushFailures: 0,
          lockedUntil: 0,
          pushPausedUntil: 0,
          passwordResetAt: 0,
          risk: null,
        };
        const device: Device = {
          id: newId(srv.deps),
          userId: user.id,
          publicKey,
          name: `device ${i}`,
          clientVersion: '1.0.0',
          capabilities: ['number_match', 'passwordless', 'report', 'push_canonical'],
          passwordless: false,
          createdAt: now,
          lastUsedAt: null,
          revokedAt: null,
          lastCommandAt: 0,
        };
        await srv.repo.createUser(user);
        await srv.repo.createDevice(device);
        users.push(user);
        devices.push(device);
      }
      return send({ url: srv.origin.replace(/^http/, 'ws') + '/api/device/channel', deviceIds: devices.map((d) => d.id) });
    }
    const d = srv.deps;
    const device = devices[m.push]!;
    if (m.how === 'createChallenge') {
      const t0 = wall();
      const c = await createChallenge(d, users[m.push]!, 'test', { app: 'bench', ip: '192.0.2.1', location: 'Bench', browser: 'Chrome 156 on Linux' });
      return send({ id: c.id, t0 });
    }
    // The emit alone, as createChallenge ends: the push signed for this device and published.
    const policy = await getAuthenticatorPolicy(d.repo);
    const now = d.clock.now();
    const c: Challenge = {
      id: newId(d),
      userId: device.userId,
      deviceId: null,
      kind: 'test',
      nonce: toB64u(d.random.bytes(16)),
      number: '42',
      app: 'bench',
      ip: '192.0.2.1',
      location: 'Bench',
      browser: 'Chrome 156 on Linux',
      createdAt: now,
      expiresAt: now + 600_000,
      status: 'pending',
      answeredAt: null,
      answeredBy: null,
      flowId: null,
      userVerified: false,
    };
    const t0 = wall();
    d.bus.publish({ type: 'push', deviceId: device.id, request: buildPush(d, c, device, policy) });
    send({ id: c.id, t0 });
  });
} else throw new Error(`push-server: mode is raw or pushkey, not ${mode}`);
send('started');
