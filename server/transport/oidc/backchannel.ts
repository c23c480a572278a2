// OpenID Connect CIBA in poll mode, for apps without a browser: the app posts login_hint (the
// user name) and binding_message (the number it shows) to /oidc/backchannel, the user's
// authenticator gets a passwordless push naming the app, and the app polls the token endpoint
// with the auth_req_id. The rules are the domain's (domain/apps/backchannel.ts); this file
// is oidc-provider's side of them: its ciba hooks, the device's answer handed to
// provider.backchannelResult, and the polling interval, which oidc-provider does not enforce.
import type { Request } from 'express';
import type Provider from 'oidc-provider';
import { errors, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { PushkeyError } from '../../../protocol/errors.ts';
import { backchannelRefusal, backchannelRequestOf, bindingMessageProblem, logRefusedBackchannel, pollBackchannel, settleBackchannelSignIn, startBackchannelSignIn } from '../../domain/apps/backchannel.ts';
import type { Deps } from '../../domain/deps.ts';
import type { RequestContext } from '../../domain/authenticator/challenges.ts';
import { clientInfo } from '../http/client-info.ts';

export const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

type CibaFeature = NonNullable<NonNullable<Configuration['features']>['ciba']>;

/** Where the request came from: the app's server, not a browser. */
function requestContext(ctx: KoaContextWithOIDC, d: Deps, appName: string): RequestContext {
  const info = clientInfo(ctx.req as Request, d.locate);
  return { app: appName, ip: info.ip, location: info.location, browser: 'No browser (the app asked)', browserName: 'No browser', os: '' };
}

// Every way an app may not ask for this user answers the same (CIBA §13: unknown_user_id), so
// that the answer does not tell an unknown name from a user the app does not admit, or one
// without an authenticator. The sign-in log says which it was.
const unknownUser = () => new errors.UnknownUserId('could not identify an end-user this app may ask to sign in');

export function cibaFeature(d: Deps): CibaFeature {
  return {
    enabled: true,
    deliveryModes: ['poll'],
    async processLoginHint(ctx, loginHint) {
      const user = loginHint ? await d.repo.getUserByUpn(loginHint) : null;
      const app = await d.repo.getApp(ctx.oidc.client!.clientId);
      if (!user || !app) return undefined;
      const refusal = await backchannelRefusal(d, app, user);
      if (!refusal) return user.id;
      await logRefusedBackchannel(d, app, user, requestContext(ctx, d, app.name), refusal);
      return undefined;
    },
    processLoginHintToken() {
      throw new errors.InvalidRequest('login_hint_token is not supported: send login_hint, the user name');
    },
    async validateBindingMessage(_ctx, bindingMessage) {
      const problem = await bindingMessageProblem(d, bindingMessage);
      if (problem) throw new errors.InvalidBindingMessage(problem);
    },
    // request_context is not used: the push shows what the server saw of the request.
    validateRequestContext() {},
    // No user codes (discovery says backchannel_user_code_parameter_supported: false): one sent is
    // refused rather than ignored, so that no app believes it protects its requests.
    verifyUserCode(_ctx, _account, userCode) {
      if (userCode) throw new errors.InvalidRequest('user_code is not supported: the number in binding_message binds the request');
    },
    async triggerAuthenticationDevice(ctx, request, account, client) {
      const [app, user] = await Promise.all([d.repo.getApp(client.clientId), d.repo.getUser(account.accountId)]);
      if (!app || !user) throw unknownUser();
      try {
        const { challenge, intervalS } = await startBackchannelSignIn(d, app, user, request.jti, String(ctx.oidc.params!.binding_message), requestContext(ctx, d, app.name));
        // The app hears how long the push waits (not the provider's longer lifetime for the request) and how often to poll.
        Object.assign(ctx.body as object, { expires_in: Math.max(1, Math.floor((challenge.expiresAt - d.clock.now()) / 1000)), interval: intervalS });
      } catch (err) {
        if (err instanceof PushkeyError) throw unknownUser();
        throw err;
      }
    },
  };
}

/** Hands the device's decision to the provider, once it is made (no-op before, and for every caller after the first). */
export async function settle(d: Deps, provider: Provider, authReqId: string): Promise<void> {
  const outcome = await settleBackchannelSignIn(d, authReqId);
  if (!outcome) return;
  const request = await provider.BackchannelAuthenticationRequest.find(authReqId, { ignoreExpiration: true });
  if (!request) return;
  if (outcome.result !== 'approved') {
    const error = outcome.result === 'expired' ? new errors.ExpiredToken(outcome.description) : new errors.AccessDenied(outcome.description);
    await provider.backchannelResult(request, error);
    return;
  }
  // Approving the push is the user's consent to this app's request, for the scopes it asked.
  const grant = new provider.Grant({ accountId: outcome.userId, clientId: request.clientId! });
  grant.addOIDCScope(request.scope ?? 'openid');
  if (request.claims) grant.addOIDCClaims(Object.keys({ ...request.claims.id_token, ...request.claims.userinfo }));
  await grant.save();
  const { amr, acr } = outcome.assurance;
  await provider.backchannelResult(request, grant, { amr, acr, authTime: Math.floor(outcome.at / 1000) });
}

/** Settles the request a push belongs to when the push ends (approved, denied, expired), on whichever instance hears it. */
export async function settleByChallenge(d: Deps, provider: () => Promise<Provider>, challengeId: string): Promise<void> {
  const authReqId = await backchannelRequestOf(d, challengeId);
  if (authReqId) await settle(d, await provider(), authReqId);
}

type Body = { error?: string; error_description?: string } | undefined;

/**
 * After the provider answered a CIBA request or poll: a poll still pending settles the request
 * (an answer whose event this instance missed reaches the next poll) and is told slow_down when
 * it came too soon; an app without the CIBA grant hears unauthorized_client (RFC 6749 §5.2;
 * CIBA §13), where oidc-provider says invalid_request.
 */
export async function afterBackchannelRoute(d: Deps, ctx: KoaContextWithOIDC): Promise<void> {
  const { oidc } = ctx;
  const body = ctx.body as Body;
  if (!oidc || !body?.error) return;
  const cibaRoute = oidc.route === 'backchannel_authentication' || (oidc.route === 'token' && oidc.params?.grant_type === CIBA_GRANT);
  if (!cibaRoute) return;
  if (body.error === 'invalid_request' && oidc.client && !oidc.client.grantTypeAllowed(CIBA_GRANT)) {
    ctx.body = { error: 'unauthorized_client', error_description: 'this app may not ask for sign-ins without a browser (CIBA): an administrator can allow it in App registrations' };
    return;
  }
  if (oidc.route !== 'token' || body.error !== 'authorization_pending') return;
  const authReqId = String(oidc.params?.auth_req_id ?? '');
  await settle(d, oidc.provider, authReqId);
  if ((await pollBackchannel(d, authReqId)) === 'slow_down') {
    ctx.body = { error: 'slow_down', error_description: 'polling faster than the interval; wait 5 seconds longer between polls from now on' };
  }
}
