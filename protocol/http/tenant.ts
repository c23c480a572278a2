// What anyone may know before signing in, and the API's own description.
import * as v from 'valibot';
import { route } from './route.ts';

export const tenantRoutes = {
  // For a load balancer or an orchestrator: live says the process answers (restart it if not);
  // ready says this instance can serve sign-ins now (send it traffic only then).
  live: route({
    method: 'GET', path: '/api/health/live', summary: 'Whether the process answers at all; checks nothing else.', subject: 'request', access: 'public',
    answer: v.object({ status: v.literal('ok') }),
  }),
  ready: route({
    method: 'GET', path: '/api/health/ready',
    summary: 'Whether this instance can serve sign-ins: its database answers and takes writes, and it hears the other instances (push bus). 503 unavailable, saying which is missing, otherwise.',
    subject: 'request', access: 'public',
    answer: v.object({ status: v.literal('ok') }),
  }),
  health: route({
    method: 'GET', path: '/api/health', summary: 'The same as /api/health/ready.', subject: 'request', access: 'public',
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
