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
  const headers = helmetHeaders(
    helmet({
      contentSecurityPolicy: { directives: cspDirectives(httpsOrigin) },
      strictTransportSecurity: httpsOrigin ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    }),
  );
  return (_req, res, next) => {
    for (const [name, value] of headers.set) res.setHeader(name, value);
    for (const name of headers.removed) res.removeHeader(name);
    next();
  };
}

/**
 * What helmet does to every response, found once by running it on a response that records:
 * no directive here is a function of the request, so every response gets the same headers,
 * and helmet rebuilt the CSP string for each of them.
 */
function helmetHeaders(middleware: RequestHandler): { set: [string, string][]; removed: string[] } {
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    setHeader: (name: string, value: unknown) => void set.push([name, String(value)]),
    removeHeader: (name: string) => void removed.push(name),
  };
  let done = false;
  void middleware({} as Parameters<RequestHandler>[0], recorder as unknown as Parameters<RequestHandler>[1], (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new TypeError(String(err));
    done = true;
  });
  if (!done) throw new TypeError('securityHeaders: helmet did not finish at once, so its headers cannot be computed ahead');
  return { set, removed };
}

/**
 * API answers carry session state, activation codes, Temporary Access Passes and personal
 * data: no browser or proxy cache may keep them (ASVS 5.0 V14.3).
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
