// Mounts the browser API from the route table (protocol/http): each route's rate limit,
// caller, then its params, query and body parsed with its schemas (a failure is a
// bad_request naming the field), then its handler, whose answer is typed by the route.
import type { Express, Request, Response } from 'express';
import { parseWith } from '../../../protocol/parse.ts';
import type { AnswerIn, ParsedInput, RouteDef } from '../../../protocol/http/route.ts';
import type { Caller } from '../../domain/admin/caller.ts';
import { callerFor } from './auth.ts';
import { clientIp } from './client-info.ts';
import type { HttpDeps } from './http-deps.ts';
import { correlate } from './logging.ts';

/** What a handler returns when it wrote the response itself (a file download). */
export const SENT = Symbol('sent');

export interface HandlerContext<R extends RouteDef> extends ParsedInput<R> {
  d: HttpDeps;
  req: Request;
  res: Response;
  caller: R['access'] extends 'public' ? null : Caller;
}
type Handle<R extends RouteDef> = (ctx: HandlerContext<R>) => Promise<AnswerIn<R> | typeof SENT>;
/**
 * A handler, or one with a check that runs before the body is read: an action on another
 * user's account is refused first, so a caller who may not touch it learns nothing of what
 * the body should hold.
 */
export type Handler<R extends RouteDef> = Handle<R> | { authorize: (ctx: Omit<HandlerContext<R>, 'body'>) => Promise<void>; handle: Handle<R> };
/** One handler for every route of a group: a route without one does not compile. */
export type Handlers<G extends Record<string, RouteDef>> = { [K in keyof G]: Handler<G[K]> };

export function mount<R extends RouteDef>(app: Express, d: HttpDeps, route: R, handler: Handler<R>): void {
  const method = route.method.toLowerCase() as Lowercase<RouteDef['method']>;
  app[method](route.path, async (req, res) => {
    if (route.limit) await d.limiters[route.limit].hit(clientIp(req));
    const parse = (schema: RouteDef['params'], input: unknown) => (schema ? parseWith(schema, input, route.subject) : undefined);
    const ctx = {
      d,
      req,
      res,
      caller: (await callerFor(d, req, route.access)) as HandlerContext<R>['caller'],
      params: parse(route.params, req.params) as ParsedInput<R>['params'],
      query: parse(route.query, req.query) as ParsedInput<R>['query'],
    };
    if (typeof handler !== 'function') await handler.authorize(ctx);
    // A route that takes a body reads a missing one as {}: its required fields are then named.
    const body = parse(route.body, req.body ?? {}) as ParsedInput<R>['body'];
    // A sign-in step names its flow: the log line carries it as the correlation id.
    correlate(res, flowIdOf(body) ?? flowIdOf(ctx.query));
    const answer = await (typeof handler === 'function' ? handler : handler.handle)({ ...ctx, body });
    if (answer === SENT) return;
    if (route.status === 204) return void res.status(204).end();
    res.status(route.status ?? 200).json(answer);
  });
}

const flowIdOf = (input: unknown): string | undefined => {
  const flowId: unknown = typeof input === 'object' && input !== null ? (input as { flowId?: unknown }).flowId : undefined;
  return typeof flowId === 'string' ? flowId : undefined;
};

export function mountGroup<G extends Record<string, RouteDef>>(app: Express, d: HttpDeps, group: G, handlers: Handlers<G>): void {
  for (const name of Object.keys(group) as Array<keyof G & string>) mount(app, d, group[name] as RouteDef, handlers[name] as Handler<RouteDef>);
}
