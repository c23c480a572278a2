// What every sign-in step route shares: the request's context for pushes and logs, and
// the answer to a step, where a new session id goes into the cookie, never into the body.
import type { Request, Response } from 'express';
import type { StepAnswer } from '../../../protocol/http/signin.ts';
import type { RequestContext } from '../../domain/authenticator/challenges.ts';
import type { StepResult } from '../../domain/signin/signin.ts';
import { clientInfo } from './client-info.ts';
import { clearFlowCookie, setSessionCookie } from './cookies.ts';
import type { HttpDeps } from './http-deps.ts';

export const requestContext = (d: HttpDeps, req: Request): RequestContext => ({ app: d.appName, ...clientInfo(req, d.locate) });

export function answerStep(d: HttpDeps, res: Response, result: StepResult): StepAnswer {
  if (result.status === 'signed_in') {
    setSessionCookie(res, d.secureCookies, result.session);
    clearFlowCookie(res, d.secureCookies);
    return { status: 'signed_in' };
  }
  return result;
}
