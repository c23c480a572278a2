// The policy what-if: for one user, what sign-in offers them and why. Every yes or no comes
// from the function sign-in itself runs (userSignInMethods, secondFactorsAfterPassword, the
// rights of each method, createChallenge's refusals); the reasons come from the same rules
// (targetingOf, the policy's mode, what the user registered). Where a reason and the decision
// disagree the answer is an error, not a guess: the page must never say what sign-in does not do.
import { PushkeyError } from '../../../protocol/errors.ts';
import { methodName } from '../../../protocol/method-names.ts';
import { POLICIES } from '../../../protocol/http/policies.ts';
import type { DefaultMethod } from '../../../protocol/http/methods.ts';
import type { SecondFactor, SignInMethod } from '../../../protocol/http/signin.ts';
import type { MethodVerdict, WhatIf, WhatIfRule } from '../../../protocol/http/what-if.ts';
import { ACR, type Acr } from '../apps/assurance.ts';
import { devicesRefusal, isUpToDate, pausedRefusal, promptOf } from '../authenticator/challenges.ts';
import { utcMinute, type Deps } from '../deps.ts';
import { getPasskeyPolicy, getSmsPolicy } from '../methods/method-policy.ts';
import { hasStrongerMethod, maskNumber } from '../methods/sms.ts';
import { tapView } from '../methods/tap.ts';
import { getDefaultMethod, SIGN_IN_ORDER, SECOND_FACTOR_ORDER } from '../signin/method-order.ts';
import { meetsRequirement, offeredMethods, onlyPasskeyAfterPassword, secondFactorsAfterPassword, tapUsableAfterPassword, userSignInMethods } from '../signin/signin.ts';
import type { Device, User } from '../types.ts';
import { assertCanSignIn, requireUser } from '../users/users.ts';
import { getAuthenticatorPolicy, getTapPolicy, mayAnswer, targetingOf, type AuthenticatorPolicy, type Targeting } from './policy.ts';

type Method = MethodVerdict['method'];
type Policy = NonNullable<MethodVerdict['policy']>;
/** A reason before the decision is known: whether the rules say yes, the rule, its words. */
type Reason = { yes: boolean; policy: Policy | null; rule: WhatIfRule; group?: string | null; why: string };

const label = (p: Policy) => POLICIES[p].label;
const ACR_WORDS: Record<Acr, string> = { [ACR.sfa]: 'one factor', [ACR.mfa]: 'two factors', [ACR.phr]: 'a phishing-resistant sign-in (a passkey)' };
const MODE_WORDS: Record<AuthenticatorPolicy['mode'], string> = { any: 'Any', push: 'Push', passwordless: 'Passwordless' };

/** A policy's target in words, rule by rule as targetingOf decides. */
function targetReason(policy: Policy, t: Targeting, include: string[]): Reason {
  const name = label(policy);
  const words: Record<Targeting['rule'], string> = {
    policy_off: `The ${name} is turned off.`,
    user_disabled: 'Sign-in is blocked for this account, so no policy applies to it.',
    excluded_group: `The ${name} excludes the group “${t.group}”, and the user is in it (exclusions win).`,
    all_users: `The ${name} targets all users.`,
    included_group: `The ${name} targets the group “${t.group}”, and the user is in it.`,
    not_included: `The ${name} targets only ${include.map((g) => `“${g}”`).join(', ') || 'no group'}, and the user is in none of them.`,
  };
  return { yes: t.targeted, policy, rule: t.rule, group: t.group, why: words[t.rule] };
}

/** Then: the target's reason when it says no, else the first rule that says no, else yes with every reason. */
const first = (target: Reason, ...rest: Array<Reason | null>): Reason => {
  if (!target.yes) return target;
  const no = rest.find((r): r is Reason => r !== null && !r.yes);
  if (no) return no;
  const yes = rest.filter((r): r is Reason => r !== null);
  return { ...target, why: [target.why, ...yes.map((r) => r.why)].join(' ') };
};

const activeOf = (devices: Device[]) => devices.filter((x) => x.revokedAt === null);
const names = (xs: Array<{ name: string }>) => xs.map((x) => `“${x.name}”`).join(', ');

function authenticatorReason(policy: AuthenticatorPolicy, user: User, devices: Device[], kind: 'passwordless' | 'mfa'): Reason {
  const target = targetReason('authenticator', targetingOf(policy, user), policy.target.includeGroups);
  const active = activeOf(devices);
  const modeNo =
    kind === 'passwordless' && policy.mode === 'push'
      ? 'The Authenticator policy’s mode is Push: the app approves after a password, and “Use an app instead” is not offered.'
      : kind === 'mfa' && policy.mode === 'passwordless'
        ? 'The Authenticator policy’s mode is Passwordless: the app signs in without a password, and sends no push after one.'
        : null;
  const mode: Reason = modeNo
    ? { yes: false, policy: 'authenticator', rule: kind === 'passwordless' ? 'mode_push' : 'mode_passwordless', why: modeNo }
    : { yes: true, policy: 'authenticator', rule: target.rule, why: `Its mode is ${MODE_WORDS[policy.mode]}${policy.requireAppLock ? ', and an approval needs the app lock (PIN): two factors' : ''}.` };
  const device: Reason =
    active.length === 0
      ? { yes: false, policy: 'authenticator', rule: 'no_device', why: devices.length ? 'Every authenticator of the user is revoked.' : 'The user has not added the Authenticator app.' }
      : { yes: true, policy: 'authenticator', rule: target.rule, why: `Active authenticator: ${names(active)}.` };
  const upgraded = active.filter((x) => x.passwordless);
  const passwordless: Reason | null =
    kind !== 'passwordless'
      ? null
      : upgraded.length === 0
        ? { yes: false, policy: 'authenticator', rule: 'not_passwordless', why: 'The user’s authenticator is not set up for passwordless sign-in (the extension’s “Set up passwordless sign-in”).' }
        : { yes: true, policy: 'authenticator', rule: target.rule, why: `Set up for passwordless: ${names(upgraded)}.` };
  return first(target, mode, device, passwordless);
}

async function passkeyReason(d: Deps, user: User): Promise<Reason> {
  const policy = await getPasskeyPolicy(d.repo);
  const passkeys = await d.repo.listUserPasskeys(user.id);
  const has: Reason =
    passkeys.length === 0
      ? { yes: false, policy: 'passkey', rule: 'no_passkey', why: 'The user has no passkey registered.' }
      : { yes: true, policy: 'passkey', rule: 'all_users', why: `Passkeys: ${names(passkeys)}.` };
  return first(targetReason('passkey', targetingOf(policy, user), policy.target.includeGroups), has);
}

async function smsReason(d: Deps, user: User, asSignIn: boolean): Promise<Reason> {
  const policy = await getSmsPolicy(d.repo);
  const phone = await d.repo.getUserPhone(user.id);
  const ready: Reason = !phone
    ? { yes: false, policy: 'sms', rule: 'no_phone', why: 'The user has no phone number for SMS.' }
    : !phone.verifiedAt
      ? { yes: false, policy: 'sms', rule: 'phone_unverified', why: `The phone number ${maskNumber(phone.number)} is not verified yet.` }
      : { yes: true, policy: 'sms', rule: 'all_users', why: `Verified phone: ${maskNumber(phone.number)}.` };
  const alone: Reason | null = !asSignIn
    ? null
    : !policy.useForSignIn
      ? { yes: false, policy: 'sms', rule: 'sms_signin_off', why: 'The SMS policy’s “Use for sign-in” is off: a texted code is a second factor after the password, never a way in alone.' }
      : (await hasStrongerMethod(d, user))
        ? { yes: false, policy: 'sms', rule: 'stronger_method', why: 'The user has an authenticator or a passkey: a texted code alone (a restricted factor) does not sign in where a stronger method exists.' }
        : { yes: true, policy: 'sms', rule: 'all_users', why: 'Use for sign-in is on, and the user has no stronger method.' };
  return first(targetReason('sms', targetingOf(policy, user), policy.target.includeGroups), ready, alone);
}

async function tapReason(d: Deps, user: User): Promise<Reason> {
  const policy = await getTapPolicy(d.repo);
  const tap = await d.repo.getUserTap(user.id);
  const no = (rule: WhatIfRule, why: string): Reason => ({ yes: false, policy: 'tap', rule, why });
  if (!policy.enabled) return no('policy_off', `The ${label('tap')} is turned off.`);
  if (!tap) return no('tap_none', 'The user holds no Temporary Access Pass.');
  const view = tapView(tap, d.clock.now());
  if (view.state === 'used') return no('tap_used', `The user’s one-time pass was used ${utcMinute(tap.usedAt!)}.`);
  if (view.state === 'expired') return no('tap_expired', `The user’s pass expired ${utcMinute(tap.expiresAt)}.`);
  if (view.state === 'not_yet_valid') return no('tap_not_yet_valid', `The user’s pass is valid from ${utcMinute(tap.startsAt)}.`);
  const use = tap.oneTime ? 'one sign-in' : 'any number of sign-ins';
  return { yes: true, policy: 'tap', rule: 'tap_active', why: `The helpdesk issued a pass, valid until ${utcMinute(tap.expiresAt)} for ${use}; a usable pass always comes first.` };
}

/**
 * The verdict: the decision sign-in makes, with the rules' reason for it, or with the app's level
 * when that alone took the method away (`acrWhy`).
 */
function verdict(method: Method, decided: boolean, reason: Reason, acrWhy: string | null, refused: PushkeyError | null = null): MethodVerdict {
  const base = { method, available: decided, policy: reason.policy, rule: reason.rule, group: reason.group ?? null, why: reason.why, refused: null };
  if (reason.yes && !decided && acrWhy) return { ...base, rule: 'acr', group: null, why: acrWhy };
  if (reason.yes !== decided) {
    throw new PushkeyError('internal', `The what-if's reason for ${method} (${reason.rule}) disagrees with what sign-in decides (${decided ? 'offered' : 'not offered'}).`);
  }
  return { ...base, refused: decided ? asRefusal(refused) : null };
}

const asRefusal = (err: PushkeyError | null) => (err ? { error: err.code, message: err.message } : null);

/** The offered ones in their order, then the others in the system's order. */
const ordered = <T extends Method>(offered: readonly T[], all: readonly T[]): T[] => [...offered, ...all.filter((m) => !offered.includes(m))];

function defaultReason(method: DefaultMethod | null, waysIn: SignInMethod[], second: SecondFactor[]): WhatIf['defaultMethod'] {
  if (!method) return { method, applies: false, why: 'The user has not chosen a default method in My Account: the system’s order applies.' };
  const asWayIn = method === 'authenticator' ? 'passwordless' : method;
  const applies = method !== 'password' && ((waysIn as string[]).includes(asWayIn) || (second as string[]).includes(method));
  return {
    method,
    applies,
    why: applies
      ? `The user chose ${methodName(method)} as their default in My Account: it comes first (after a usable Temporary Access Pass).`
      : `The user chose ${methodName(method)} as their default, but it is not offered to them now: the system’s order applies.`,
  };
}

/** What sign-in offers this user now, in which order, and why; with `acr`, for an app that asks for that level. */
export async function whatIf(d: Deps, userId: string, acr: Acr | null = null): Promise<WhatIf> {
  const user = await requireUser(d, userId);
  const [policy, devices] = await Promise.all([getAuthenticatorPolicy(d.repo), d.repo.listUserDevices(user.id)]);
  let blocked: PushkeyError | null = null;
  try {
    assertCanSignIn(d, user);
  } catch (err) {
    if (!(err instanceof PushkeyError)) throw err;
    blocked = err;
  }

  // The decisions: what sign-in runs.
  const [page, waysIn, second, tapUsable, defaultMethod] = await Promise.all([
    offeredMethods(d, acr),
    userSignInMethods(d, user, acr),
    secondFactorsAfterPassword(d, user, acr),
    tapUsableAfterPassword(d, user, acr),
    getDefaultMethod(d, user.id),
  ]);
  // What a step offered to the user still answers now: the account's lockout first (every step checks it), then the push's own refusals.
  const pushRefusal = (kind: 'mfa' | 'passwordless') => blocked ?? pausedRefusal(d, user) ?? devicesRefusal(policy, devices.filter((x) => mayAnswer(policy, x, kind)));

  // The reasons. A disabled account is offered the password only (which then fails), whatever each method's rules say.
  const firstFactor = (r: Reason): Reason => (user.disabled ? { ...r, yes: false, rule: 'user_disabled', group: null, why: 'Sign-in is blocked for this account.' } : r);
  const [tap, passkey, smsAlone, smsSecond] = await Promise.all([tapReason(d, user), passkeyReason(d, user), smsReason(d, user, true), smsReason(d, user, false)]);
  const alone = acr ? `The app asks for ${ACR_WORDS[acr]}: a sign-in with this method alone is one factor, so it is not offered.` : null;
  const onlyPasskey = acr && onlyPasskeyAfterPassword(acr) ? `The app asks for ${ACR_WORDS[acr]}: after the password, only a passkey is offered.` : null;
  const signIn: Record<SignInMethod, MethodVerdict> = {
    tap: verdict('tap', waysIn.includes('tap'), firstFactor(tap), alone, blocked),
    passkey: verdict('passkey', waysIn.includes('passkey'), firstFactor(passkey), alone, blocked),
    passwordless: verdict('passwordless', waysIn.includes('passwordless'), firstFactor(authenticatorReason(policy, user, devices, 'passwordless')), alone, pushRefusal('passwordless')),
    sms: verdict('sms', waysIn.includes('sms'), firstFactor(smsAlone), alone, blocked),
    password: verdict('password', waysIn.includes('password'), { yes: true, policy: null, rule: 'always', why: 'Every account has a password; what follows it is below.' }, null, blocked),
  };
  const secondOf: Record<SecondFactor, MethodVerdict> = {
    passkey: verdict('passkey', second.includes('passkey'), passkey, onlyPasskey, blocked),
    authenticator: verdict('authenticator', second.includes('authenticator'), authenticatorReason(policy, user, devices, 'mfa'), onlyPasskey, pushRefusal('mfa')),
    sms: verdict('sms', second.includes('sms'), smsSecond, onlyPasskey, blocked),
  };

  const pushFirst = second[0] === 'authenticator';
  const pushRefused = pushFirst && !blocked ? pushRefusal('mfa') : null;
  // As the password step does: a push refused now leaves the other second factors (or a pass) standing in for it.
  const standIns = second.filter((m) => m !== 'authenticator');
  const fallsBack = pushRefused !== null && (standIns.length > 0 || tapUsable);
  const next: WhatIf['afterPassword']['next'] =
    second.length === 0 ? (meetsRequirement(acr, ['password']) ? 'signed_in' : 'step_up_required') : pushFirst && !fallsBack ? 'mfa_required' : 'second_factor';
  const shows = promptOf(policy, 'mfa');
  return {
    user: { id: user.id, upn: user.upn, displayName: user.displayName, groups: user.groups },
    at: d.clock.now(),
    acr,
    blocked: asRefusal(blocked),
    page,
    waysIn,
    signIn: ordered(waysIn, SIGN_IN_ORDER).map((m) => signIn[m]),
    afterPassword: { next, secondFactors: fallsBack ? standIns : second, tapUsable, refused: asRefusal(pushRefused) },
    secondFactors: ordered(second, SECOND_FACTOR_ORDER).map((m) => secondOf[m]),
    defaultMethod: defaultReason(defaultMethod, waysIn, second),
    prompt: {
      numberLength: shows.numberLength,
      application: shows.application,
      location: shows.location,
      appLock: shows.appLock,
      lifetimeSeconds: shows.lifetimeSeconds,
      minClientVersion: policy.minClientVersion,
      devices: activeOf(devices).map((x) => ({ name: x.name, clientVersion: x.clientVersion, passwordless: x.passwordless, upToDate: isUpToDate(policy, x) })),
    },
  };
}
