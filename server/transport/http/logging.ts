// One JSON log line per request: method, path (never the query or body: no secret may
// reach a log), status, duration and a request id that the response carries too.
import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { randomUUID } from 'node:crypto';

declare module 'express-serve-static-core' {
  interface Request {
    log: Logger;
  }
}

export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const id = randomUUID();
    const started = process.hrtime.bigint();
    req.log = log.child({ reqId: id });
    res.setHeader('X-Request-Id', id);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info({ method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
