// Setting up a class: the students as users in their own group and an instructor who may
// turn the policy on, read the logs and help (Temporary Access Pass, revoke). Idempotent: a
// second run finds everyone by user name and changes nobody's password. A reset puts a student
// back where the lab starts: no methods, no sessions, the initial password, no lockout.
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import type { Deps } from '../deps.ts';
import { revokeDevice } from '../authenticator/devices.ts';
import { deletePasskey } from '../methods/passkeys.ts';
import { readablePassword } from '../methods/passwords.ts';
import { removePhone } from '../methods/sms.ts';
import { deleteTap } from '../methods/tap.ts';
import { getDefaultMethod, setDefaultMethod } from '../signin/method-order.ts';
import { getAuthenticatorPolicy, setAuthenticatorPolicy } from '../policies/policy.ts';
import type { Role, User } from '../types.ts';
import { createUser, publicUser, setPassword } from '../users/users.ts';
import { readLab, writeLab, type LabRecord } from './lab.ts';

export const LAB_GROUP = 'Lab';
export const LAB_DOMAIN = 'pushkey.test';
/** What the instructor needs: turn the Authenticator policy on (policy admin), read the logs and help students (helpdesk). */
export const INSTRUCTOR_ROLES: Role[] = ['policy_admin', 'helpdesk'];
export const INSTRUCTOR_NAME = 'instructor';

/** Whoever ran the lab command, as the audit log names it. */
export const labActor: Actor = { id: null, upn: 'lab (npm run lab)', ip: '' };

export interface ClassMember {
  displayName: string;
  /** The user name's part before the @, made from the display name when absent. */
  name?: string;
}

export interface SheetRow {
  upn: string;
  displayName: string;
  /** The initial password; null when the account existed and its password is not known to the command. */
  password: string | null;
  /** Created by this run (false: found from an earlier one). */
  created: boolean;
}

export interface LabSheet {
  group: string;
  instructor: SheetRow;
  students: SheetRow[];
}

/** "Ada Lovelace" → "ada.lovelace"; letters and digits only, so that it reads well on paper. */
export function userNameOf(displayName: string): string {
  const name = displayName.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.+|\.+$/g, '');
  return name || 'student';
}

/** "Student 01" … "Student 24": a class of n without names. */
export const numberedClass = (n: number): ClassMember[] =>
  Array.from({ length: n }, (_, i) => ({ displayName: `Student ${String(i + 1).padStart(2, '0')}`, name: `student${String(i + 1).padStart(2, '0')}` }));

/** The user names of a class: made from the names, a duplicate numbered (ada.lovelace, ada.lovelace2). */
export function upnsOf(members: readonly ClassMember[], domain = LAB_DOMAIN): string[] {
  const seen = new Map<string, number>();
  return members.map((m) => {
    const base = m.name ? userNameOf(m.name) : userNameOf(m.displayName);
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return `${n === 1 ? base : `${base}${n}`}@${domain}`;
  });
}

/**
 * Creates what is missing of the lab (instructor, students, the lab record) and finds what an
 * earlier run created. `known` gives the initial passwords the command kept from earlier runs.
 * On the first run the Authenticator policy is turned off, so that turning it on for the class
 * is the instructor's first task.
 */
export async function setUpLab(d: Deps, members: readonly ClassMember[], known: (upn: string) => string | undefined): Promise<LabSheet> {
  if (members.length === 0) throw new PushkeyError('bad_request', 'A class needs at least one student.');
  const earlier = await readLab(d.repo);
  const domain = earlier?.domain ?? LAB_DOMAIN;
  const group = earlier?.group ?? LAB_GROUP;
  const instructor = await findOrCreate(d, { upn: `${INSTRUCTOR_NAME}@${domain}`, displayName: 'Ivy Instructor', roles: INSTRUCTOR_ROLES, groups: [] }, known);
  const students: SheetRow[] = [];
  const lab: LabRecord = earlier ?? { createdAt: d.clock.now(), group, domain, instructorId: instructor.user.id, students: [], clockOffsetMs: 0 };
  for (const [i, upn] of upnsOf(members, domain).entries()) {
    const found = await findOrCreate(d, { upn, displayName: members[i]!.displayName, roles: [], groups: [group] }, known);
    students.push(found.row);
    if (!lab.students.some((s) => s.userId === found.user.id)) lab.students.push({ userId: found.user.id, since: d.clock.now() });
  }
  if (!earlier) {
    const policy = await getAuthenticatorPolicy(d.repo);
    if (policy.enabled) {
      const off = { ...policy, enabled: false };
      await setAuthenticatorPolicy(d.repo, off);
      await audit(d, labActor, 'policy.authenticator.updated', { type: 'policy', id: 'authenticator' }, policy, off);
    }
  }
  await writeLab(d.repo, lab);
  if (!earlier) await audit(d, labActor, 'lab.created', { type: 'lab', id: group }, null, { group, students: lab.students.length, instructor: instructor.row.upn });
  return { group, instructor: instructor.row, students };
}

async function findOrCreate(
  d: Deps,
  u: { upn: string; displayName: string; roles: Role[]; groups: string[] },
  known: (upn: string) => string | undefined,
): Promise<{ user: User; row: SheetRow }> {
  const existing = await d.repo.getUserByUpn(u.upn);
  if (existing) {
    // Someone found in the tenant joins the lab's group (and the instructor gets its roles) without losing what they had.
    const groups = [...new Set([...existing.groups, ...u.groups])];
    const roles = [...new Set([...existing.roles, ...u.roles])];
    if (groups.length !== existing.groups.length || roles.length !== existing.roles.length) {
      await d.repo.updateUser(existing.id, { groups, roles });
      await audit(d, labActor, 'user.updated', { type: 'user', id: existing.id }, publicUser(existing), publicUser({ ...existing, groups, roles }));
    }
    return { user: { ...existing, groups, roles }, row: { upn: existing.upn, displayName: existing.displayName, password: known(existing.upn) ?? null, created: false } };
  }
  const password = readablePassword(d.random);
  const user = await createUser(d, labActor, { upn: u.upn, displayName: u.displayName, password, roles: u.roles, groups: u.groups });
  return { user, row: { upn: user.upn, displayName: user.displayName, password, created: true } };
}

/**
 * Puts students back where the lab starts: every authenticator revoked, passkeys, phone and
 * pass deleted, the default method back to the password, sessions ended, lockout and risk
 * cleared, and the password set again (to `passwordFor`'s, a new one when it gives none). Their
 * board row starts over. `which`: user names, or "all". Answers the new sheet rows.
 */
export async function resetStudents(d: Deps, which: readonly string[] | 'all', passwordFor: (upn: string) => string | undefined): Promise<SheetRow[]> {
  const lab = await readLab(d.repo);
  if (!lab) throw new PushkeyError('not_found', 'No classroom lab was set up here yet: run npm run lab first.');
  const students = (await Promise.all(lab.students.map((s) => d.repo.getUser(s.userId)))).filter((u): u is User => u !== null);
  const chosen = which === 'all' ? students : which.map((name) => findStudent(students, name, lab.domain));
  const rows: SheetRow[] = [];
  for (const user of chosen) {
    for (const device of await d.repo.listUserDevices(user.id)) if (device.revokedAt === null) await revokeDevice(d, labActor, device.id);
    for (const passkey of await d.repo.listUserPasskeys(user.id)) await deletePasskey(d, labActor, user, passkey.id);
    if (await d.repo.getUserPhone(user.id)) await removePhone(d, labActor, user);
    await deleteTap(d, labActor, user);
    const defaultMethod = await getDefaultMethod(d, user.id);
    if (defaultMethod && defaultMethod !== 'password') await setDefaultMethod(d, labActor, user, 'password');
    const password = passwordFor(user.upn) ?? readablePassword(d.random);
    await setPassword(d, labActor, user, password);
    const cleared = { pushFailures: 0, pushPausedUntil: 0, risk: null };
    await d.repo.updateUser(user.id, cleared);
    const since = d.clock.now();
    lab.students = lab.students.map((s) => (s.userId === user.id ? { ...s, since } : s));
    await audit(d, labActor, 'lab.student_reset', { type: 'user', id: user.id }, null, { since });
    rows.push({ upn: user.upn, displayName: user.displayName, password, created: false });
  }
  await writeLab(d.repo, lab);
  return rows;
}

function findStudent(students: User[], name: string, domain: string): User {
  const wanted = (name.includes('@') ? name : `${name}@${domain}`).toLowerCase();
  const user = students.find((u) => u.upn === wanted);
  if (!user) throw new PushkeyError('not_found', `"${name}" is not a student of this lab (user names look like ${students[0]?.upn ?? `student01@${domain}`}).`);
  return user;
}
