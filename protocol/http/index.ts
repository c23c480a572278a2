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
import { tenantRoutes } from './tenant.ts';

export const api = {
  tenant: tenantRoutes,
  signin: signInRoutes,
  me: meRoutes,
  methods: methodsRoutes,
  admin: adminRoutes,
  policies: policyRoutesByName,
  logs: logsRoutes,
};

/** Every route, in mounting order (a fixed path before a :param one beside it). */
export const ROUTES: readonly RouteDef[] = [
  ...Object.values(tenantRoutes),
  ...Object.values(signInRoutes),
  ...Object.values(meRoutes),
  ...Object.values(methodsRoutes),
  ...Object.values(adminRoutes),
  ...Object.values(policyRoutesByName).flatMap((p) => [p.read, p.save]),
  ...Object.values(logsRoutes),
];
