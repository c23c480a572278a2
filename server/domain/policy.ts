// The Authenticator and Temporary Access Pass policies, and who may do what under them.
import * as v from 'valibot';
import { SEMVER_RE } from '../../protocol/version.ts';
import { Label } from '../../protocol/fields.ts';
import type { Repository } from '../storage/repository.ts';
import type { Device, User } from './types.ts';

const Group = v.pipe(Label(64), v.minLength(1));

export const AuthenticatorPolicy = v.object({
  enabled: v.boolean(),
  target: v.object({
    /** true: all users; false: only members of includeGroups. */
    allUsers: v.boolean(),
    includeGroups: v.pipe(v.array(Group), v.maxLength(100)),
    /** Exclusions win over inclusions, as in Entra. */
    excludeGroups: v.pipe(v.array(Group), v.maxLength(100)),
  }),
  mode: v.picklist(['any', 'push', 'passwordless']),
  /** 2 as in Entra; 6 for NIST SP 800-63B-4's strict profile. */
  numberLength: v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(8)),
  showApplication: v.boolean(),
  showLocation: v.boolean(),
  minClientVersion: v.pipe(v.string(), v.regex(SEMVER_RE, 'minClientVersion looks like 1.2.3')),
  requestLifetimeSeconds: v.pipe(v.number(), v.integer(), v.minValue(30), v.maxValue(600)),
  /** Consecutive wrong numbers before the user is locked out for a while. */
  maxNumberFailures: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(50)),
});
export type AuthenticatorPolicy = v.InferOutput<typeof AuthenticatorPolicy>;

export const DEFAULT_AUTHENTICATOR_POLICY: AuthenticatorPolicy = {
  enabled: true,
  target: { allUsers: true, includeGroups: [], excludeGroups: [] },
  mode: 'any',
  numberLength: 2,
  showApplication: true,
  showLocation: true,
  minClientVersion: '0.0.0',
  requestLifetimeSeconds: 90,
  maxNumberFailures: 5,
};

export const TapPolicy = v.pipe(
  v.object({
    enabled: v.boolean(),
    // Entra's bounds: 10 minutes to 30 days.
    minLifetimeMinutes: v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(43_200)),
    maxLifetimeMinutes: v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(43_200)),
    defaultLifetimeMinutes: v.pipe(v.number(), v.integer(), v.minValue(10), v.maxValue(43_200)),
    oneTimeByDefault: v.boolean(),
    length: v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(48)),
  }),
  v.check(
    (p) => p.minLifetimeMinutes <= p.defaultLifetimeMinutes && p.defaultLifetimeMinutes <= p.maxLifetimeMinutes,
    'the default lifetime must lie between the minimum and the maximum',
  ),
);
export type TapPolicy = v.InferOutput<typeof TapPolicy>;

export const DEFAULT_TAP_POLICY: TapPolicy = {
  enabled: true,
  minLifetimeMinutes: 10,
  maxLifetimeMinutes: 480,
  defaultLifetimeMinutes: 60,
  oneTimeByDefault: true,
  length: 8,
};

const KEYS = { authenticator: 'policy.authenticator', tap: 'policy.tap' } as const;

export async function getAuthenticatorPolicy(repo: Repository): Promise<AuthenticatorPolicy> {
  const text = await repo.getSetting(KEYS.authenticator);
  return text ? { ...DEFAULT_AUTHENTICATOR_POLICY, ...(JSON.parse(text) as AuthenticatorPolicy) } : DEFAULT_AUTHENTICATOR_POLICY;
}
export async function setAuthenticatorPolicy(repo: Repository, policy: AuthenticatorPolicy): Promise<void> {
  await repo.setSetting(KEYS.authenticator, JSON.stringify(policy));
}
export async function getTapPolicy(repo: Repository): Promise<TapPolicy> {
  const text = await repo.getSetting(KEYS.tap);
  return text ? { ...DEFAULT_TAP_POLICY, ...(JSON.parse(text) as TapPolicy) } : DEFAULT_TAP_POLICY;
}
export async function setTapPolicy(repo: Repository, policy: TapPolicy): Promise<void> {
  await repo.setSetting(KEYS.tap, JSON.stringify(policy));
}

/** Whether the policy applies to this user at all (enabled, targeted, not excluded). */
export function isTargeted(policy: Pick<AuthenticatorPolicy, 'enabled' | 'target'>, user: Pick<User, 'groups' | 'disabled'>): boolean {
  if (!policy.enabled || user.disabled) return false;
  const inGroup = (groups: string[]) => groups.some((g) => user.groups.includes(g));
  if (inGroup(policy.target.excludeGroups)) return false;
  return policy.target.allUsers || inGroup(policy.target.includeGroups);
}

export interface AuthenticatorRights {
  /** May add the authenticator in My Account. */
  register: boolean;
  /** Gets a number-match push after a correct password. */
  pushMfa: boolean;
  /** Is offered "Use an app instead". */
  passwordless: boolean;
  /** May upgrade a device to passwordless. */
  upgradePasswordless: boolean;
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
