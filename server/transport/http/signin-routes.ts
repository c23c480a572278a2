// Sign-in for browsers: start → password | passwordless (app) | TAP | passkey | SMS → status.
// The flow cookie binds the attempt to this browser; a new session goes into its cookie.
import { api } from '../../../protocol/http/index.ts';
import { flowStatus, resendPush, signInWithApp, signInWithPassword, signInWithTap, startFlow } from '../../domain/signin/signin.ts';
import { passkeyOptions, sendSmsCode, signInWithPasskey, signInWithSms } from '../../domain/signin/signin-methods.ts';
import { endAllSessions, endSession } from '../../domain/signin/sessions.ts';
import { clearSessionCookie, readFlowCookie, readSessionCookie, setFlowCookie } from './cookies.ts';
import type { Handlers } from './mount.ts';
import { answerStep, issueSession, requestContext } from './steps.ts';
import { watchChallenges } from './wait.ts';
import { describeInteraction } from '../oidc/interactions.ts';
import type { HttpDeps } from './http-deps.ts';
import { correlate } from './logging.ts';
import type { Request } from 'express';

/**
 * The request's context; for an app's sign-in (an OpenID interaction), the app's name is what
 * the push and the log show, and the level the app asked for is what the sign-in must reach.
 */
async function contextFor(d: HttpDeps, req: Request, interaction: string | undefined) {
  const ctx = requestContext(d, req);
  const view = interaction ? await describeInteraction(d, interaction) : null;
  return { ctx: view ? { ...ctx, app: view.app } : ctx, requiredAcr: view?.requiredAcr ?? null };
}

const LONG_POLL_MS = 25_000;

export const signInHandlers: Handlers<typeof api.signin> = {
  async start({ d, req, res, body }) {
    const { ctx, requiredAcr } = await contextFor(d, req, body.interaction);
    const flow = await startFlow(d, body.username, ctx, requiredAcr);
    setFlowCookie(res, d.secureCookies, flow.secret, d.limits.flowLifetimeMs);
    correlate(res, flow.flowId);
    return { flowId: flow.flowId, username: flow.upn, methods: flow.methods };
  },
  async password({ d, req, res, body }) {
    return answerStep(d, req, res, await signInWithPassword(d, body.flowId, readFlowCookie(req, d.secureCookies), body.password, requestContext(d, req)));
  },
  async passwordless({ d, req, res, body }) {
    return answerStep(d, req, res, await signInWithApp(d, body.flowId, readFlowCookie(req, d.secureCookies), requestContext(d, req)));
  },
  async resend({ d, req, res, body }) {
    return answerStep(d, req, res, await resendPush(d, body.flowId, readFlowCookie(req, d.secureCookies), requestContext(d, req)));
  },
  async tap({ d, req, res, body }) {
    return answerStep(d, req, res, await signInWithTap(d, body.flowId, readFlowCookie(req, d.secureCookies), body.pass));
  },
  async status({ d, req, res, query }) {
    const secret = readFlowCookie(req, d.secureCookies);
    const aborted = new AbortController();
    // Watching before the first read: an answer that lands while it runs wakes the wait below.
    const watch = query.wait === '1' ? watchChallenges(d.bus, aborted.signal) : null;
    let status;
    try {
      status = await flowStatus(d, query.flowId, secret);
      if (watch && status.status === 'pending' && status.challengeId) {
        req.on('close', () => aborted.abort());
        const untilExpiry = status.expiresAt === undefined ? 0 : status.expiresAt - d.clock.now();
        await watch.wait(status.challengeId, Math.min(LONG_POLL_MS, untilExpiry + 50));
        status = await flowStatus(d, query.flowId, secret);
      }
    } finally {
      watch?.stop();
    }
    if (status.session) await issueSession(d, req, res, status.session);
    return { status: status.status };
  },
  async passkeyOptions({ d, req, res, body }) {
    const { ctx, requiredAcr } = await contextFor(d, req, body.interaction);
    const started = await passkeyOptions(d, body.flowId, readFlowCookie(req, d.secureCookies), ctx, requiredAcr);
    if (started.secret) setFlowCookie(res, d.secureCookies, started.secret, d.limits.flowLifetimeMs);
    return { flowId: started.flowId, ceremonyId: started.ceremonyId, options: started.options };
  },
  async passkey({ d, req, res, body }) {
    return answerStep(d, req, res, await signInWithPasskey(d, body.flowId, readFlowCookie(req, d.secureCookies), body.ceremonyId, body.response));
  },
  async sendSms({ d, req, body }) {
    return sendSmsCode(d, body.flowId, readFlowCookie(req, d.secureCookies));
  },
  async sms({ d, req, res, body }) {
    return answerStep(d, req, res, await signInWithSms(d, body.flowId, readFlowCookie(req, d.secureCookies), body.codeId, body.code));
  },
  async signOut({ d, req, res }) {
    const secret = readSessionCookie(req, d.secureCookies);
    if (secret) await endSession(d, secret);
    clearSessionCookie(res, d.secureCookies);
    return { status: 'signed_out' };
  },
  async signOutEverywhere({ d, res, caller }) {
    const ended = await endAllSessions(d, caller.user.id);
    clearSessionCookie(res, d.secureCookies);
    return { status: 'signed_out', sessionsEnded: ended };
  },
};
