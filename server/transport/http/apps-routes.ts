// The admin API's app registrations; the rules and the audit are the domain's (domain/apps/apps.ts).
import type { api } from '../../../protocol/http/index.ts';
import { deleteApp, registerApp, rotateAppSecret, updateApp } from '../../domain/apps/apps.ts';
import { listSigningKeys, retentionMs } from '../../domain/apps/signing-keys.ts';
import type { App } from '../../domain/types.ts';
import type { HttpDeps } from './http-deps.ts';
import type { Handlers } from './mount.ts';

/** Everything but the secret's hash. */
const view = ({ secretHash: _, ...app }: App) => app;

const signingKeys = async (d: HttpDeps) => ({ keys: await listSigningKeys(d), retentionMs: retentionMs(d) });

export const appsHandlers: Handlers<typeof api.apps> = {
  list: async ({ d }) => ({ apps: (await d.repo.listApps()).map(view) }),
  async create({ d, caller, body }) {
    const { app, secret } = await registerApp(d, caller.actor, body);
    return { app: view(app), secret };
  },
  update: async ({ d, caller, params, body }) => view(await updateApp(d, caller.actor, params.id, body)),
  async rotateSecret({ d, caller, params }) {
    const { app, secret } = await rotateAppSecret(d, caller.actor, params.id);
    return { app: view(app), secret };
  },
  signingKeys: ({ d }) => signingKeys(d),
  async rotateSigningKeys({ d, caller, body }) {
    // The provider is rebuilt with the new keys before answering: this instance signs with them at once.
    await d.oidc.rotateKeys(caller.actor, body.replacing);
    return signingKeys(d);
  },
  async remove({ d, caller, params }) {
    await deleteApp(d, caller.actor, params.id);
    return { status: 'deleted' };
  },
};
