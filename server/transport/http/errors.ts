// The error middleware, registered last: every failure leaves as `{ error, message }`
// with the status from status.ts. Clients never see a stack; the log gets the detail.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { PushkeyError, toErrorBody } from '../../../protocol/errors.ts';
import { HTTP_STATUS } from './status.ts';
import { DATABASE_UNAVAILABLE, isDatabaseUnavailable } from '../../storage/unavailable.ts';

/** Maps what body-parser, the database and friends throw to our codes. */
export function normalise(err: unknown): PushkeyError {
  if (err instanceof PushkeyError) return err;
  const e = err as { type?: string; status?: number };
  if (e?.type === 'entity.parse.failed') return new PushkeyError('bad_request', 'The request body is not valid JSON.');
  if (e?.type === 'entity.too.large') return new PushkeyError('payload_too_large', 'The request body is too large.');
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') return new PushkeyError('bad_request', 'Unsupported request encoding.');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) return new PushkeyError('bad_request', 'The request could not be read.');
  if (isDatabaseUnavailable(err)) return new PushkeyError('unavailable', DATABASE_UNAVAILABLE);
  return new PushkeyError('internal', 'Something went wrong on our side. Try again.');
}

export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const error = normalise(err);
  if (error.code === 'internal') req.log.error({ err }, 'unhandled error');
  else if (error.code === 'unavailable') req.log.warn({ err }, 'database unavailable');
  else req.log.info({ code: error.code }, 'request refused');
  if (res.headersSent) return;
  res.status(HTTP_STATUS[error.code]).json(toErrorBody(error));
};

export const notFound: RequestHandler = (req, _res, next) => {
  next(new PushkeyError('not_found', `No route for ${req.method} ${req.path}`));
};
