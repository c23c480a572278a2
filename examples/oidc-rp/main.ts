// npm run example:rp — the example relying party on http://localhost:5555, signing in through
// the pushkey at PUSHKEY_ISSUER with the app registration CLIENT_ID / CLIENT_SECRET (register one
// with redirect URI http://localhost:5555/callback: docs/oidc.md). PORT=0 takes a free port; the
// line it prints says which (register ${that URL}/callback).
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRelyingParty } from './app.ts';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`Set ${name} (see docs/oidc.md, "An example app")`);
  return value;
};
const server = createServer();
await new Promise<void>((resolve) => server.listen(Number(env('PORT', '5555')), '127.0.0.1', resolve));
// Its own address is known only once it listens (PORT=0), and its redirect URI is made from it.
const baseUrl = `http://localhost:${(server.address() as AddressInfo).port}`;
const app = await createRelyingParty({
  issuer: env('PUSHKEY_ISSUER', 'http://localhost:3000/oidc'),
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  baseUrl,
  ...(process.env.ACR_VALUES ? { acrValues: process.env.ACR_VALUES } : {}),
});
server.on('request', app);
process.stdout.write(`Example app on ${baseUrl}\n`);
