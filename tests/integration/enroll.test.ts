// Adding the authenticator: activation codes (single use, 10 minutes, stored hashed) and
// enrollment with proof of possession, over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activationCodeFrom, formatActivationCode } from '../../protocol/activation-code.ts';
import { toB64u } from '../../protocol/encoding.ts';
import { enrollBytes } from '../../protocol/signed-bytes.ts';
import { exportPublicKey, generateDeviceKey, sign } from '../../protocol/webcrypto.ts';
import { ManualClock, signIn, startServer, type HttpClient, type TestServer } from '../support/server.ts';
import { SoftDevice } from '../support/soft-device.ts';

const TEN_MINUTES = 10 * 60_000;

async function enrollBody(srv: TestServer, code: string, opts: { clientVersion?: string; capabilities?: string[]; sent?: string } = {}) {
  const keys = await generateDeviceKey();
  const fields = {
    code,
    publicKey: await exportPublicKey(keys.publicKey),
    deviceName: 'Raw device',
    clientVersion: opts.clientVersion ?? '1.0.0',
    capabilities: opts.capabilities ?? ['number_match', 'passwordless', 'report'],
  };
  const proof = await sign(keys.privateKey, enrollBytes({ origin: srv.origin, ...fields }));
  // `sent`: the code as a person typed it, while the proof covers the canonical form.
  return { type: 'enroll', ...fields, code: opts.sent ?? code, proof };
}

async function post(srv: TestServer, path: string, body: unknown) {
  const res = await fetch(srv.origin + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

describe('enrollment', () => {
  const clock = new ManualClock();
  let srv: TestServer;
  let me: HttpClient;
  const activation = async () => (await me.post('/api/me/authenticator/activation')).body as { activationId: string; code: string; uri: string; expiresAt: number };

  beforeAll(async () => {
    srv = await startServer({ clock });
    me = await signIn(srv.origin, srv.users.alice!.upn, srv.users.alice!.password);
  });
  afterAll(async () => srv?.close());

  it('hands out a QR link with a ≥128-bit code that expires in 10 minutes, and stores only its hash', async () => {
    const a = await activation();
    // 26 random Crockford base32 symbols (130 bits) and 2 check symbols, ungrouped in the link.
    expect(a.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{28}$/);
    expect(a.uri).toContain(`code=${a.code}&`);
    expect(a.expiresAt).toBe(clock.now() + TEN_MINUTES);
    const stored = await srv.repo.getActivation(a.activationId);
    expect(JSON.stringify(stored)).not.toContain(a.code);
  });

  it('enrolls a device and answers with its ids and the pinned server key', async () => {
    const a = await activation();
    const device = await SoftDevice.enroll(srv.origin, a.code);
    expect(device.account).toMatchObject({ type: 'enrolled', origin: srv.origin, upn: srv.users.alice!.upn, tenant: 'pushkey Lab' });
    expect(device.account.serverPublicKey).toMatch(/^[A-Za-z0-9_-]{87}$/);
    expect((await me.get(`/api/me/authenticator/activation/${a.activationId}`)).body).toEqual({ status: 'registered', deviceId: device.deviceId });
    const methods = await me.get('/api/me/methods');
    expect(methods.body.devices.map((d: { id: string }) => d.id)).toContain(device.deviceId);
  });

  it('accepts an activation code once: the second enrollment gets code_invalid', async () => {
    const a = await activation();
    await SoftDevice.enroll(srv.origin, a.code);
    await expect(SoftDevice.enroll(srv.origin, a.code)).rejects.toMatchObject({ code: 'code_invalid' });
  });

  it('lets exactly one of many parallel enrollments with the same code win', async () => {
    const a = await activation();
    const bodies = await Promise.all(Array.from({ length: 10 }, () => enrollBody(srv, a.code)));
    const answers = await Promise.all(bodies.map((b) => post(srv, '/api/device/enroll', b)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.body.error === 'code_invalid')).toHaveLength(9);
  });

  it('accepts a code 1 ms before its 10 minutes are up', async () => {
    const a = await activation();
    clock.advance(TEN_MINUTES - 1);
    await expect(SoftDevice.enroll(srv.origin, a.code)).resolves.toBeInstanceOf(SoftDevice);
  });

  it('refuses a code at exactly 10 minutes, and past it', async () => {
    const a = await activation();
    const b = await activation();
    clock.advance(TEN_MINUTES);
    await expect(SoftDevice.enroll(srv.origin, a.code)).rejects.toMatchObject({ code: 'code_invalid' });
    expect((await me.get(`/api/me/authenticator/activation/${a.activationId}`)).body).toEqual({ status: 'expired' });
    clock.advance(1);
    await expect(SoftDevice.enroll(srv.origin, b.code)).rejects.toMatchObject({ code: 'code_invalid' });
  });

  it('refuses an unknown code with code_invalid', async () => {
    await expect(SoftDevice.enroll(srv.origin, activationCodeFrom(new Uint8Array(26).fill(7)))).rejects.toMatchObject({ code: 'code_invalid' });
  });

  it('takes the code as a person types it (groups, spaces, lowercase, O for 0, I for 1) and hashes its canonical form', async () => {
    const a = await activation();
    const typed = ` ${formatActivationCode(a.code).toLowerCase().replace(/-/g, ' - ').replace(/0/g, 'o').replace(/1/g, 'I')} `;
    const res = await post(srv, '/api/device/enroll', await enrollBody(srv, a.code, { sent: typed }));
    expect(res.status).toBe(200);
    expect((await me.get(`/api/me/authenticator/activation/${a.activationId}`)).body).toMatchObject({ status: 'registered' });
  });

  it('refuses a mistyped code with bad_request naming the field, without spending it', async () => {
    const a = await activation();
    const last = a.code.at(-1) === '0' ? '1' : '0';
    const typo = a.code.slice(0, -1) + last;
    const res = await post(srv, '/api/device/enroll', await enrollBody(srv, typo));
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request', message: expect.stringMatching(/"code".*typo/) });
    const old = await post(srv, '/api/device/enroll', await enrollBody(srv, toB64u(new Uint8Array(16).fill(7))));
    expect(old.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('"code"') });
    expect((await post(srv, '/api/device/enroll', await enrollBody(srv, a.code))).status).toBe(200);
  });

  it('refuses a proof signed by another key, without spending the code', async () => {
    const a = await activation();
    const body = await enrollBody(srv, a.code);
    const other = await enrollBody(srv, a.code);
    const res = await post(srv, '/api/device/enroll', { ...body, proof: other.proof });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('signature_invalid');
    // The honest device can still use the code.
    expect((await post(srv, '/api/device/enroll', body)).status).toBe(200);
  });

  it('refuses a proof over other fields (device name changed after signing)', async () => {
    const a = await activation();
    const body = await enrollBody(srv, a.code);
    const res = await post(srv, '/api/device/enroll', { ...body, deviceName: 'Evil device' });
    expect(res.body.error).toBe('signature_invalid');
  });

  it('refuses a proof made for another server origin', async () => {
    const a = await activation();
    const keys = await generateDeviceKey();
    const fields = { code: a.code, publicKey: await exportPublicKey(keys.publicKey), deviceName: 'Phished', clientVersion: '1.0.0', capabilities: ['number_match'] };
    const proof = await sign(keys.privateKey, enrollBytes({ origin: 'https://evil.example', ...fields }));
    expect((await post(srv, '/api/device/enroll', { type: 'enroll', ...fields, proof })).body.error).toBe('signature_invalid');
  });

  it('refuses a public key that is not a point on P-256', async () => {
    const a = await activation();
    const body = await enrollBody(srv, a.code);
    const raw = Uint8Array.from(Buffer.from(body.publicKey, 'base64url'));
    raw[64] = raw[64]! ^ 1; // y off by one bit: off the curve
    const res = await post(srv, '/api/device/enroll', { ...body, publicKey: toB64u(raw) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: 'bad_request' });
    expect(res.body.message).toContain('publicKey');
    // A compressed-point prefix is refused too.
    raw[64] = raw[64]! ^ 1;
    raw[0] = 0x02;
    expect((await post(srv, '/api/device/enroll', { ...body, publicKey: toB64u(raw) })).body.error).toBe('bad_request');
  });

  it('refuses an old client without number matching with client_update_required, keeping the code', async () => {
    const a = await activation();
    const old = await enrollBody(srv, a.code, { capabilities: ['passwordless'] });
    const res = await post(srv, '/api/device/enroll', old);
    expect(res.status).toBe(426);
    expect(res.body.error).toBe('client_update_required');
    await expect(SoftDevice.enroll(srv.origin, a.code)).resolves.toBeInstanceOf(SoftDevice);
  });

  it('refuses a client below the policy minimum version with client_update_required', async () => {
    await srv.setPolicy({ minClientVersion: '1.2.0' });
    try {
      const a = await activation();
      await expect(SoftDevice.enroll(srv.origin, a.code, { clientVersion: '1.1.9' })).rejects.toMatchObject({ code: 'client_update_required' });
      await expect(SoftDevice.enroll(srv.origin, a.code, { clientVersion: '1.2.0' })).resolves.toBeInstanceOf(SoftDevice);
    } finally {
      await srv.setPolicy({ minClientVersion: '0.0.0' });
    }
  });

  it('refuses an activation for a user the policy does not target', async () => {
    await srv.setPolicy({ enabled: false });
    try {
      const res = await me.post('/api/me/authenticator/activation');
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('method_not_allowed');
    } finally {
      await srv.setPolicy({ enabled: true });
    }
  });

  it("does not show another user's activation", async () => {
    const a = await activation();
    const bob = await signIn(srv.origin, srv.users.bob!.upn, srv.users.bob!.password);
    const res = await bob.get(`/api/me/authenticator/activation/${a.activationId}`);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
  });
});
