// The policy routes, one pair per policy of the registry: read, and replace (audited).
import { api } from '../../../protocol/http/index.ts';
import type { PolicyName } from '../../../protocol/http/policies.ts';
import { readPolicy, savePolicy } from '../../domain/policies/policy-registry.ts';
import type { Handlers } from './mount.ts';

type PolicyRoutes = typeof api.policies;

export const policyHandlers: { [N in PolicyName]: Handlers<PolicyRoutes[N]> } = {
  authenticator: { read: ({ d }) => readPolicy(d.repo, 'authenticator'), save: ({ d, caller, body }) => savePolicy(d, caller, 'authenticator', body) },
  tap: { read: ({ d }) => readPolicy(d.repo, 'tap'), save: ({ d, caller, body }) => savePolicy(d, caller, 'tap', body) },
  monitoring: { read: ({ d }) => readPolicy(d.repo, 'monitoring'), save: ({ d, caller, body }) => savePolicy(d, caller, 'monitoring', body) },
  passkey: { read: ({ d }) => readPolicy(d.repo, 'passkey'), save: ({ d, caller, body }) => savePolicy(d, caller, 'passkey', body) },
  sms: { read: ({ d }) => readPolicy(d.repo, 'sms'), save: ({ d, caller, body }) => savePolicy(d, caller, 'sms', body) },
  registration: { read: ({ d }) => readPolicy(d.repo, 'registration'), save: ({ d, caller, body }) => savePolicy(d, caller, 'registration', body) },
};
