// The policies of the methods a tenant falls back to: passkeys (FIDO2), SMS, and
// registration protection. Stored as JSON settings beside the Authenticator policy, with
// the same targeting rules (all users or groups, exclusions win).
import type { PasskeyPolicy, RegistrationPolicy, SmsPolicy } from '../../../protocol/http/policies.ts';
import type { Repository } from '../../storage/repository.ts';
import { isTargeted } from '../policies/policy.ts';
import { POLICY_DEFAULTS, readPolicy, writePolicy } from '../policies/policy-registry.ts';
import type { User } from '../types.ts';

export { PasskeyPolicy, RegistrationPolicy, SmsPolicy } from '../../../protocol/http/policies.ts';

export const DEFAULT_PASSKEY_POLICY = POLICY_DEFAULTS.passkey;
export const DEFAULT_SMS_POLICY = POLICY_DEFAULTS.sms;
export const DEFAULT_REGISTRATION_POLICY = POLICY_DEFAULTS.registration;

export const getPasskeyPolicy = (repo: Repository) => readPolicy(repo, 'passkey');
export const setPasskeyPolicy = (repo: Repository, p: PasskeyPolicy) => writePolicy(repo, 'passkey', p);
export const getSmsPolicy = (repo: Repository) => readPolicy(repo, 'sms');
export const setSmsPolicy = (repo: Repository, p: SmsPolicy) => writePolicy(repo, 'sms', p);
export const getRegistrationPolicy = (repo: Repository) => readPolicy(repo, 'registration');
export const setRegistrationPolicy = (repo: Repository, p: RegistrationPolicy) => writePolicy(repo, 'registration', p);

/** Whether a method policy applies to the user (enabled, targeted, not excluded, not disabled). */
export const targets = (p: Pick<PasskeyPolicy, 'enabled' | 'target'>, user: Pick<User, 'groups' | 'disabled'>): boolean => isTargeted(p, user);
