// Cross-site WebSocket hijacking: a page on another site opens the device channel from the
// person's browser. The browser sends that page's Origin, and the handshake is refused before
// any hello; the extension's own origin and clients without one still connect.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../support/server.ts';

let srv: TestServer;
beforeAll(async () => {
  srv = await startServer();
});
afterAll(async () => srv?.close());

/** Opens the channel with `origin` (or none): the first frame, or the status that refused the upgrade. */
function handshake(origin?: string): Promise<{ status: number; body?: string } | { frame: { type: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(srv.origin.replace(/^http/, 'ws') + '/api/device/channel', origin ? { origin } : {});
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('message', (d) => {
      resolve({ frame: JSON.parse(d.toString()) as { type: string } });
      ws.close();
    });
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}

describe('device channel handshake origin', () => {
  it('refuses a page on another site with 403 forbidden, before any hello', async () => {
    const r = await handshake('https://evil.example');
    expect(r).toMatchObject({ status: 403 });
    expect(JSON.parse((r as { body: string }).body)).toMatchObject({ error: 'forbidden' });
  });

  it('refuses a look-alike of the server origin', async () => {
    expect(await handshake(`${srv.origin}.evil.example`)).toMatchObject({ status: 403 });
  });

  it('accepts the extension, the server itself and a client that sends no Origin', async () => {
    for (const origin of ['chrome-extension://abcdefghijklmnopabcdefghijklmnop', 'moz-extension://6f1c0d4e-8a7b-4c1d-9e2f-0a1b2c3d4e5f', srv.origin, undefined]) {
      expect(await handshake(origin), String(origin)).toMatchObject({ frame: { type: 'hello' } });
    }
  });
});
