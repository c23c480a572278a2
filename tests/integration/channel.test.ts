// The device channel: signed hello/auth handshake, pings, pushes that arrive while the
// device was away, and a revoked device's socket closed at once.
import fc from 'fast-check';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelAuthBytes } from '../../protocol/signed-bytes.ts';
import { generateDeviceKey, sign } from '../../protocol/webcrypto.ts';
import { toB64u } from '../../protocol/encoding.ts';
import { isErrorCode } from '../../protocol/errors.ts';
import { DEFAULT_CHANNEL_OPTIONS } from '../../server/transport/push/channel.ts';
import { enrollUser, startPasswordless, upgradeToPasswordless, type EnrolledUser } from '../support/flows.ts';
import { ManualClock, signIn, startServer, type TestServer } from '../support/server.ts';

/** A bare socket to the channel that records frames and the close code. */
class RawSocket {
  readonly frames: any[] = [];
  closeCode: number | null = null;
  private readonly ws: WebSocket;
  private readonly opened: Promise<void>;
  constructor(origin: string) {
    this.ws = new WebSocket(origin.replace(/^http/, 'ws') + '/api/device/channel');
    this.ws.on('message', (d) => this.frames.push(JSON.parse(d.toString())));
    this.ws.on('close', (code) => (this.closeCode = code));
    this.opened = new Promise((resolve) => this.ws.once('open', () => resolve()));
  }
  async frame(type: string, timeoutMs = 3000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.frames.findIndex((f) => f.type === type);
      if (i >= 0) return this.frames.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${type} frame`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  async closed(timeoutMs = 3000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    while (this.closeCode === null) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise((r) => setTimeout(r, 5));
    }
    return this.closeCode;
  }
  async send(data: string | Buffer): Promise<void> {
    await this.opened;
    this.ws.send(data);
  }
  close() {
    this.ws.close();
  }
}

describe('device channel', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let alice: EnrolledUser;

  beforeAll(async () => {
    srv = await startServer({ clock, app: { channel: { pingIntervalMs: 40, authTimeoutMs: 300 } } });
    alice = await enrollUser(srv, 'alice', { connect: false });
  });
  afterAll(async () => srv?.close());

  it('binds the socket to the device after a signed auth over the hello nonce', async () => {
    const s = new RawSocket(srv.origin);
    const hello = await s.frame('hello');
    expect(hello.nonce).toMatch(/^[A-Za-z0-9_-]{22,43}$/);
    expect(hello.time).toBe(clock.now());
    const signature = await sign(alice.device.keys.privateKey, channelAuthBytes({ origin: srv.origin, nonce: hello.nonce, deviceId: alice.device.deviceId }));
    await s.send(JSON.stringify({ type: 'auth', deviceId: alice.device.deviceId, signature }));
    expect(await s.frame('ready')).toEqual({ type: 'ready', deviceId: alice.device.deviceId });
    s.close();
  });

  it('refuses an auth signed by another key and closes the socket', async () => {
    const s = new RawSocket(srv.origin);
    const hello = await s.frame('hello');
    const intruder = await generateDeviceKey();
    const signature = await sign(intruder.privateKey, channelAuthBytes({ origin: srv.origin, nonce: hello.nonce, deviceId: alice.device.deviceId }));
    await s.send(JSON.stringify({ type: 'auth', deviceId: alice.device.deviceId, signature }));
    expect(await s.frame('error')).toMatchObject({ error: 'signature_invalid', deviceId: alice.device.deviceId });
    expect(await s.closed()).toBe(4000);
    expect(s.frames.find((f) => f.type === 'ready')).toBeUndefined();
  });

  it('refuses an auth signed over an old nonce (a replayed handshake)', async () => {
    const first = new RawSocket(srv.origin);
    const oldHello = await first.frame('hello');
    first.close();
    const s = new RawSocket(srv.origin);
    await s.frame('hello');
    const signature = await sign(alice.device.keys.privateKey, channelAuthBytes({ origin: srv.origin, nonce: oldHello.nonce, deviceId: alice.device.deviceId }));
    await s.send(JSON.stringify({ type: 'auth', deviceId: alice.device.deviceId, signature }));
    expect((await s.frame('error')).error).toBe('signature_invalid');
    expect(await s.closed()).toBe(4000);
  });

  it('answers device_unknown for a device this server never enrolled', async () => {
    const s = new RawSocket(srv.origin);
    const hello = await s.frame('hello');
    const keys = await generateDeviceKey();
    const deviceId = toB64u(new Uint8Array(16).fill(1));
    const signature = await sign(keys.privateKey, channelAuthBytes({ origin: srv.origin, nonce: hello.nonce, deviceId }));
    await s.send(JSON.stringify({ type: 'auth', deviceId, signature }));
    expect(await s.frame('error')).toMatchObject({ error: 'device_unknown', deviceId });
    s.close();
  });

  it('answers bad_request to a frame that is not JSON, or binary, and closes an unauthenticated socket', async () => {
    const s = new RawSocket(srv.origin);
    await s.frame('hello');
    await s.send('{not json');
    expect((await s.frame('error')).error).toBe('bad_request');
    expect(await s.closed()).toBe(4000);

    const b = new RawSocket(srv.origin);
    await b.frame('hello');
    await b.send(Buffer.from([1, 2, 3]));
    expect((await b.frame('error')).error).toBe('bad_request');
    expect(await b.closed()).toBe(4000);
  });

  it('closes a socket that never authenticates', async () => {
    const s = new RawSocket(srv.origin);
    await s.frame('hello');
    expect(await s.closed()).toBe(4001);
  });

  it('refuses an auth signed for another server origin', async () => {
    const s = new RawSocket(srv.origin);
    const hello = await s.frame('hello');
    const signature = await sign(alice.device.keys.privateKey, channelAuthBytes({ origin: 'https://evil.example', nonce: hello.nonce, deviceId: alice.device.deviceId }));
    await s.send(JSON.stringify({ type: 'auth', deviceId: alice.device.deviceId, signature }));
    expect((await s.frame('error')).error).toBe('signature_invalid');
    s.close();
  });

  it('refuses an upgrade on any other path', async () => {
    const ws = new WebSocket(srv.origin.replace(/^http/, 'ws') + '/api/device/other');
    const failed = await new Promise<boolean>((resolve) => {
      ws.once('open', () => resolve(false));
      ws.once('error', () => resolve(true));
    });
    expect(failed).toBe(true);
  });

  it('survives random frames: each gets an error frame with a known code, never a crash', async () => {
    const frame = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record({ type: fc.constantFrom('auth', 'pong', 'hello', 'x'), deviceId: fc.oneof(fc.string(), fc.constant(alice.device.deviceId)), signature: fc.string(), time: fc.anything() }, { requiredKeys: ['type'] }),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const s = new RawSocket(srv.origin);
        await s.frame('hello');
        await s.send(JSON.stringify(f) ?? 'null');
        if (typeof f === 'object' && f !== null && (f as { type?: unknown }).type === 'pong' && typeof (f as { time?: unknown }).time === 'number') {
          s.close();
          return;
        }
        const err = await s.frame('error').catch(() => null);
        if (err) expect(isErrorCode(err.error), JSON.stringify(err)).toBe(true);
        s.close();
      }),
      { numRuns: 60 },
    );
    // Still serving devices.
    await alice.device.connect();
    alice.device.close();
  });

  it('pings a connected device at the configured interval', async () => {
    await alice.device.connect();
    const first = await alice.device.next((f) => f.type === 'ping', 1000);
    const second = await alice.device.next((f) => f.type === 'ping', 1000);
    expect(first).toMatchObject({ type: 'ping', time: clock.now() });
    expect(second.type).toBe('ping');
    alice.device.close();
  });

  it('pings at most every 20 s by default (Chrome stops an idle service worker after 30 s)', () => {
    expect(DEFAULT_CHANNEL_OPTIONS.pingIntervalMs).toBeLessThanOrEqual(20_000);
  });

  it('delivers a request made while the device was away as soon as it reconnects', async () => {
    await upgradeToPasswordless(alice);
    const flow = await startPasswordless(srv, alice.upn);
    await alice.device.connect();
    const push = await alice.device.nextPush();
    expect(push.challengeId).toBe(flow.challengeId);
    // The signed poll returns it too.
    const poll = await alice.device.command('poll');
    expect(poll.body.requests.map((r: { challengeId: string }) => r.challengeId)).toContain(flow.challengeId);
    alice.device.close();
  });

  it('sends a revoked frame and closes the socket at once when the device is removed', async () => {
    const bob = await enrollUser(srv, 'bob');
    const closed = bob.device.closed();
    const t0 = Date.now();
    const res = await bob.me.del(`/api/me/devices/${bob.device.deviceId}`);
    expect(res.status).toBe(200);
    expect(await bob.device.next((f) => f.type === 'revoked', 1000)).toEqual({ type: 'revoked', deviceId: bob.device.deviceId });
    expect(await closed).toBe(4003);
    expect(Date.now() - t0).toBeLessThan(3000); // no ping or timeout involved: only the revocation closes it
    expect(srv.app.channel.connectedDevices()).toBe(0);
  });

  it('closes the socket of a device the helpdesk revokes', async () => {
    const carol = await enrollUser(srv, 'carol');
    const helpdesk = await signIn(srv.origin, srv.users.helpdesk!.upn, srv.users.helpdesk!.password);
    const closed = carol.device.closed();
    expect((await helpdesk.del(`/api/admin/devices/${carol.device.deviceId}`)).status).toBe(200);
    expect(await closed).toBe(4003);
  });

  it('carries two accounts on one socket; revoking one keeps the other, and pushes go only to their own device', async () => {
    const first = await enrollUser(srv, 'policy', { connect: false });
    const second = await enrollUser(srv, 'helpdesk', { connect: false });
    const s = new RawSocket(srv.origin);
    const hello = await s.frame('hello');
    for (const u of [first, second]) {
      const signature = await sign(u.device.keys.privateKey, channelAuthBytes({ origin: srv.origin, nonce: hello.nonce, deviceId: u.device.deviceId }));
      await s.send(JSON.stringify({ type: 'auth', deviceId: u.device.deviceId, signature }));
      expect((await s.frame('ready')).deviceId).toBe(u.device.deviceId);
    }
    await first.me.del(`/api/me/devices/${first.device.deviceId}`);
    expect(await s.frame('revoked')).toEqual({ type: 'revoked', deviceId: first.device.deviceId });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.closeCode).toBeNull();
    // A push for the remaining account still arrives; one for another user's device does not.
    const test = await second.me.post('/api/me/authenticator/test', {});
    expect(test.status).toBe(200);
    expect((await s.frame('request')).challengeId).toBe(test.body.challengeId);
    const other = await enrollUser(srv, 'alice', { connect: false, me: alice.me });
    expect((await alice.me.post('/api/me/authenticator/test', { deviceId: other.device.deviceId })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    expect(s.frames.filter((f) => f.type === 'request')).toEqual([]);
    s.close();
  });

  it('refuses a revoked device that tries to reconnect', async () => {
    const dave = await enrollUser(srv, 'dave', { connect: false });
    await dave.me.del(`/api/me/devices/${dave.device.deviceId}`);
    await expect(dave.device.connect()).rejects.toThrow(/device_revoked/);
    dave.device.close();
  });
});
