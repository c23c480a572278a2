// The OpenAPI 3.1 document of the route table. JSON Schema 2020-12 is OpenAPI 3.1's schema
// dialect; requests are described as sent (a schema's input), answers as read (its output).
import * as v from 'valibot';
import { toJsonSchema, type ConversionConfig } from '@valibot/to-json-schema';
import { ErrorAnswer } from '../messages.ts';
import { AREAS } from './index.ts';
import type { RouteDef } from './route.ts';

type Json = Record<string, unknown>;

// Transforms and custom checks have no JSON Schema form: they are left out, not refused.
const asRequest: ConversionConfig = { target: 'draft-2020-12', typeMode: 'input', errorMode: 'ignore' };
const asAnswer: ConversionConfig = { target: 'draft-2020-12', typeMode: 'output', errorMode: 'ignore' };

const schemaOf = (s: v.GenericSchema, config: ConversionConfig): Json => {
  const { $schema: _, ...rest } = toJsonSchema(s, config) as Json;
  return rest;
};

/** Path and query parameters, one per property of their object schema. */
function parameters(where: 'path' | 'query', s: v.GenericSchema | undefined): Json[] {
  if (!s) return [];
  const json = schemaOf(s, asRequest) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, schema]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema,
  }));
}

const accessText = (r: RouteDef): string =>
  r.access === 'public' ? 'Anyone.' : r.access === 'session' ? 'A signed-in user.' : `A signed-in user with the role ${r.access.join(' or ')} (global_admin holds every role).`;

function operation(r: RouteDef, tag: string): Json {
  const status = String(r.status ?? 200);
  const ok: Json = status === '204' ? { description: 'Done; no body.' } : { description: 'Done.', content: { 'application/json': { schema: schemaOf(r.answer, asAnswer) } } };
  if (r.download) {
    (ok.content as Json)['text/csv'] = { schema: { type: 'string' } };
  }
  const params = [...parameters('path', r.params), ...parameters('query', r.query)];
  return {
    tags: [tag],
    summary: r.summary,
    description: `Who may call: ${accessText(r)}`,
    ...(params.length ? { parameters: params } : {}),
    ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: schemaOf(r.body, asRequest) } } } } : {}),
    ...(r.access === 'public' ? {} : { security: [{ session: [] }] }),
    responses: {
      [status]: ok,
      '4XX': { $ref: '#/components/responses/Error' },
      '5XX': { $ref: '#/components/responses/Error' },
    },
  };
}

/** /api/users/:id → /api/users/{id} */
export const openApiPath = (path: string): string => path.replace(/:(\w+)/g, '{$1}');

export function openApiDocument(info: { version: string; serverUrl?: string }): Json {
  const paths: Record<string, Json> = {};
  for (const area of AREAS) {
    for (const r of area.routes) (paths[openApiPath(r.path)] ??= {})[r.method.toLowerCase()] = operation(r, area.name);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'pushkey browser API',
      version: info.version,
      description:
        'What the sign-in page, My Account and the admin portal call. Sessions are a cookie set by sign-in; ' +
        'every cookie-authenticated call must come from the same origin. The device protocol (/api/device/*) is signed instead and documented in docs/protocol.md.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    tags: AREAS.map((a) => ({ name: a.name, description: a.description })),
    paths,
    components: {
      securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'pk_session' } },
      schemas: { Error: schemaOf(ErrorAnswer, asAnswer) },
      responses: {
        Error: {
          description: 'Refused: `error` is one code from a fixed list, `message` is for a person, `details` is sometimes there (e.g. minClientVersion).',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
        },
      },
    },
  };
}
