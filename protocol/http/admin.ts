// The admin portal's users: search, create, change, reset a password, and what helpdesk
// does to a user's methods (Temporary Access Pass, revoke a device, remove a passkey or phone).
import * as v from 'valibot';
import { Id } from '../fields.ts';
import { DeviceView, TapView } from './me.ts';
import { DefaultMethod, PasskeyView, PhoneView } from './methods.ts';
import { route } from './route.ts';
import { NewPassword, NewUser, PublicUser, UserPatch } from './users.ts';
import { Done, IdParam, QNum } from './values.ts';
import { AcrValue, WhatIf } from './what-if.ts';

export const IssueTap = v.object({
  lifetimeMinutes: v.optional(v.pipe(v.number(), v.integer())),
  oneTime: v.optional(v.boolean()),
  startsAt: v.optional(v.pipe(v.number(), v.safeInteger())),
});
export type IssueTap = v.InferOutput<typeof IssueTap>;

export const UserMethods = v.object({ devices: v.array(DeviceView), tap: v.nullable(TapView) });
export type UserMethods = v.InferOutput<typeof UserMethods>;
export const UserSignInMethods = v.object({ passkeys: v.array(PasskeyView), phone: v.nullable(PhoneView), defaultMethod: v.nullable(DefaultMethod) });
export type UserSignInMethods = v.InferOutput<typeof UserSignInMethods>;

const STAFF = ['helpdesk', 'policy_admin'] as const;

export const adminRoutes = {
  users: route({
    method: 'GET', path: '/api/admin/users', summary: 'Searches users by name.', subject: 'user search', access: STAFF,
    query: v.object({
      q: v.optional(v.pipe(v.string(), v.maxLength(100)), ''),
      limit: v.optional(QNum(1, 500), '100'),
      offset: v.optional(QNum(0, 1_000_000), '0'),
    }),
    answer: v.object({ users: v.array(PublicUser) }),
  }),
  createUser: route({
    method: 'POST', path: '/api/admin/users', summary: 'Creates a user.', subject: 'new user', access: ['global_admin'],
    body: NewUser, answer: PublicUser, status: 201,
  }),
  user: route({
    method: 'GET', path: '/api/admin/users/:id', summary: 'One user.', subject: 'user', access: STAFF, params: IdParam, answer: PublicUser,
  }),
  updateUser: route({
    method: 'PATCH', path: '/api/admin/users/:id', summary: 'Changes a user\'s name, groups, roles or state, or clears a lockout.',
    subject: 'user change', access: ['global_admin'], params: IdParam, body: UserPatch, answer: PublicUser,
  }),
  resetPassword: route({
    method: 'POST', path: '/api/admin/users/:id/password', summary: 'Sets a new password and ends the user\'s sessions.',
    subject: 'password reset', access: ['helpdesk'], params: IdParam, body: v.object({ password: NewPassword }), answer: Done('reset'),
  }),
  methods: route({
    method: 'GET', path: '/api/admin/users/:id/methods', summary: 'A user\'s authenticators (revoked ones too) and Temporary Access Pass.',
    subject: 'user', access: ['helpdesk'], params: IdParam, answer: UserMethods,
  }),
  issueTap: route({
    method: 'POST', path: '/api/admin/users/:id/tap', summary: 'Issues a Temporary Access Pass, shown once; replaces an earlier one.',
    subject: 'Temporary Access Pass', access: ['helpdesk'], params: IdParam, body: IssueTap,
    answer: v.object({ pass: v.string(), tap: TapView }), status: 201,
  }),
  deleteTap: route({
    method: 'DELETE', path: '/api/admin/users/:id/tap', summary: 'Deletes the user\'s Temporary Access Pass.', subject: 'user',
    access: ['helpdesk'], params: IdParam, answer: Done('deleted'),
  }),
  revokeDevice: route({
    method: 'DELETE', path: '/api/admin/devices/:id', summary: 'Revokes an authenticator (a lost device).', subject: 'device',
    access: ['helpdesk'], params: IdParam, answer: Done('revoked'),
  }),
  signInMethods: route({
    method: 'GET', path: '/api/admin/users/:id/sign-in-methods', summary: 'A user\'s passkeys, phone and default method.', subject: 'user',
    access: ['helpdesk'], params: IdParam, answer: UserSignInMethods,
  }),
  deletePasskey: route({
    method: 'DELETE', path: '/api/admin/users/:id/passkeys/:passkeyId', summary: 'Deletes one of a user\'s passkeys.', subject: 'passkey',
    access: ['helpdesk'], params: v.object({ id: Id, passkeyId: Id }), answer: Done('deleted'),
  }),
  whatIf: route({
    method: 'GET', path: '/api/admin/users/:id/what-if',
    summary: 'Policy what-if: the ways in a sign-in offers this user now, in order, what follows the password, what the push shows, and which policy and rule decided each method; with acr, for an app that asks for that level.',
    subject: 'what-if', access: STAFF, params: IdParam, query: v.object({ acr: v.optional(AcrValue) }), answer: WhatIf,
  }),
  deletePhone: route({
    method: 'DELETE', path: '/api/admin/users/:id/phone', summary: 'Removes a user\'s phone number.', subject: 'user',
    access: ['helpdesk'], params: IdParam, answer: Done('deleted'),
  }),
};
