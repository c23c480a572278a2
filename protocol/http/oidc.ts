// OpenID Connect, as the sign-in page sees it: which app is asking, and for what. The
// provider itself lives at /oidc (discovery, authorization, token, userinfo, JWKS,
// end-session); its contract is OpenID Connect's, not this table's.
import * as v from 'valibot';
import { route } from './route.ts';

export const InteractionView = v.object({
  /** The app's registered name. */
  app: v.string(),
  /** What the page must do: sign the user in, or ask them to allow the app these scopes. */
  prompt: v.picklist(['login', 'consent']),
  scopes: v.array(v.string()),
  /** The authentication level the app asked for (acr_values), which the sign-in must reach; null when it asked none. */
  requiredAcr: v.nullable(v.string()),
  /** The user name the app suggested (login_hint). */
  loginHint: v.nullable(v.string()),
});
export type InteractionView = v.InferOutput<typeof InteractionView>;

/** An app sign-in in progress (an interaction id as oidc-provider makes them: 21 URL-safe characters). */
export const InteractionUid = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{10,64}$/, 'an interaction id'));

export const oidcRoutes = {
  interaction: route({
    method: 'GET', path: '/api/oidc/interactions/:uid', summary: 'The app asking for a sign-in in progress, and what it asks for.',
    subject: 'sign-in request', access: 'public', limit: 'poll', params: v.object({ uid: InteractionUid }), answer: InteractionView,
  }),
};
