// What anyone may know about the tenant before signing in: its display name, which the
// sign-in page shows (the same name the QR code hands the authenticator). Nothing else;
// and the API's own description.
import { api } from '../../../protocol/http/index.ts';
import { openApiDocument } from '../../../protocol/http/openapi.ts';
import { tenantName } from '../../domain/authenticator/enrollment.ts';
import type { Handlers } from './mount.ts';

import pkg from '../../../package.json' with { type: 'json' };

// Built once per origin: the table does not change while the process runs.
const documents = new Map<string, Record<string, unknown>>();
const documentFor = (origin: string) => documents.get(origin) ?? documents.set(origin, openApiDocument({ version: pkg.version, serverUrl: origin })).get(origin)!;

export const tenantHandlers: Handlers<typeof api.tenant> = {
  health: async () => ({ status: 'ok' }),
  tenant: async ({ d }) => ({ name: await tenantName(d) }),
  openapi: async ({ d }) => documentFor(d.origin),
};
