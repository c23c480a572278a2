// The two cookies: pk_session (the signed-in session) and pk_flow (binds a sign-in to the
// browser that started it). Both HttpOnly. Whenever the origin is https both are Secure and
// named with the __Host- prefix, which the browser accepts only with Secure, Path=/ and no
// Domain: no subdomain and no plain-http page can set or shadow them (RFC 6265bis §4.1.3.2).
import { parse } from 'cookie';
import type { CookieOptions, Request, Response } from 'express';

const named = (base: string, secure: boolean): string => (secure ? `__Host-${base}` : base);
export const sessionCookieName = (secure: boolean): string => named('pk_session', secure);
export const flowCookieName = (secure: boolean): string => named('pk_flow', secure);
// The prefix requires Path=/; over plain http the flow cookie stays on the sign-in API's path.
const flowPath = (secure: boolean): string => (secure ? '/' : '/api/signin');

/** A cookie out of a Cookie header. */
export function cookieFrom(header: string | undefined, name: string): string | undefined {
  return header ? parse(header)[name] : undefined;
}
export const readSessionCookie = (req: Request, secure: boolean): string | undefined => cookieFrom(req.headers.cookie, sessionCookieName(secure));
export const readFlowCookie = (req: Request, secure: boolean): string | undefined => cookieFrom(req.headers.cookie, flowCookieName(secure));

function options(secure: boolean, path: string, sameSite: 'lax' | 'strict', maxAge?: number): CookieOptions {
  return { httpOnly: true, secure, sameSite, path, ...(maxAge ? { maxAge } : {}) };
}

export function setSessionCookie(res: Response, secure: boolean, value: string): void {
  // Lax, so that a link from elsewhere to My Account still arrives signed in.
  res.cookie(sessionCookieName(secure), value, options(secure, '/', 'lax'));
}
export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(sessionCookieName(secure), options(secure, '/', 'lax'));
}
export function setFlowCookie(res: Response, secure: boolean, value: string, maxAgeMs: number): void {
  res.cookie(flowCookieName(secure), value, options(secure, flowPath(secure), 'strict', maxAgeMs));
}
export function clearFlowCookie(res: Response, secure: boolean): void {
  res.clearCookie(flowCookieName(secure), options(secure, flowPath(secure), 'strict'));
}
