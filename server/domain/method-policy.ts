// The policies of the methods a tenant falls back to: passkeys (FIDO2), SMS, and
// registration protection. Stored as JSON settings beside the Authenticator policy, with
// the same targeting rules (all users or groups, exclusions win).
import * as v from 'valibot';
import type { Repository } from '../storage/repository.ts';
import { AuthenticatorPolicy, isTargeted } from './policy.ts';
import type { User } from './types.ts';

const Target = AuthenticatorPolicy.entries.target;

export const PasskeyPolicy = v.object({
  enabled: v.boolean(),
  target: Target,
  /** required: the authenticator must verify the person (PIN, biometrics); preferred: asked, not enforced. */
  userVerification: v.picklist(['required', 'preferred']),
  /** What registration asks the authenticator to prove about its make. none (default): nothing, any passkey is accepted. */
  attestation: v.picklist(['none', 'direct']),
});
export type PasskeyPolicy = v.InferOutput<typeof PasskeyPolicy>;

export const DEFAULT_PASSKEY_POLICY: PasskeyPolicy = {
  enabled: true,
  target: { allUsers: true, includeGroups: [], excludeGroups: [] },
  userVerification: 'preferred',
  attestation: 'none',
};

export const SmsPolicy = v.object({
  enabled: v.boolean(),
  target: Target,
  /** SMS sign-in (the code alone, a single factor) besides SMS as a second factor after the password. */
  useForSignIn: v.boolean(),
});
export type SmsPolicy = v.InferOutput<typeof SmsPolicy>;

export const DEFAULT_SMS_POLICY: SmsPolicy = {
  enabled: true,
  target: { allUsers: true, includeGroups: [], excludeGroups: [] },
  useForSignIn: true,
};

export const RegistrationPolicy = v.object({
  /**
   * false (default, the seed's flow): a password alone may add the first method.
   * true (strict): adding any method needs a multifactor session or a Temporary Access Pass.
   */
  strict: v.boolean(),
});
export type RegistrationPolicy = v.InferOutput<typeof RegistrationPolicy>;
export const DEFAULT_REGISTRATION_POLICY: RegistrationPolicy = { strict: false };

async function load<T extends object>(repo: Repository, key: string, fallback: T): Promise<T> {
  const text = await repo.getSetting(key);
  return text ? { ...fallback, ...(JSON.parse(text) as T) } : fallback;
}

export const getPasskeyPolicy = (repo: Repository) => load(repo, 'policy.passkey', DEFAULT_PASSKEY_POLICY);
export const setPasskeyPolicy = (repo: Repository, p: PasskeyPolicy) => repo.setSetting('policy.passkey', JSON.stringify(p));
export const getSmsPolicy = (repo: Repository) => load(repo, 'policy.sms', DEFAULT_SMS_POLICY);
export const setSmsPolicy = (repo: Repository, p: SmsPolicy) => repo.setSetting('policy.sms', JSON.stringify(p));
export const getRegistrationPolicy = (repo: Repository) => load(repo, 'policy.registration', DEFAULT_REGISTRATION_POLICY);
export const setRegistrationPolicy = (repo: Repository, p: RegistrationPolicy) => repo.setSetting('policy.registration', JSON.stringify(p));

/** Whether a method policy applies to the user (enabled, targeted, not excluded, not disabled). */
export const targets = (p: Pick<PasskeyPolicy, 'enabled' | 'target'>, user: Pick<User, 'groups' | 'disabled'>): boolean => isTargeted(p, user);
