// What every sign-in step route shares: the request's context for pushes and logs, and
// the answer to a step, where a new session id goes into the cookie, never into the body.
import type { Request, Response } from 'express';
import type { StepAnswer } from '../../../protocol/http/signin.ts';
import type { RequestContext } from '../../domain/authenticator/challenges.ts';
import type { StepResult } from '../../domain/signin/signin.ts';
import { clientInfo } from './client-info.ts';
import { clearFlowCookie, readSessionCookie, setSessionCookie } from './cookies.ts';
import { endSession } from '../../domain/signin/sessions.ts';
import type { HttpDeps } from './http-deps.ts';

export const requestContext = (d: HttpDeps, req: Request): RequestContext => ({ app: d.appName, ...clientInfo(req, d.locate) });

/**
 * A finished sign-in: the new session goes into the cookie, and a session this browser still
 * held ends, so that signing in again never leaves the old one alive behind it (a session
 * someone else set in this browser, or one whose cookie was copied).
 */
export async function issueSession(d: HttpDeps, req: Request, res: Response, session: string): Promise<void> {
  const previous = readSessionCookie(req, d.secureCookies);
  if (previous && previous !== session) await endSession(d, previous);
  setSessionCookie(res, d.secureCookies, session);
  clearFlowCookie(res, d.secureCookies);
}

export async function answerStep(d: HttpDeps, req: Request, res: Response, result: StepResult): Promise<StepAnswer> {
  if (result.status === 'signed_in') {
    await issueSession(d, req, res, result.session);
    return { status: 'signed_in' };
  }
  return result;
}
