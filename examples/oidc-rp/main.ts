// npm run example:rp — the example relying party on http://localhost:5555, signing in through
// the pushkey at PUSHKEY_ISSUER with the app registration CLIENT_ID / CLIENT_SECRET (register one
// with redirect URI http://localhost:5555/callback: docs/oidc.md).
import { createRelyingParty } from './app.ts';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`Set ${name} (see docs/oidc.md, "An example app")`);
  return value;
};
const port = Number(env('PORT', '5555'));
const app = await createRelyingParty({
  issuer: env('PUSHKEY_ISSUER', 'http://localhost:3000/oidc'),
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  baseUrl: `http://localhost:${port}`,
  ...(process.env.ACR_VALUES ? { acrValues: process.env.ACR_VALUES } : {}),
});
app.listen(port, '127.0.0.1', () => process.stdout.write(`Example app on http://localhost:${port}\n`));
