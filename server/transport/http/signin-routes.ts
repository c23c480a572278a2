// Sign-in for browsers: start → password | passwordless (app) | TAP → status.
import { Router, type Request, type Response } from 'express';
import * as v from 'valibot';
import { Id } from '../../../protocol/fields.ts';
import { parseWith } from '../../../protocol/parse.ts';
import { flowStatus, resendPush, signInWithApp, signInWithPassword, signInWithTap, startFlow, type StepResult } from '../../domain/signin.ts';
import { endAllSessions, endSession } from '../../domain/sessions.ts';
import { Upn } from '../../domain/users.ts';
import { clientIp } from './client-info.ts';
import { clearFlowCookie, clearSessionCookie, FLOW_COOKIE, readCookie, SESSION_COOKIE, setFlowCookie, setSessionCookie } from './cookies.ts';
import type { HttpDeps } from './http-deps.ts';
import { answerStep, requestContext } from './steps.ts';
import { caller } from './auth.ts';
import { waitForChallenge } from './wait.ts';

const Start = v.object({ username: Upn });
const Password = v.object({ flowId: Id, password: v.pipe(v.string(), v.minLength(1, 'the password is required'), v.maxLength(256)) });
const FlowOnly = v.object({ flowId: Id });
const Tap = v.object({ flowId: Id, pass: v.pipe(v.string(), v.trim(), v.minLength(1, 'the pass is required'), v.maxLength(64)) });
const Status = v.object({ flowId: Id, wait: v.optional(v.picklist(['0', '1'])) });

const LONG_POLL_MS = 25_000;

export function signInRoutes(d: HttpDeps): Router {
  const r = Router();
  const ctx = (req: Request) => requestContext(d, req);
  const answer = (res: Response, result: StepResult) => answerStep(d, res, result);

  r.post('/start', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(Start, req.body, 'sign-in');
    const flow = await startFlow(d, body.username, ctx(req));
    setFlowCookie(res, d.secureCookies, flow.secret, d.limits.flowLifetimeMs);
    res.json({ flowId: flow.flowId, username: flow.upn, methods: flow.methods, firstStep: flow.firstStep });
  });

  r.post('/password', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(Password, req.body, 'sign-in');
    answer(res, await signInWithPassword(d, body.flowId, readCookie(req, FLOW_COOKIE), body.password, ctx(req)));
  });

  r.post('/passwordless', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(FlowOnly, req.body, 'sign-in');
    answer(res, await signInWithApp(d, body.flowId, readCookie(req, FLOW_COOKIE), ctx(req)));
  });

  r.post('/resend', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(FlowOnly, req.body, 'sign-in');
    answer(res, await resendPush(d, body.flowId, readCookie(req, FLOW_COOKIE), ctx(req)));
  });

  r.post('/tap', async (req, res) => {
    await d.limiters.signIn.hit(clientIp(req));
    const body = parseWith(Tap, req.body, 'sign-in');
    answer(res, await signInWithTap(d, body.flowId, readCookie(req, FLOW_COOKIE), body.pass));
  });

  r.get('/status', async (req, res) => {
    await d.limiters.poll.hit(clientIp(req));
    const q = parseWith(Status, req.query, 'status query');
    const secret = readCookie(req, FLOW_COOKIE);
    let status = await flowStatus(d, q.flowId, secret);
    if (status.status === 'pending' && status.challengeId && q.wait === '1') {
      const aborted = new AbortController();
      req.on('close', () => aborted.abort());
      const c = await d.repo.getChallenge(status.challengeId);
      const untilExpiry = c ? c.expiresAt - d.clock.now() : 0;
      await waitForChallenge(d.bus, status.challengeId, Math.min(LONG_POLL_MS, untilExpiry + 50), aborted.signal);
      status = await flowStatus(d, q.flowId, secret);
    }
    if (status.session) {
      setSessionCookie(res, d.secureCookies, status.session);
      clearFlowCookie(res, d.secureCookies);
    }
    res.json({ status: status.status });
  });

  r.post('/signout', async (req, res) => {
    const secret = readCookie(req, SESSION_COOKIE);
    if (secret) await endSession(d, secret);
    clearSessionCookie(res, d.secureCookies);
    res.json({ status: 'signed_out' });
  });

  r.post('/signout-everywhere', async (req, res) => {
    const c = await caller(d, req);
    const ended = await endAllSessions(d, c.user.id);
    clearSessionCookie(res, d.secureCookies);
    res.json({ status: 'signed_out', sessionsEnded: ended });
  });
  return r;
}
