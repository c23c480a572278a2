// An app's sign-in (OpenID Connect): the page's answers to the provider. These two are the
// provider's own interaction URLs, not routes of the API table: they must sit under
// /oidc/interaction/<id>, the path of the cookie that binds the request to this browser.
import { ApiError } from '../shared/api.ts';

export const interactionUrl = (uid: string): string => `/oidc/interaction/${encodeURIComponent(uid)}`;

async function answer(uid: string, what: 'consent' | 'abort'): Promise<never> {
  const res = await fetch(`${interactionUrl(uid)}/${what}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: '{}' });
  const body = (await res.json().catch(() => null)) as { redirectTo?: string; code?: string; message?: string } | null;
  if (!res.ok || !body?.redirectTo) throw new ApiError(res.status, body?.code ?? 'flow_invalid', body?.message ?? 'This sign-in request has expired. Go back to the app and start again.');
  location.assign(body.redirectTo);
  return new Promise(() => {});
}

/** "Allow": the app gets what it asked for, and will not ask again for it. */
export const allowApp = (uid: string) => answer(uid, 'consent');
/** "Cancel": the app hears that the user declined. */
export const declineApp = (uid: string) => answer(uid, 'abort');

/** What each scope lets the app see, in the consent screen's words. */
export const SCOPE_WORDS: Record<string, string> = {
  openid: 'Sign you in',
  profile: 'See your name and user name',
  email: 'See your email address',
  groups: 'See the groups you belong to',
  offline_access: 'Stay signed in: keep access when you are not using it',
};
