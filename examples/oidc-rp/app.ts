// An example relying party: an Express app that signs its users in through pushkey with an
// unmodified openid-client (authorization code + PKCE), then shows the claims it received.
// Run it with `npm run example:rp` (see docs/oidc.md for the app registration it needs).
import { randomBytes } from 'node:crypto';
import express, { type Express } from 'express';
import * as client from 'openid-client';

export interface RelyingPartyOptions {
  /** pushkey's issuer, e.g. http://localhost:3000/oidc. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Where this app is reached, e.g. http://localhost:5555 (its callback is ${baseUrl}/callback). */
  baseUrl: string;
  /** acr_values to ask for, e.g. urn:pushkey:acr:mfa. */
  acrValues?: string;
}

interface Pending {
  verifier: string;
  state: string;
  nonce: string;
}
interface Signed {
  claims: client.IDToken;
  userinfo: client.UserInfoResponse;
  idToken: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Example app</title></head><body style="font-family:system-ui;max-width:760px;margin:40px auto">${body}</body></html>`;

export async function createRelyingParty(opts: RelyingPartyOptions): Promise<Express> {
  const insecure = opts.issuer.startsWith('http:') ? { execute: [client.allowInsecureRequests] } : undefined;
  const config = await client.discovery(new URL(opts.issuer), opts.clientId, opts.clientSecret, undefined, insecure);
  const redirectUri = `${opts.baseUrl}/callback`;
  // One in-memory session per browser, keyed by a random cookie: enough for an example.
  const pending = new Map<string, Pending>();
  const signedIn = new Map<string, Signed>();
  const sid = (req: express.Request) => /(?:^|; )rp_sid=([\w-]+)/.exec(req.headers.cookie ?? '')?.[1];

  const app = express();
  app.get('/', (req, res) => {
    const s = signedIn.get(sid(req) ?? '');
    if (!s) return res.send(page('<h1>Example app</h1><p><a id="signin" href="/login">Sign in with pushkey</a></p>'));
    res.send(
      page(`<h1>Signed in as ${esc(String(s.userinfo.name ?? s.claims.sub))}</h1>
      <p>amr: <code id="amr">${esc(Array.isArray(s.claims.amr) ? s.claims.amr.join(' ') : '')}</code> · acr: <code id="acr">${esc(String(s.claims.acr ?? ''))}</code></p>
      <h2>ID token claims</h2><pre id="claims">${esc(JSON.stringify(s.claims, null, 2))}</pre>
      <h2>Userinfo</h2><pre id="userinfo">${esc(JSON.stringify(s.userinfo, null, 2))}</pre>
      <p><a id="signout" href="/logout">Sign out</a></p>`),
    );
  });
  app.get('/login', async (_req, res) => {
    const id = randomBytes(16).toString('base64url');
    const p: Pending = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    pending.set(id, p);
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(p.verifier),
      code_challenge_method: 'S256',
      state: p.state,
      nonce: p.nonce,
      ...(opts.acrValues ? { acr_values: opts.acrValues } : {}),
    });
    res.cookie('rp_sid', id, { httpOnly: true, sameSite: 'lax' }).redirect(url.href);
  });
  app.get('/callback', async (req, res) => {
    const id = sid(req) ?? '';
    const p = pending.get(id);
    if (!p) return res.status(400).send(page('<p>No sign-in in progress. <a href="/login">Start again</a>.</p>'));
    pending.delete(id);
    try {
      const tokens = await client.authorizationCodeGrant(config, new URL(req.originalUrl, opts.baseUrl), { pkceCodeVerifier: p.verifier, expectedState: p.state, expectedNonce: p.nonce });
      const claims = tokens.claims()!;
      signedIn.set(id, { claims, idToken: tokens.id_token!, userinfo: await client.fetchUserInfo(config, tokens.access_token, claims.sub) });
      res.redirect('/');
    } catch (err) {
      res.status(400).send(page(`<p>Sign-in failed: <code id="error">${esc(err instanceof Error ? err.message : String(err))}</code></p>`));
    }
  });
  app.get('/logout', (req, res) => {
    const id = sid(req) ?? '';
    const s = signedIn.get(id);
    signedIn.delete(id);
    if (!s) return res.redirect('/');
    res.redirect(client.buildEndSessionUrl(config, { id_token_hint: s.idToken, post_logout_redirect_uri: opts.baseUrl + '/' }).href);
  });
  return app;
}
