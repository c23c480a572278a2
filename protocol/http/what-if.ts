// The policy what-if: for one user, the ways in that sign-in offers them and in which order,
// what follows the password, what the push prompt shows, and for each method the policy and
// the rule that decided. The server builds it from the same functions sign-in runs.
import * as v from 'valibot';
import { ACR } from '../acr.ts';
import { DefaultMethod } from './methods.ts';
import { SecondFactor, SignInMethod } from './signin.ts';
import { Time } from './values.ts';

/** The level an app may ask for (acr_values), to see what an app that asks for it gets. */
export const AcrValue = v.picklist([ACR.sfa, ACR.mfa, ACR.phr]);

/** The policies that decide who gets which method, by their registry names (protocol/http/policies.ts). */
export const DecidingPolicy = v.picklist(['authenticator', 'tap', 'passkey', 'sms']);

export const WHAT_IF_RULES = [
  // A policy's target (server/domain/policies/policy.ts targetingOf), in the order they apply.
  'policy_off',
  'user_disabled',
  'excluded_group',
  'all_users',
  'included_group',
  'not_included',
  // The Authenticator policy's mode, and what the user set up.
  'mode_push',
  'mode_passwordless',
  'no_device',
  'not_passwordless',
  'no_passkey',
  'no_phone',
  'phone_unverified',
  /** The SMS policy's "Use for sign-in" is off: a code is a second factor only. */
  'sms_signin_off',
  /** SMS sign-in never stands in for an authenticator or a passkey the user has. */
  'stronger_method',
  'tap_none',
  'tap_used',
  'tap_expired',
  'tap_not_yet_valid',
  'tap_active',
  /** The password: every account has one. */
  'always',
  /** The app asked for a level this method does not reach. */
  'acr',
] as const;
export const WhatIfRule = v.picklist(WHAT_IF_RULES);
export type WhatIfRule = v.InferOutput<typeof WhatIfRule>;

/** One method, offered or not, and why. */
export const MethodVerdict = v.object({
  method: v.picklist(['password', 'passwordless', 'tap', 'passkey', 'sms', 'authenticator']),
  available: v.boolean(),
  /** The policy whose rule decided; null for the password. */
  policy: v.nullable(DecidingPolicy),
  rule: WhatIfRule,
  /** The group the rule names (included or excluded), if any. */
  group: v.nullable(v.string()),
  /** The reason in words. */
  why: v.string(),
  /** Offered, but the step would still be refused now (an app too old, pushes paused): the error the sign-in answers. */
  refused: v.nullable(v.object({ error: v.string(), message: v.string() })),
});
export type MethodVerdict = v.InferOutput<typeof MethodVerdict>;

export const WhatIf = v.object({
  user: v.object({ id: v.string(), upn: v.string(), displayName: v.string(), groups: v.array(v.string()) }),
  /** The server time the answer holds for (a pass expires, a pause ends). */
  at: Time,
  acr: v.nullable(AcrValue),
  /** The account cannot sign in at all now (disabled, locked out): what every step answers. */
  blocked: v.nullable(v.object({ error: v.string(), message: v.string() })),
  /** What the sign-in page offers after the user name: the same for every name, whoever it names. */
  page: v.array(SignInMethod),
  /** The ways in that work for this user, in the order they are preferred. */
  waysIn: v.array(SignInMethod),
  /** Every first-factor method: the ones in waysIn in that order, then the others. */
  signIn: v.array(MethodVerdict),
  /** What the password step answers once the password is right. */
  afterPassword: v.object({
    /** mfa_required: the push goes out at once; second_factor: the page asks for the first of secondFactors; signed_in: the password alone; step_up_required: the app asked for more than the user can give. */
    next: v.picklist(['mfa_required', 'second_factor', 'signed_in', 'step_up_required']),
    secondFactors: v.array(SecondFactor),
    /** The page may say the user holds a usable Temporary Access Pass. */
    tapUsable: v.boolean(),
    /**
     * The push that would go out at once is refused now, and why: with other second factors or a
     * pass, the password step asks for those (second_factor, this reason shown); without, it
     * answers this error.
     */
    refused: v.nullable(v.object({ error: v.string(), message: v.string() })),
  }),
  /** Every second factor after a password, offered or not: the offered ones in order, then the others. */
  secondFactors: v.array(MethodVerdict),
  /** The default the user chose in My Account, and whether it changes the order. */
  defaultMethod: v.object({ method: v.nullable(DefaultMethod), applies: v.boolean(), why: v.string() }),
  /** What a sign-in push shows on the user's devices, by the Authenticator policy. */
  prompt: v.object({
    numberLength: v.number(),
    application: v.boolean(),
    location: v.boolean(),
    appLock: v.boolean(),
    lifetimeSeconds: v.number(),
    minClientVersion: v.string(),
    devices: v.array(v.object({ name: v.string(), clientVersion: v.string(), passwordless: v.boolean(), upToDate: v.boolean() })),
  }),
});
export type WhatIf = v.InferOutput<typeof WhatIf>;
