// What the HTTP layer needs beyond the domain's dependencies.
import type { Deps } from '../../domain/deps.ts';
import type { Oidc } from '../oidc/mount.ts';
import type { Limiters } from './rate-limit.ts';

export interface HttpDeps extends Deps {
  limiters: Limiters;
  /** Cookies get the Secure flag when the public origin is https. */
  secureCookies: boolean;
  /** The application name shown in pushes for sign-ins to this site. */
  appName: string;
  /** The OpenID provider, for what changes it as a whole (its signing keys). */
  oidc: Pick<Oidc, 'rotateKeys'>;
}
