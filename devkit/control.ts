// The control port: a test that reads the number on its page types it into the authenticator
// here. GET /pending lists the held requests; POST /answer answers one. Loopback only: anyone
// who can reach it can approve sign-ins.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as v from 'valibot';
import { Id, MatchNumber } from '../protocol/fields.ts';
import { describe, type Listener } from './listen.ts';

const AnswerBody = v.pipe(
  v.object({
    /** The request to answer; without it, the only one held (waiting for it to arrive). */
    requestId: v.optional(Id),
    number: v.optional(MatchNumber),
    deny: v.optional(v.literal(true)),
    report: v.optional(v.literal(true)),
    /** How long to wait for the request to arrive, in ms (default 10000). */
    waitMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(120_000))),
  }),
  v.check((b) => [b.number !== undefined, b.deny, b.report].filter(Boolean).length === 1, 'give exactly one of number (approve with it), deny, report'),
);

/** Parses "127.0.0.1:PORT" (port 0: any free port). Only loopback addresses are accepted. */
export function parseControlAddress(text: string): { host: string; port: number } {
  const m = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\]):(\d{1,5})$/.exec(text);
  if (!m) throw new Error(`--control takes a loopback address and port, like 127.0.0.1:7700 (got "${text}")`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export async function startControl(listener: Listener, address: { host: string; port: number }): Promise<{ server: Server; address: string }> {
  const server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    void (async () => {
      try {
        if (req.method === 'GET' && req.url?.split('?')[0] === '/pending') {
          return reply(200, { requests: [...listener.pending.values()].map(describe) });
        }
        if (req.method === 'POST' && req.url === '/answer') {
          let text = '';
          for await (const chunk of req) text += String(chunk);
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            return reply(400, { error: 'bad_request', message: 'the body is not JSON' });
          }
          const parsed = v.safeParse(AnswerBody, json);
          if (!parsed.success) return reply(400, { error: 'bad_request', message: parsed.issues.map((i) => i.message).join('; ') });
          const b = parsed.output;
          const held = await listener.find(b.requestId, b.waitMs ?? 10_000);
          if (!held) {
            const why = b.requestId ? `no request ${b.requestId} arrived` : listener.pending.size > 1 ? `${listener.pending.size} requests are held: name one with requestId` : 'no request arrived';
            return reply(404, { error: 'not_found', message: why });
          }
          const decision = b.deny ? 'deny' : b.report ? 'report' : 'approve';
          const answer = await listener.answer(held.push.challengeId, decision, b.number ?? '');
          return reply(200, { requestId: held.push.challengeId, decision, server: answer });
        }
        reply(404, { error: 'not_found', message: 'GET /pending or POST /answer' });
      } catch (e) {
        reply(500, { error: 'internal', message: String(e) });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  return { server, address: `${address.host}:${port}` };
}
