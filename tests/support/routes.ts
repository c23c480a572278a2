// Every HTTP route of the app: the browser API from its route table (protocol/http), and the
// device protocol's three routes (whose contract is protocol/messages.ts). Suites that must
// cover every route (bad input, role checks) use it, so a new route is covered the day it is
// added to the table.
import { ROUTES } from '../../protocol/http/index.ts';

export interface Route {
  method: string;
  /** Express path with its :params, e.g. /api/admin/users/:id/tap */
  path: string;
}

export const DEVICE_ROUTES: readonly Route[] = [
  { method: 'POST', path: '/api/device/enroll' },
  { method: 'POST', path: '/api/device/respond' },
  { method: 'POST', path: '/api/device/command' },
];

export function discoverRoutes(): Route[] {
  return [...ROUTES.map((r) => ({ method: r.method, path: r.path })), ...DEVICE_ROUTES];
}
