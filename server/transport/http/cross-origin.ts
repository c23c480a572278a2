// Cross-site request forgery: a state-changing request that a browser sent from another origin
// is refused before any route runs. SameSite=Lax cookies alone leave two holes: a sibling
// subdomain counts as the same site, and a text/plain form POST needs no CORS preflight.
// The check is the one Go's net/http CrossOriginProtection (Go 1.25) makes, after Filippo
// Valsorda's "CSRF" write-up: Fetch Metadata first (Sec-Fetch-Site, sent by every current
// browser), else the Origin header against Host; neither header means the request did not
// come from a browser's page (curl, a server), which a cookie-based attack needs.
// The device API (/api/device) is exempt: it is called cross-origin by design, by the
// extension, and every request on it is signed with the device's key instead of a cookie.
import type { NextFunction, Request, Response } from 'express';
import { PushkeyError } from '../../../protocol/errors.ts';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Whether the request may change state: not a browser's cross-origin request. */
export function sameOriginOrNotBrowser(req: Pick<Request, 'method' | 'headers'>, publicOrigin: string): boolean {
  if (SAFE.has(req.method)) return true;
  const site = req.headers['sec-fetch-site'];
  if (typeof site === 'string' && site !== '') return site === 'same-origin' || site === 'none';
  const origin = req.headers.origin;
  if (!origin) return true;
  if (origin === publicOrigin) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false; // "null" (a sandboxed frame, a file) or junk
  }
}

export function refuseCrossOrigin(publicOrigin: string) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (sameOriginOrNotBrowser(req, publicOrigin)) return next();
    next(new PushkeyError('forbidden', 'Cross-origin request refused: this action can only be taken from the pushkey site itself.'));
  };
}
