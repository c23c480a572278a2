// The provider's interaction, done by pushkey's sign-in page. The provider sends the browser
// to /oidc/interaction/:uid; a live pushkey session that meets what the app asked for (fresh
// when it said prompt=login or max_age, strong enough for its acr_values, a user the app
// admits) finishes the login there and then; otherwise the browser goes to /login/?interaction=
// and comes back here once signed in. Consent is asked on the same page, once per app and
// scope, and remembered.
import express, { type Request, type Response, type Router } from 'express';
import type Provider from 'oidc-provider';
import { PushkeyError } from '../../../protocol/errors.ts';
import type { InteractionView } from '../../../protocol/http/oidc.ts';
import { consentedScopes, mayUseApp, rememberConsent } from '../../domain/apps/apps.ts';
import { assuranceOf, meetsAcr, requiredAcr } from '../../domain/apps/assurance.ts';
import type { Deps } from '../../domain/deps.ts';
import { resumeSession } from '../../domain/signin/sessions.ts';
import { logAppSignIn } from '../../domain/monitoring/signin-log.ts';
import { clientInfo } from '../http/client-info.ts';
import { readSessionCookie } from '../http/cookies.ts';
import { refuseCrossOrigin } from '../http/cross-origin.ts';
import { OIDC_PATH } from './provider.ts';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;

const words = (s: unknown): string[] => String(s ?? '').split(' ').filter(Boolean);
const signInPage = (uid: string) => `/login/?interaction=${encodeURIComponent(uid)}`;

/** The app asking, and what it asks for, as the sign-in page shows it. Null when no such interaction is open. */
export async function describeInteraction(d: Deps, uid: string): Promise<InteractionView | null> {
  const record = await d.repo.findOidcRecord('Interaction', { id: uid }, d.clock.now());
  if (!record) return null;
  const params = (record.payload.params ?? {}) as Record<string, unknown>;
  const prompt = (record.payload.prompt ?? {}) as { name?: string; details?: { missingOIDCScope?: string[] } };
  const app = await d.repo.getApp(String(params.client_id ?? ''));
  if (!app) return null;
  return {
    app: app.name,
    prompt: prompt.name === 'consent' ? 'consent' : 'login',
    scopes: prompt.name === 'consent' ? (prompt.details?.missingOIDCScope ?? []) : words(params.scope),
    requiredAcr: requiredAcr(words(params.acr_values)),
    loginHint: typeof params.login_hint === 'string' ? params.login_hint : null,
  };
}

export function interactionRoutes(d: Deps, provider: () => Promise<Provider>): Router {
  const router = express.Router();

  /** A pushkey session that may finish this login, or null (the sign-in page must run). */
  async function usableSession(req: Request, details: Details, startedAt: number) {
    const found = await resumeSession(d, readSessionCookie(req, d.origin.startsWith('https:')));
    if (!found) return null;
    const reasons = details.prompt.reasons;
    // prompt=login and max_age ask for a sign-in made for this request, not an earlier one.
    if ((reasons.includes('login_prompt') || reasons.includes('max_age')) && found.session.createdAt < startedAt) return null;
    if (!meetsAcr(assuranceOf(found.session.methods).acr, words(details.params.acr_values))) return null;
    const hint = details.params.login_hint;
    if (typeof hint === 'string' && hint && hint.toLowerCase() !== found.user.upn.toLowerCase()) return null;
    return found;
  }

  router.get('/:uid', async (req, res) => {
    const p = await provider();
    const details = await p.interactionDetails(req, res);
    if (details.prompt.name !== 'login') return res.redirect(303, signInPage(details.uid));
    const startedAt = (await d.repo.findOidcRecord('Interaction', { id: details.uid }, d.clock.now()))?.createdAt ?? Infinity;
    const found = await usableSession(req, details, startedAt);
    if (!found) return res.redirect(303, signInPage(details.uid));
    const app = await d.repo.getApp(String(details.params.client_id));
    const ctx = { app: app?.name ?? '', ...clientInfo(req, d.locate) };
    // A session made for this request was logged by its sign-in, under the app's name; an older one is single sign-on, logged here.
    const sso = found.session.createdAt < startedAt;
    if (!app || !mayUseApp(app, found.user)) {
      if (app) await logAppSignIn(d, found.user, found.session, ctx, 'app_not_allowed');
      return p.interactionFinished(req, res, { error: 'access_denied', error_description: 'This user is not allowed to sign in to this app.' }, { mergeWithLastSubmission: false });
    }
    if (sso) await logAppSignIn(d, found.user, found.session, ctx);
    const { amr, acr } = assuranceOf(found.session.methods);
    await p.interactionFinished(req, res, { login: { accountId: found.user.id, amr, acr, ts: Math.floor(found.session.createdAt / 1000), remember: true } }, { mergeWithLastSubmission: false });
  });

  const json = [refuseCrossOrigin(d.origin), express.json({ limit: '4kb' })];

  /** "Allow": the grant gets what the app asked and had not been given; the consent is remembered. */
  router.post('/:uid/consent', ...json, async (req, res) => {
    const p = await provider();
    const details = await p.interactionDetails(req, res);
    const accountId = details.session?.accountId;
    if (details.prompt.name !== 'consent' || !accountId) throw new PushkeyError('flow_invalid', 'This app is not asking for consent now. Start again from the app.');
    const clientId = String(details.params.client_id);
    const grant = details.grantId ? await p.Grant.find(details.grantId) : new p.Grant({ accountId, clientId });
    if (!grant) throw new PushkeyError('flow_invalid', 'This consent expired. Start again from the app.');
    const missing = (details.prompt.details.missingOIDCScope as string[] | undefined) ?? [];
    if (missing.length) grant.addOIDCScope(missing.join(' '));
    const grantId = await grant.save();
    await rememberConsent(d, accountId, clientId, [...(await consentedScopes(d, accountId, clientId)), ...missing]);
    res.json({ redirectTo: await p.interactionResult(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true }) });
  });

  /** "Cancel": the app hears access_denied (RFC 6749 §4.1.2.1). */
  router.post('/:uid/abort', ...json, async (req, res) => {
    const p = await provider();
    await p.interactionDetails(req, res);
    const result = { error: 'access_denied', error_description: 'The user cancelled the sign-in.' };
    res.json({ redirectTo: await p.interactionResult(req, res, result, { mergeWithLastSubmission: false }) });
  });

  return router;
}

export const INTERACTION_PATH = `${OIDC_PATH}/interaction`;

/** A provider error on our routes (a missing or foreign interaction cookie) becomes a page, not a 500. */
export function interactionErrors(err: unknown, _req: Request, res: Response, next: (err?: unknown) => void): void {
  const e = err as { statusCode?: number; error?: string; error_description?: string };
  if (typeof e.error !== 'string' || typeof e.statusCode !== 'number') return next(err);
  res.status(e.statusCode).type('text/plain').send(`${e.error}: ${e.error_description ?? ''}\nStart the sign-in again from the app.`);
}
