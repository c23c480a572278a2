// What anyone may know about the tenant before signing in: its display name, which the
// sign-in page shows (the same name the QR code hands the authenticator). Nothing else;
// and the API's own description.
import { api } from '../../../protocol/http/index.ts';
import { openApiDocument } from '../../../protocol/http/openapi.ts';
import { tenantName } from '../../domain/authenticator/enrollment.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Handlers } from './mount.ts';
import type { HttpDeps } from './http-deps.ts';

import pkg from '../../../package.json' with { type: 'json' };

// Built once per origin: the table does not change while the process runs.
const documents = new Map<string, Record<string, unknown>>();
const documentFor = (origin: string) => documents.get(origin) ?? documents.set(origin, openApiDocument({ version: pkg.version, serverUrl: origin })).get(origin)!;

/** Ready when the database answers and takes writes, and the bus hears the other instances (cut off, this instance would miss their pushes and answers). */
async function ready(d: HttpDeps): Promise<{ status: 'ok' }> {
  const missing: string[] = [];
  try {
    await d.repo.ping();
  } catch (err) {
    d.log.warn({ err }, 'readiness: database unavailable');
    missing.push('The database does not answer, or does not take writes.');
  }
  if (!d.bus.listening()) missing.push('This instance is reconnecting to the database to hear other instances.');
  if (missing.length) throw new PushkeyError('unavailable', missing.join(' '));
  return { status: 'ok' };
}

export const tenantHandlers: Handlers<typeof api.tenant> = {
  live: async () => ({ status: 'ok' as const }),
  ready: ({ d }) => ready(d),
  health: ({ d }) => ready(d),
  tenant: async ({ d }) => ({ name: await tenantName(d) }),
  openapi: async ({ d }) => documentFor(d.origin),
};
