// The demo tenant, created on first start: an admin of each kind and users in two groups.
// Passwords are random and returned once so that main.ts can print them; tests pass their own.
import { toB64u } from '../protocol/encoding.ts';
import { systemActor } from './domain/monitoring/audit.ts';
import type { Deps } from './domain/deps.ts';
import { TENANT_SETTING } from './domain/authenticator/enrollment.ts';
import { DEFAULT_AUTHENTICATOR_POLICY, DEFAULT_TAP_POLICY, setAuthenticatorPolicy, setTapPolicy } from './domain/policies/policy.ts';
import type { Role } from './domain/types.ts';
import { createUser } from './domain/users/users.ts';
import { readablePassword } from './domain/methods/passwords.ts';

export const DEMO_DOMAIN = 'pushkey.test';
export const DEMO_TENANT = 'pushkey Lab';

export const DEMO_USERS: ReadonlyArray<{ name: string; displayName: string; roles: Role[]; groups: string[] }> = [
  { name: 'admin', displayName: 'Ada Admin', roles: ['global_admin'], groups: [] },
  { name: 'policy', displayName: 'Pat Policy', roles: ['policy_admin'], groups: [] },
  { name: 'helpdesk', displayName: 'Hal Helpdesk', roles: ['helpdesk'], groups: [] },
  { name: 'alice', displayName: 'Alice Adams', roles: ['user'], groups: ['Pilot'] },
  { name: 'bob', displayName: 'Bob Brown', roles: ['user'], groups: ['Pilot'] },
  { name: 'carol', displayName: 'Carol Chen', roles: ['user'], groups: ['Staff'] },
  { name: 'dave', displayName: 'Dave Diaz', roles: ['user'], groups: ['Staff'] },
];

const SEEDED = 'seeded_at';

export interface SeededUser {
  upn: string;
  password: string;
  displayName: string;
  roles: Role[];
  groups: string[];
}

/** Seeds the tenant once. Returns the credentials when it seeded, null when the tenant already existed. */
export async function seedDemoTenant(d: Deps, passwords?: (name: string) => string): Promise<SeededUser[] | null> {
  // Claimed before seeding, so that instances starting together on one database seed once.
  const claim = `${d.clock.now()}:${toB64u(d.random.bytes(9))}`;
  if ((await d.repo.initSetting(SEEDED, claim)) !== claim) return null;
  await d.repo.setSetting(TENANT_SETTING, DEMO_TENANT);
  await setAuthenticatorPolicy(d.repo, DEFAULT_AUTHENTICATOR_POLICY);
  await setTapPolicy(d.repo, DEFAULT_TAP_POLICY);
  const out: SeededUser[] = [];
  for (const u of DEMO_USERS) {
    const upn = `${u.name}@${DEMO_DOMAIN}`;
    const password = passwords?.(u.name) ?? readablePassword(d.random);
    await createUser(d, systemActor, { upn, displayName: u.displayName, password, roles: u.roles, groups: u.groups });
    out.push({ upn, password, displayName: u.displayName, roles: u.roles, groups: u.groups });
  }
  return out;
}

/** Where a start that has no terminal leaves the demo passwords, in DATA_DIR. */
export const DEMO_PASSWORDS_FILE = 'demo-passwords.txt';

/** One line per seeded account: its name, password, roles and groups. */
export const seededLines = (seeded: SeededUser[]): string[] =>
  seeded.map((u) => `  ${u.upn.padEnd(24)} ${u.password}   ${u.roles.join(', ')}${u.groups.length ? ` (groups: ${u.groups.join(', ')})` : ''}`);
