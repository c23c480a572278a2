// The browser API: every route under /api except the device protocol's /api/device/*
// (whose contract is ../messages.ts). The server mounts this list, the site calls it, the
// tests walk it and /api/openapi.json describes it.
import { adminRoutes } from './admin.ts';
import { logsRoutes } from './logs.ts';
import { meRoutes } from './me.ts';
import { methodsRoutes } from './methods.ts';
import { policyRoutesByName } from './policies.ts';
import type { RouteDef } from './route.ts';
import { signInRoutes } from './signin.ts';
import { oidcRoutes } from './oidc.ts';
import { appsRoutes } from './apps.ts';
import { tenantRoutes } from './tenant.ts';
import { labRoutes } from './lab.ts';

export const api = {
  tenant: tenantRoutes,
  signin: signInRoutes,
  me: meRoutes,
  methods: methodsRoutes,
  admin: adminRoutes,
  policies: policyRoutesByName,
  logs: logsRoutes,
  oidc: oidcRoutes,
  apps: appsRoutes,
  lab: labRoutes,
};

/** The routes by area, in mounting order (a fixed path before a :param one beside it); the reference groups them so. */
export const AREAS: ReadonlyArray<{ name: string; description: string; routes: readonly RouteDef[] }> = [
  { name: 'tenant', description: 'Before signing in, and the API itself', routes: Object.values(tenantRoutes) },
  { name: 'sign-in', description: 'A browser signs in: user name, one step, status', routes: Object.values(signInRoutes) },
  { name: 'apps', description: 'An app signing its user in through OpenID Connect: who is asking', routes: Object.values(oidcRoutes) },
  { name: 'my account', description: 'The signed-in user and the Authenticator app', routes: Object.values(meRoutes) },
  { name: 'my methods', description: 'Passkeys, the phone for SMS, the default method', routes: Object.values(methodsRoutes) },
  { name: 'admin: users', description: 'Users and what the helpdesk does to their methods', routes: Object.values(adminRoutes) },
  { name: 'admin: apps', description: 'App registrations: the apps that sign in through OpenID Connect', routes: Object.values(appsRoutes) },
  { name: 'admin: policies', description: 'The tenant\'s policies', routes: Object.values(policyRoutesByName).flatMap((p) => [p.read, p.save]) },
  { name: 'admin: logs', description: 'Sign-in and audit logs, alerts, the lab outbox, retention', routes: Object.values(logsRoutes) },
  { name: 'classroom lab', description: 'Lab mode: the instructor\'s board and the lab clock', routes: Object.values(labRoutes) },
];

/** Every route, in mounting order. */
export const ROUTES: readonly RouteDef[] = AREAS.flatMap((a) => a.routes);
