// pushkey as an OpenID Provider: panva's oidc-provider, configured once here. Authorization
// code with PKCE (required of every app), refresh tokens, userinfo, RP-initiated logout, the
// JWKS from the persisted signing keys; the interaction is pushkey's own sign-in page, and
// the pushkey session is the truth: an app's silent sign-in ends when that session ends.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import Provider, { interactionPolicy, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { toB64u } from '../../../protocol/encoding.ts';
import { ACR_LADDER, meetsAcr } from '../../domain/apps/assurance.ts';
import { consentedScopes } from '../../domain/apps/apps.ts';
import { ID_TOKEN_TTL_S, loadSigningKeys } from '../../domain/apps/signing-keys.ts';
import type { Deps } from '../../domain/deps.ts';
import { endSession, resumeSession } from '../../domain/signin/sessions.ts';
import { logAppSignIn } from '../../domain/monitoring/signin-log.ts';
import { clientInfo } from '../http/client-info.ts';
import { cookieFrom, sessionCookieName } from '../http/cookies.ts';
import { repositoryAdapter } from './adapter.ts';
import { afterBackchannelRoute, cibaFeature } from './backchannel.ts';
import { page } from './pages.ts';

/** Where the provider lives under the public origin. */
export const OIDC_PATH = '/oidc';
export const SCOPES = ['openid', 'offline_access', 'profile', 'email', 'groups'] as const;
const CLOCK_TOLERANCE_S = 15;

export interface OidcOptions {
  /** Cookies get the Secure flag (and X-Forwarded-Proto is believed) when the public origin is https. */
  secure: boolean;
}

const sessionCookie = (ctx: Pick<KoaContextWithOIDC, 'get'>, secure: boolean): string | undefined => cookieFrom(ctx.get('cookie') || undefined, sessionCookieName(secure));

/** The provider's cookies are signed with keys kept in settings, so that every instance reads every other's. */
async function cookieKeys(d: Deps): Promise<string[]> {
  return [await d.repo.initSetting('oidc_cookie_key', toB64u(d.random.bytes(32)))];
}

function policy(d: Deps, opts: OidcOptions): interactionPolicy.DefaultPolicy {
  const { Check, base } = interactionPolicy;
  const prompts = base();
  const login = prompts.get('login')!;
  // Signed out of pushkey (or signed in as someone else since), the app's silent sign-in is over too.
  login.checks.add(
    new Check('pushkey_session', 'the pushkey session ended', 'login_required', async (ctx) => {
      const { oidc } = ctx;
      const accountId = oidc.session?.accountId;
      if (!accountId || oidc.result?.login) return Check.NO_NEED_TO_PROMPT;
      const found = await resumeSession(d, sessionCookie(ctx, opts.secure));
      return found?.user.id === accountId ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
    1,
  );
  // An app asking for a stronger sign-in than the session had gets a step-up, never the weaker one.
  login.checks.add(
    new Check('acr_values', 'the requested authentication level needs a stronger sign-in', 'login_required', (ctx) => {
      const { oidc } = ctx;
      const requested = String(oidc.params?.acr_values ?? '').split(' ').filter(Boolean);
      if (!oidc.session?.accountId || requested.length === 0) return Check.NO_NEED_TO_PROMPT;
      return meetsAcr(String(oidc.session.acr ?? ''), requested) ? Check.NO_NEED_TO_PROMPT : Check.REQUEST_PROMPT;
    }),
  );
  return prompts;
}

export async function buildProvider(d: Deps, opts: OidcOptions): Promise<{ provider: Provider; keysVersion: string }> {
  const { keys, stored } = await loadSigningKeys(d);
  const configuration: Configuration = {
    adapter: repositoryAdapter(d, CLOCK_TOLERANCE_S),
    clockTolerance: CLOCK_TOLERANCE_S,
    jwks: { keys },
    cookies: {
      keys: await cookieKeys(d),
      names: { session: 'pk_oidc_session', interaction: 'pk_oidc_interaction', resume: 'pk_oidc_resume' },
      long: { httpOnly: true, sameSite: 'lax', secure: opts.secure, signed: true },
      short: { httpOnly: true, sameSite: 'lax', secure: opts.secure, signed: true },
    },
    scopes: [...SCOPES],
    // acr and amr ride on the openid scope: the provider puts in an ID token only claims its grant covers.
    claims: {
      auth_time: null,
      sid: null,
      openid: ['sub', 'acr', 'amr'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    acrValues: [...ACR_LADDER],
    async findAccount(_ctx, sub) {
      const user = await d.repo.getUser(sub);
      if (!user || user.disabled) return undefined;
      return {
        accountId: user.id,
        // The UPN is the sign-in name, not an address anyone proved they read: email_verified stays false.
        claims: () => ({ sub: user.id, name: user.displayName, preferred_username: user.upn, email: user.upn, email_verified: false, groups: user.groups }),
      };
    },
    // Consent is remembered per user and app, beyond one provider session: a new session starts from it.
    async loadExistingGrant(ctx) {
      const { oidc } = ctx;
      const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(oidc.client!.clientId);
      if (grantId) return oidc.provider.Grant.find(grantId);
      const accountId = oidc.session!.accountId;
      if (!accountId) return undefined;
      const scopes = await consentedScopes(d, accountId, oidc.client!.clientId);
      if (scopes.length === 0) return undefined;
      const grant = new oidc.provider.Grant({ accountId, clientId: oidc.client!.clientId });
      grant.addOIDCScope(scopes.join(' '));
      await grant.save();
      return grant;
    },
    interactions: {
      policy: policy(d, opts),
      url: (_ctx, interaction) => `${OIDC_PATH}/interaction/${interaction.uid}`,
    },
    features: {
      devInteractions: { enabled: false },
      ciba: cibaFeature(d),
      // Every resource is this server's userinfo: no resource indicators, opaque access tokens.
      resourceIndicators: { enabled: false },
      revocation: { enabled: true },
      // Pushed authorization requests (RFC 9126): an app may post its parameters to /oidc/request
      // first and send the browser with the request_uri alone. Optional; stored like the other records.
      pushedAuthorizationRequests: { enabled: true, requirePushedAuthorizationRequests: false },
      // DPoP (RFC 9449): an app that sends a proof gets access tokens bound to its key, useless to
      // whoever copies them; bearer tokens stay the default. The proofs' replay check is a stored record too.
      dPoP: { enabled: true },
      userinfo: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          ctx.body = page('Sign out', `<h1>Sign out of ${htmlText(ctx.oidc.client?.clientName ?? 'this app')} and pushkey?</h1>${form}
            <div class="actions"><button autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
            <button type="submit" class="secondary" form="op.logoutForm">No, stay signed in</button></div>`);
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = page('Signed out', '<h1>You are signed out</h1><p>You can close this window.</p>');
        },
      },
    },
    // RFC 9700 §2.1.1: PKCE for every client, confidential ones too.
    pkce: { required: () => true },
    // The stored "secret" is a hash (see compareClientSecret below): methods that need the secret itself (HMAC) are off.
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'none'],
    enabledJWA: { idTokenSigningAlgValues: ['RS256', 'ES256'], userinfoSigningAlgValues: ['RS256', 'ES256'] },
    responseTypes: ['code'],
    issueRefreshToken: (_ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
    // A refresh token is single use: each use hands out the next (RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    ttl: {
      AccessToken: 3600,
      AuthorizationCode: 60,
      IdToken: ID_TOKEN_TTL_S,
      RefreshToken: 14 * 86_400,
      Interaction: Math.floor(d.limits.flowLifetimeMs / 1000),
      Session: Math.floor(d.limits.sessionAbsoluteMs / 1000),
      Grant: 14 * 86_400,
      // Longer than any push waits (the policy allows 600 s at most): the app is told the push's own expiry, and hears expired_token once it passed.
      BackchannelAuthenticationRequest: 900,
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<h1>This sign-in cannot go on</h1><p>${htmlText(String(out.error_description ?? out.error))}</p><p class="muted">Error: ${htmlText(String(out.error))}</p>`);
    },
  };
  const provider = new Provider(`${d.origin}${OIDC_PATH}`, configuration);
  provider.proxy = opts.secure;
  // The app's secret is stored as its SHA-256 (it has 256 random bits): compare hashes, in constant time.
  provider.Client.prototype.compareClientSecret = function (this: { clientSecret?: string }, actual: string) {
    const expected = Buffer.from(this.clientSecret ?? '');
    const got = Buffer.from(createHash('sha256').update(actual).digest('base64url'));
    return expected.length === got.length && timingSafeEqual(expected, got);
  };
  provider.on('server_error', (_ctx, err) => d.log.error({ err }, 'OpenID provider error'));
  // Signing out of an app (RP-initiated logout, confirmed) signs the browser out of pushkey too.
  const loggedOut = new WeakSet<object>();
  provider.on('end_session.success', (ctx) => loggedOut.add(ctx));
  // An authorization answered from the provider's session alone (no interaction: single sign-on) is a sign-in to the app all the same.
  const silent = new WeakSet<object>();
  provider.on('authorization.success', (ctx) => {
    if (!ctx.oidc.result) silent.add(ctx);
  });
  provider.use(async (ctx, next) => {
    await next();
    // oidc-provider advertises CIBA's user_code whenever CIBA is on; pushkey takes none (the
    // number in binding_message binds the request), so its discovery says so (CIBA §4: false).
    if (ctx.oidc?.route === 'discovery' && ctx.body && typeof ctx.body === 'object') (ctx.body as Record<string, unknown>).backchannel_user_code_parameter_supported = false;
    await afterBackchannelRoute(d, ctx as KoaContextWithOIDC);
    if (silent.has(ctx)) {
      const found = await resumeSession(d, sessionCookie(ctx, opts.secure));
      if (found) await logAppSignIn(d, found.user, found.session, { app: ctx.oidc.client?.clientName ?? '', ...clientInfo(ctx.req as Request, d.locate) });
    }
    if (!loggedOut.has(ctx)) return;
    const secret = sessionCookie(ctx, opts.secure);
    if (secret) await endSession(d, secret);
    ctx.cookies.set(sessionCookieName(opts.secure), null, { path: '/', httpOnly: true, sameSite: 'lax', secure: opts.secure, signed: false });
  });
  return { provider, keysVersion: stored };
}

export function htmlText(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
