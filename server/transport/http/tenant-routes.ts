// What anyone may know about the tenant before signing in: its display name, which the
// sign-in page shows (the same name the QR code hands the authenticator). Nothing else.
import { Router } from 'express';
import { tenantName } from '../../domain/enrollment.ts';
import type { HttpDeps } from './http-deps.ts';

export function tenantRoutes(d: HttpDeps): Router {
  const r = Router();
  r.get('/', async (_req, res) => {
    res.json({ name: await tenantName(d) });
  });
  return r;
}
