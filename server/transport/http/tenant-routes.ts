// What anyone may know about the tenant before signing in: its display name, which the
// sign-in page shows (the same name the QR code hands the authenticator). Nothing else;
// and the API's own description.
import { api } from '../../../protocol/http/index.ts';
import { openApiDocument } from '../../../protocol/http/openapi.ts';
import { tenantName } from '../../domain/authenticator/enrollment.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import type { Handlers } from './mount.ts';

import pkg from '../../../package.json' with { type: 'json' };

// Built once per origin: the table does not change while the process runs.
const documents = new Map<string, Record<string, unknown>>();
const documentFor = (origin: string) => documents.get(origin) ?? documents.set(origin, openApiDocument({ version: pkg.version, serverUrl: origin })).get(origin)!;

export const tenantHandlers: Handlers<typeof api.tenant> = {
  // Unhealthy while the bus is cut off: this instance would miss pushes and answers handled by the others.
  health: async ({ d }) => {
    if (!d.bus.listening()) throw new PushkeyError('unavailable', 'This instance is reconnecting to the database to hear other instances.');
    return { status: 'ok' as const };
  },
  tenant: async ({ d }) => ({ name: await tenantName(d) }),
  openapi: async ({ d }) => documentFor(d.origin),
};
