// An example app without a browser: it asks pushkey to sign a user in on their authenticator
// (OpenID Connect CIBA, poll mode) with an unmodified openid-client. It picks a number, shows
// it, sends it as the binding_message, and polls the token endpoint until the person approved
// with that number on their authenticator (or denied, or the request expired).
import { randomInt } from 'node:crypto';
import * as client from 'openid-client';

export interface CibaOptions {
  /** pushkey's issuer, e.g. http://localhost:3000/oidc. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who signs in: their pushkey user name. */
  user: string;
  /** How many digits the number has: the authenticator policy's number length (2 by default, 7 or 8 in the strict mode). */
  digits: number;
  scope?: string;
}

export interface CibaResult {
  claims: client.IDToken;
  userinfo: client.UserInfoResponse;
}

export async function signInWithoutBrowser(opts: CibaOptions, say: (line: string) => void): Promise<CibaResult> {
  const insecure = opts.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined;
  const config = await client.discovery(new URL(opts.issuer), opts.clientId, opts.clientSecret, undefined, insecure);
  const number = String(randomInt(0, 10 ** opts.digits)).padStart(opts.digits, '0');
  const request = await client.initiateBackchannelAuthentication(config, { scope: opts.scope ?? 'openid profile', login_hint: opts.user, binding_message: number });
  say(`Approve sign-in, number ${number} on your authenticator (${opts.user}; within ${request.expires_in} s)`);
  // openid-client waits the interval pushkey gave between polls, and 5 s more after each slow_down.
  const tokens = await client.pollBackchannelAuthenticationGrant(config, request);
  const claims = tokens.claims()!;
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  return { claims, userinfo };
}
