// Security headers, set by helmet in one place. Its defaults, narrowed where they are wider
// than the site needs (OWASP ASVS 5.0 V3.4): no <base> may redirect relative URLs, styles and
// fonts come from this origin only (the default also allows any https: host), and HSTS and
// upgrade-insecure-requests are sent only when the public origin is https (over plain http, a
// lab on a LAN address, upgrading would load no script or style at all).
import helmet from 'helmet';
import type { RequestHandler } from 'express';

/** The site's CSP directives over helmet's defaults. */
export const cspDirectives = (httpsOrigin: boolean) => ({
  'base-uri': ["'none'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'font-src': ["'self'", 'data:'],
  'upgrade-insecure-requests': httpsOrigin ? [] : null,
});

export function securityHeaders(httpsOrigin: boolean): RequestHandler {
  return helmet({
    contentSecurityPolicy: { directives: cspDirectives(httpsOrigin) },
    strictTransportSecurity: httpsOrigin ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
}

/**
 * API answers carry session state, activation codes, Temporary Access Passes and personal
 * data: no browser or proxy cache may keep them (ASVS 5.0 V14.3).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
