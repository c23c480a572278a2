// Every policy of the tenant in one registry: its name and schema (protocol/http/policies.ts)
// and its defaults here. Stored as a JSON setting each; read through one function that
// parses what is stored, so a stored value never reaches the rules unchecked.
import * as v from 'valibot';
import type { AuditAction } from '../../../protocol/audit-actions.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { POLICIES, type Policies, type PolicyName } from '../../../protocol/http/policies.ts';
import type { Repository } from '../../storage/repository.ts';
import { audit } from '../monitoring/audit.ts';
import type { Caller } from '../admin/caller.ts';
import type { Deps } from '../deps.ts';

const ALL_USERS = { allUsers: true, includeGroups: [], excludeGroups: [] };

export const POLICY_DEFAULTS: Policies = {
  authenticator: {
    enabled: true,
    target: ALL_USERS,
    mode: 'any',
    numberLength: 2,
    showApplication: true,
    showLocation: true,
    minClientVersion: '0.0.0',
    requestLifetimeSeconds: 90,
    maxNumberFailures: 5,
    requireAppLock: false,
  },
  tap: { enabled: true, minLifetimeMinutes: 10, maxLifetimeMinutes: 480, defaultLifetimeMinutes: 60, oneTimeByDefault: true, length: 8 },
  monitoring: {
    fatigueCount: 3,
    fatigueWindowMinutes: 10,
    throttleOutstanding: 3,
    throttlePerWindow: 10,
    throttleWindowMinutes: 10,
    alertNewLocation: true,
    retentionDays: 30,
    reportPauseMinutes: 60,
  },
  passkey: { enabled: true, target: ALL_USERS, userVerification: 'preferred', attestation: 'none' },
  // SMS sign-in (the code alone) off: a text message is a restricted authenticator (NIST SP
  // 800-63B-4), and a code alone must not sign in a user who has push or a passkey.
  sms: { enabled: true, target: ALL_USERS, useForSignIn: false },
  // A password alone adds the first method for a week after the account is created or reset:
  // long enough to onboard, short enough that a password phished later cannot bind a device.
  registration: { strict: false, onboardingDays: 7 },
};

const settingKey = (name: PolicyName) => `policy.${name}`;

/** What the audit log calls a change of each policy (spelled out: the audit words test reads them). */
const CHANGED = {
  authenticator: { action: 'policy.authenticator.updated' },
  tap: { action: 'policy.tap.updated' },
  monitoring: { action: 'policy.monitoring.updated' },
  passkey: { action: 'policy.passkey.updated' },
  sms: { action: 'policy.sms.updated' },
  registration: { action: 'policy.registration.updated' },
} as const satisfies Record<PolicyName, { action: AuditAction }>;

/**
 * The last text parsed for each policy and what it parsed to: a sign-in reads the same few
 * policies many times, and parsing is a function of the text alone. One parsed object serves
 * every reader, frozen: a caller changes a copy ({ ...policy, ...patch }), never the shared one.
 */
const parsedTexts = new Map<PolicyName, { text: string; policy: unknown }>();

/** The stored policy over its defaults (a key added since it was saved takes its default). */
export async function readPolicy<N extends PolicyName>(repo: Repository, name: N): Promise<Policies[N]> {
  const text = await repo.getSetting(settingKey(name));
  if (!text) return POLICY_DEFAULTS[name];
  const last = parsedTexts.get(name);
  if (last?.text === text) return last.policy as Policies[N];
  const policy = deepFreeze(parsePolicy(name, text));
  parsedTexts.set(name, { text, policy });
  return policy;
}

function parsePolicy<N extends PolicyName>(name: N, text: string): Policies[N] {
  const stored: unknown = JSON.parse(text);
  const merged = typeof stored === 'object' && stored !== null ? { ...POLICY_DEFAULTS[name], ...stored } : stored;
  const parsed = v.safeParse(POLICIES[name].schema, merged);
  if (!parsed.success) throw new PushkeyError('internal', `The stored ${POLICIES[name].label} does not parse: ${parsed.issues[0].message}`);
  return parsed.output as Policies[N];
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value)) deepFreeze(field);
    Object.freeze(value);
  }
  return value;
}

export async function writePolicy<N extends PolicyName>(repo: Repository, name: N, policy: Policies[N]): Promise<void> {
  await repo.setSetting(settingKey(name), JSON.stringify(policy));
}

/** A policy admin's change: stored and audited with what it was before. */
export async function savePolicy<N extends PolicyName>(d: Deps, c: Caller, name: N, next: Policies[N]): Promise<Policies[N]> {
  const before = await readPolicy(d.repo, name);
  await writePolicy(d.repo, name, next);
  await audit(d, c.actor, CHANGED[name].action, { type: 'policy', id: name }, before, next);
  return next;
}
