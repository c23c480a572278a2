// The two cookies: pk_session (the signed-in session) and pk_flow (binds a sign-in to the
// browser that started it). Both HttpOnly; Secure whenever the origin is https.
import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';

export const SESSION_COOKIE = 'pk_session';
export const FLOW_COOKIE = 'pk_flow';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parse(header)[name] : undefined;
}

function options(secure: boolean, path: string, sameSite: 'lax' | 'strict', maxAge?: number): CookieOptions {
  return { httpOnly: true, secure, sameSite, path, ...(maxAge ? { maxAge } : {}) };
}

export function setSessionCookie(res: Response, secure: boolean, value: string): void {
  // Lax, so that a link from elsewhere to My Account still arrives signed in.
  res.cookie(SESSION_COOKIE, value, options(secure, '/', 'lax'));
}
export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, options(secure, '/', 'lax'));
}
export function setFlowCookie(res: Response, secure: boolean, value: string, maxAgeMs: number): void {
  res.cookie(FLOW_COOKIE, value, options(secure, '/api/signin', 'strict', maxAgeMs));
}
export function clearFlowCookie(res: Response, secure: boolean): void {
  res.clearCookie(FLOW_COOKIE, options(secure, '/api/signin', 'strict'));
}
