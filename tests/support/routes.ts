// Every HTTP route of the app, read from the sources: mount points from server/app.ts and
// routes from each router file in server/transport/http. Suites that must cover every
// route (bad input, role checks) use it, so a new route is covered the day it is written.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Route {
  method: string;
  /** Express path with its :params, e.g. /api/admin/users/:id/tap */
  path: string;
}

const HTTP_DIR = path.resolve('server/transport/http');

export function discoverRoutes(): Route[] {
  const app = readFileSync(path.resolve('server/app.ts'), 'utf8');
  const mounts = new Map([...app.matchAll(/app\.use\('([^']+)',\s*(\w+)\(d\)\)/g)].map((m) => [m[2]!, m[1]!]));
  const routes: Route[] = [{ method: 'GET', path: '/api/health' }];
  for (const file of readdirSync(HTTP_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))) {
    const src = readFileSync(path.join(HTTP_DIR, file), 'utf8');
    // A file may export several routers: each one's routes run until the next export.
    const routers = [...src.matchAll(/export function (\w+)\(d: HttpDeps\): Router/g)];
    routers.forEach((router, i) => {
      const mount = mounts.get(router[1]!);
      if (!mount) return;
      const body = src.slice(router.index, routers[i + 1]?.index ?? src.length);
      for (const m of body.matchAll(/\br\.(get|post|put|patch|delete)\(\s*'([^']+)'/g)) {
        routes.push({ method: m[1]!.toUpperCase(), path: mount + (m[2] === '/' ? '' : m[2]!) });
      }
    });
  }
  return routes;
}
