// The least a server can do for the messages of one passwordless sign-in: a bare node:http
// server and a ws server, in a process of their own, answering the browser's four requests
// (start, "use an app instead", the status poll; the device's answer) and sending the push to
// the device, each parsed and answered as JSON of about the real size, with nothing else:
// no storage, no signatures, no framework. Speaks support/child-messages.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { answerParent } from './child-messages.ts';

const devices = new Set<WebSocket>();
const json = (res: ServerResponse, body: unknown, cookie?: string) => {
  const text = JSON.stringify(body);
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...(cookie ? { 'set-cookie': cookie } : {}) });
  res.end(text);
};
const bodyOf = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>) : {};
};
const id = () => Math.random().toString(36).slice(2).padEnd(22, 'x');

const server = createServer((req, res) => {
  void (async () => {
    const body = await bodyOf(req);
    const url = req.url ?? '';
    if (url === '/start') return json(res, { flowId: id(), methods: ['passwordless', 'password'], upn: body.upn }, `flow=${id()}; Path=/; HttpOnly; SameSite=Lax`);
    if (url === '/passwordless') {
      const push = { type: 'push', v: 2, deviceId: id(), challengeId: id(), nonce: id(), kind: 'passwordless', app: 'pushkey', context: { ip: '127.0.0.1', location: '', browser: 'Chrome on Linux', time: Date.now() }, expiresAt: Date.now() + 90_000, signature: 'A'.repeat(86) };
      for (const ws of devices) ws.send(JSON.stringify(push));
      return json(res, { challenge: { challengeId: push.challengeId, number: '42', expiresAt: push.expiresAt } });
    }
    if (url === '/respond') return json(res, { ok: true, decision: body.decision });
    if (url.startsWith('/status')) return json(res, { status: 'signed_in', next: '/myaccount/' }, `session=${id()}${id()}; Path=/; HttpOnly; SameSite=Lax`);
    res.writeHead(404).end();
  })();
});
new WebSocketServer({ server }).on('connection', (ws) => {
  devices.add(ws);
  ws.on('close', () => devices.delete(ws));
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  answerParent({ origin: `http://127.0.0.1:${port}`, now: Date.now() }, async () => undefined);
});
