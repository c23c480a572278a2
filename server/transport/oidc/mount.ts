// Mounts the OpenID provider at /oidc and its interaction routes. The provider is built on
// first use (its keys come from storage) and rebuilt when the signing keys change: at once on
// this instance, within a minute on the others.
import helmet from 'helmet';
import type { Express, NextFunction, Request, Response } from 'express';
import type Provider from 'oidc-provider';
import type { Deps } from '../../domain/deps.ts';
import { rotateSigningKeys, signingKeysVersion } from '../../domain/apps/signing-keys.ts';
import type { Actor } from '../../domain/monitoring/audit.ts';
import { cspDirectives } from '../http/security-headers.ts';
import { buildProvider, OIDC_PATH, type OidcOptions } from './provider.ts';
import { INTERACTION_PATH, interactionErrors, interactionRoutes } from './interactions.ts';
import { settleByChallenge } from './backchannel.ts';

const KEY_CHECK_MS = 60_000;

export interface Oidc {
  provider(): Promise<Provider>;
  /** Stops listening for the pushes' answers. */
  close(): void;
  /** A new signing key pair first in the JWKS (the one it replaces stays published while what it signed may be presented); this instance signs with it at once. */
  rotateKeys(actor: Actor, replacing: string): Promise<string[]>;
}

export function mountOidc(app: Express, d: Deps, opts: OidcOptions): Oidc {
  type Built = { provider: Provider; keysVersion: string; handler: ReturnType<Provider['callback']> };
  let built: Promise<Built> | null = null;
  let checkedAt = 0;
  const build = () => buildProvider(d, opts).then((b) => ({ ...b, handler: b.provider.callback() }));

  async function current(): Promise<Built> {
    if (!built) {
      built = build();
      built.catch(() => (built = null));
      checkedAt = Date.now();
    }
    const b = await built;
    if (Date.now() - checkedAt >= KEY_CHECK_MS) {
      checkedAt = Date.now();
      if ((await signingKeysVersion(d)) !== b.keysVersion) built = build();
    }
    return built;
  }

  // The provider's pages post forms to itself and its answers redirect to the apps
  // (form_post, logout): helmet's form-action 'self' would block those redirects.
  app.use(OIDC_PATH, helmet.contentSecurityPolicy({ directives: { ...cspDirectives(opts.secure), 'form-action': null } }));
  app.use(INTERACTION_PATH, interactionRoutes(d, async () => (await current()).provider), interactionErrors);
  app.use(OIDC_PATH, (req: Request, res: Response, next: NextFunction) => {
    current().then((b) => b.handler(req, res), next);
  });

  // A push sent for an app without a browser ended (approved, denied, expired): its request is
  // settled at once, so the app's next poll has the answer. Every instance hears the event; the
  // first one settles it.
  const unsubscribe = d.bus.subscribe((event) => {
    if (event.type !== 'challenge') return;
    settleByChallenge(d, async () => (await current()).provider, event.challengeId).catch((err: unknown) => d.log.error({ err, challengeId: event.challengeId }, 'settling a back-channel sign-in failed'));
  });

  return {
    close: unsubscribe,
    provider: async () => (await current()).provider,
    async rotateKeys(actor, replacing) {
      const kids = await rotateSigningKeys(d, actor, replacing);
      built = build();
      await built;
      return kids;
    },
  };
}
