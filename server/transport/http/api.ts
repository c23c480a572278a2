// The whole browser API, mounted from the route table: one handler per route, checked by
// the compiler (a route without a handler does not build).
import type { Express } from 'express';
import { api } from '../../../protocol/http/index.ts';
import { adminHandlers } from './admin-routes.ts';
import type { HttpDeps } from './http-deps.ts';
import { logsHandlers } from './logs-routes.ts';
import { meHandlers } from './me-routes.ts';
import { methodsHandlers } from './methods-routes.ts';
import { mountGroup } from './mount.ts';
import { policyHandlers } from './policies-routes.ts';
import { signInHandlers } from './signin-routes.ts';
import { tenantHandlers } from './tenant-routes.ts';
import { oidcHandlers } from './oidc-routes.ts';
import { appsHandlers } from './apps-routes.ts';
import { labHandlers } from './lab-routes.ts';

export function mountApi(app: Express, d: HttpDeps): void {
  mountGroup(app, d, api.tenant, tenantHandlers);
  mountGroup(app, d, api.signin, signInHandlers);
  mountGroup(app, d, api.me, meHandlers);
  mountGroup(app, d, api.methods, methodsHandlers);
  mountGroup(app, d, api.admin, adminHandlers);
  for (const name of Object.keys(api.policies) as Array<keyof typeof api.policies>) mountGroup(app, d, api.policies[name], policyHandlers[name]);
  mountGroup(app, d, api.logs, logsHandlers);
  mountGroup(app, d, api.oidc, oidcHandlers);
  mountGroup(app, d, api.apps, appsHandlers);
  mountGroup(app, d, api.lab, labHandlers);
}
