// One browser API route as data: what the server mounts, the site calls and OpenAPI lists.
// Types come from the schemas, so the handler, the client and the reference cannot drift.
import * as v from 'valibot';
import type { Role } from './users.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who may call: anyone, any signed-in user, or a signed-in user with one of these roles. */
export type Access = 'public' | 'session' | readonly Role[];

export interface RouteDef {
  method: Method;
  /** Express form, e.g. /api/admin/users/:id/tap. */
  path: `/api/${string}`;
  /** One line for the API reference. */
  summary: string;
  /** What a parse failure calls the input, e.g. "Invalid sign-in field …". */
  subject: string;
  access: Access;
  /** The rate limiter hit before anything else: sign-in steps and status polls. */
  limit?: 'signIn' | 'poll';
  params?: v.GenericSchema;
  query?: v.GenericSchema;
  body?: v.GenericSchema;
  answer: v.GenericSchema;
  /** 200 unless said; 204 answers have no body. */
  status?: 200 | 201 | 204;
  /** With ?format=csv|json the answer is a file download instead of the JSON answer. */
  download?: boolean;
}

/** Keeps the literal types of a route (its schemas and path) for inference. */
export const route = <const R extends RouteDef>(r: R): R => r;

type Out<S> = S extends v.GenericSchema ? v.InferOutput<S> : undefined;
type In<S> = S extends v.GenericSchema ? v.InferInput<S> : undefined;

/** What the server's handler gets, after parsing. */
export interface ParsedInput<R extends RouteDef> {
  params: Out<R['params']>;
  query: Out<R['query']>;
  body: Out<R['body']>;
}
/** What the server must send (the answer schema's input) and what the site reads (its output). */
export type AnswerOut<R extends RouteDef> = v.InferOutput<R['answer']>;
export type AnswerIn<R extends RouteDef> = v.InferInput<R['answer']>;

/** What the site passes: query values are written into the URL, so numbers are accepted as text. */
export type CallInput<R extends RouteDef> = (R['params'] extends v.GenericSchema ? { params: In<R['params']> } : { params?: undefined }) &
  (R['query'] extends v.GenericSchema ? { query?: { [K in keyof In<R['query']>]?: string | number | undefined } } : { query?: undefined }) &
  (R['body'] extends v.GenericSchema ? { body: In<R['body']> } : { body?: undefined });

/** The path with its :params filled in, percent-encoded. */
export function fillPath(path: string, params: Record<string, string> | undefined): string {
  return path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new TypeError(`Missing path parameter "${name}" for ${path}`);
    return encodeURIComponent(value);
  });
}

/** The query string for these values (empty and undefined ones left out), with its "?". */
export function queryString(query: Record<string, string | number | undefined> | undefined): string {
  const entries = Object.entries(query ?? {}).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '');
  return entries.length ? `?${entries.map(([k, val]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(val))}`).join('&')}` : '';
}
