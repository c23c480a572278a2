// The Authenticator and Temporary Access Pass policies, and who may do what under them.
import type { AuthenticatorPolicy, TapPolicy } from '../../../protocol/http/policies.ts';
import type { AuthenticatorRights } from '../../../protocol/http/me.ts';
import type { Repository } from '../../storage/repository.ts';
import { POLICY_DEFAULTS, readPolicy, writePolicy } from './policy-registry.ts';
import type { Device, User } from '../types.ts';

export { AuthenticatorPolicy, TapPolicy } from '../../../protocol/http/policies.ts';
export type { AuthenticatorRights } from '../../../protocol/http/me.ts';

export const DEFAULT_AUTHENTICATOR_POLICY = POLICY_DEFAULTS.authenticator;
export const DEFAULT_TAP_POLICY = POLICY_DEFAULTS.tap;

export const getAuthenticatorPolicy = (repo: Repository): Promise<AuthenticatorPolicy> => readPolicy(repo, 'authenticator');
export const setAuthenticatorPolicy = (repo: Repository, policy: AuthenticatorPolicy): Promise<void> => writePolicy(repo, 'authenticator', policy);
export const getTapPolicy = (repo: Repository): Promise<TapPolicy> => readPolicy(repo, 'tap');
export const setTapPolicy = (repo: Repository, policy: TapPolicy): Promise<void> => writePolicy(repo, 'tap', policy);

/**
 * Which rule of a policy's target decides for this user, in the order they apply: the policy
 * off, the account disabled, an excluded group (exclusions win, as in Entra), all users, an
 * included group, or none of them. isTargeted is its yes or no; the policy what-if shows it.
 */
export type Targeting = { targeted: boolean; rule: 'policy_off' | 'user_disabled' | 'excluded_group' | 'all_users' | 'included_group' | 'not_included'; group: string | null };

export function targetingOf(policy: Pick<AuthenticatorPolicy, 'enabled' | 'target'>, user: Pick<User, 'groups' | 'disabled'>): Targeting {
  const no = (rule: Targeting['rule'], group: string | null = null): Targeting => ({ targeted: false, rule, group });
  if (!policy.enabled) return no('policy_off');
  if (user.disabled) return no('user_disabled');
  const excluded = policy.target.excludeGroups.find((g) => user.groups.includes(g));
  if (excluded !== undefined) return no('excluded_group', excluded);
  if (policy.target.allUsers) return { targeted: true, rule: 'all_users', group: null };
  const included = policy.target.includeGroups.find((g) => user.groups.includes(g));
  return included !== undefined ? { targeted: true, rule: 'included_group', group: included } : no('not_included');
}

/** Whether the policy applies to this user at all (enabled, targeted, not excluded). */
export function isTargeted(policy: Pick<AuthenticatorPolicy, 'enabled' | 'target'>, user: Pick<User, 'groups' | 'disabled'>): boolean {
  return targetingOf(policy, user).targeted;
}

/**
 * DESIGN.md's rights table:
 * | mode         | push MFA after password | passwordless                       |
 * | any          | yes                     | yes, if a device is upgraded       |
 * | push         | yes                     | no: the link is not shown          |
 * | passwordless | no                      | yes                                |
 * | disabled / not targeted | no           | no                                 |
 * "yes" also needs an active (not revoked) device.
 */
export function authenticatorRights(policy: AuthenticatorPolicy, user: Pick<User, 'groups' | 'disabled'>, devices: Device[]): AuthenticatorRights {
  const targeted = isTargeted(policy, user);
  const active = devices.filter((d) => d.revokedAt === null);
  const pushAllowed = targeted && policy.mode !== 'passwordless';
  const passwordlessAllowed = targeted && policy.mode !== 'push';
  return {
    register: targeted,
    pushMfa: pushAllowed && active.length > 0,
    passwordless: passwordlessAllowed && active.some((d) => d.passwordless),
    upgradePasswordless: passwordlessAllowed,
  };
}

/** Which of a user's devices may answer a request of this kind. */
export function mayAnswer(policy: AuthenticatorPolicy, device: Device, kind: string): boolean {
  if (device.revokedAt !== null) return false;
  if (kind === 'passwordless') return device.passwordless && policy.mode !== 'push';
  if (kind === 'mfa') return policy.mode !== 'passwordless';
  return true;
}
