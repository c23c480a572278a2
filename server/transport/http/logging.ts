// One JSON log line per request: method, path (never the query or body: no secret may
// reach a log), status, duration and a request id that the response carries too, and for a
// sign-in's requests (the browser's and the device's) the sign-in's correlation id.
import type { RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
  }
}

/**
 * Ties this request's log line to a sign-in: its correlation id (the flow id), the one the
 * sign-in log, its protocol timeline and the extension's request details show.
 */
export function correlate(res: Response, correlationId: string | null | undefined): void {
  if (correlationId) res.locals.correlationId = correlationId;
}

export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    const started = process.hrtime.bigint();
    req.log = log.child({ reqId: id });
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const correlationId: unknown = res.locals.correlationId;
      req.log.info(
        { method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10, ...(typeof correlationId === 'string' ? { correlationId } : {}) },
        'request',
      );
    });
    next();
  };
}
