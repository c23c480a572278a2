// What anyone may know before signing in, and the API's own description.
import * as v from 'valibot';
import { route } from './route.ts';

export const tenantRoutes = {
  health: route({
    method: 'GET', path: '/api/health', summary: 'Whether the server is up.', subject: 'request', access: 'public',
    answer: v.object({ status: v.literal('ok') }),
  }),
  tenant: route({
    method: 'GET', path: '/api/tenant', summary: 'The tenant\'s display name, which the sign-in page shows.', subject: 'request', access: 'public',
    answer: v.object({ name: v.string() }),
  }),
  openapi: route({
    method: 'GET', path: '/api/openapi.json', summary: 'This API as an OpenAPI 3.1 document, generated from the route table.', subject: 'request',
    access: 'public', answer: v.record(v.string(), v.unknown()),
  }),
};
