// People: roles, the public view of a user, and what creating or changing one takes.
import * as v from 'valibot';
import { Label } from '../fields.ts';
import { Time } from './values.ts';

export const ROLES = ['user', 'helpdesk', 'policy_admin', 'global_admin'] as const;
export const Role = v.picklist(ROLES);
export type Role = v.InferOutput<typeof Role>;

export const Upn = v.pipe(
  v.string(),
  v.trim(),
  v.toLowerCase(),
  v.maxLength(254),
  v.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'a user name looks like name@domain'),
);
// NIST SP 800-63B-4 §3.1.1.2: at least 8 characters (15 when single-factor), at most 64 or more accepted.
export const NewPassword = v.pipe(v.string(), v.minLength(8, 'a password has at least 8 characters'), v.maxLength(256));
const Groups = v.pipe(v.array(v.pipe(Label(64), v.minLength(1))), v.maxLength(50));
const DisplayName = v.pipe(Label(128), v.trim(), v.minLength(1, 'a display name is required'));

export const NewUser = v.object({
  upn: Upn,
  displayName: DisplayName,
  password: NewPassword,
  groups: v.optional(Groups, []),
  roles: v.optional(v.array(Role), ['user']),
});
export type NewUser = v.InferOutput<typeof NewUser>;

export const UserPatch = v.object({
  displayName: v.optional(DisplayName),
  groups: v.optional(Groups),
  roles: v.optional(v.array(Role)),
  disabled: v.optional(v.boolean()),
  /** Clears a lockout. */
  unlock: v.optional(v.boolean()),
  /** Clears the at-risk mark a report left, and the pause of pushes with it. */
  clearRisk: v.optional(v.boolean()),
});
export type UserPatch = v.InferOutput<typeof UserPatch>;

export const PublicUser = v.object({
  id: v.string(),
  upn: v.string(),
  displayName: v.string(),
  groups: v.array(v.string()),
  roles: v.array(Role),
  disabled: v.boolean(),
  createdAt: Time,
  lockedUntil: Time,
  /** After "No, it's not me": no push reaches the user before this time. */
  pushPausedUntil: Time,
  /** Where the onboarding window starts: the account's creation, or the helpdesk's last password reset. */
  onboardingFrom: Time,
  /** At risk since a report, and why, until an admin clears it; null when not. */
  risk: v.nullable(v.object({ since: Time, detail: v.string() })),
});
export type PublicUser = v.InferOutput<typeof PublicUser>;
