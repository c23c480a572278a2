// Who is calling: the session from the cookie, and the route's role requirement, which the
// server enforces whatever the page shows. What a caller may do to whom is the domain's
// (domain/admin/caller.ts).
import type { Request } from 'express';
import type { Access } from '../../../protocol/http/route.ts';
import { actorOf } from '../../domain/monitoring/audit.ts';
import { assertHasRole, type Caller } from '../../domain/admin/caller.ts';
import { requireSession } from '../../domain/signin/sessions.ts';
import { clientIp } from './client-info.ts';
import { readSessionCookie } from './cookies.ts';
import type { HttpDeps } from './http-deps.ts';

export type { Caller } from '../../domain/admin/caller.ts';

export async function caller(d: HttpDeps, req: Request): Promise<Caller> {
  const { session, user } = await requireSession(d, readSessionCookie(req, d.secureCookies));
  return { user, session, actor: actorOf(user, clientIp(req)) };
}

/** The caller a route's access asks for; null for a public route. */
export async function callerFor(d: HttpDeps, req: Request, access: Access): Promise<Caller | null> {
  if (access === 'public') return null;
  const c = await caller(d, req);
  if (access !== 'session') assertHasRole(c.user, access);
  return c;
}
