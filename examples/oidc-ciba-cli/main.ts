// npm run example:ciba -- <user name> — signs that user in on their authenticator, without a
// browser, through the pushkey at PUSHKEY_ISSUER with the app registration CLIENT_ID /
// CLIENT_SECRET (one allowed to sign in without a browser: docs/oidc.md, "CIBA"). DIGITS is
// the number length of the authenticator policy (2 unless it was changed).
import * as client from 'openid-client';
import { signInWithoutBrowser } from './ciba.ts';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (!value) throw new Error(`Set ${name} (see docs/oidc.md, "CIBA")`);
  return value;
};
const user = process.argv[2] ?? process.env.PUSHKEY_USER;
if (!user) {
  process.stderr.write('Usage: npm run example:ciba -- <user name>   (with PUSHKEY_ISSUER, CLIENT_ID, CLIENT_SECRET set)\n');
  process.exit(2);
}
const say = (line: string) => process.stdout.write(`${line}\n`);
try {
  const { claims, userinfo } = await signInWithoutBrowser(
    { issuer: env('PUSHKEY_ISSUER', 'http://localhost:3000/oidc'), clientId: env('CLIENT_ID'), clientSecret: env('CLIENT_SECRET'), user, digits: Number(env('DIGITS', '2')) },
    say,
  );
  say(`Signed in as ${String(userinfo.name ?? claims.sub)}`);
  say(`amr: ${Array.isArray(claims.amr) ? claims.amr.join(' ') : ''} · acr: ${String(claims.acr ?? '')}`);
  say(`ID token claims: ${JSON.stringify(claims)}`);
} catch (err) {
  // The standard answers: access_denied (denied on the authenticator), expired_token (nobody
  // approved in time), unknown_user_id, invalid_binding_message, unauthorized_client.
  const why = err instanceof client.ResponseBodyError ? `${err.error}: ${err.error_description ?? ''}` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`Sign-in failed: ${why}\n`);
  process.exit(1);
}
