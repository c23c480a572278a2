// Which methods a user is offered at sign-in, in which order. As Entra's system-preferred
// MFA: Temporary Access Pass > passkey > authenticator > SMS > password, with the user's
// chosen default first where the policy allows it (a usable TAP still comes first: the
// helpdesk issued it because the usual method is lost).
import * as v from 'valibot';
import { DefaultMethod } from '../../../protocol/http/methods.ts';
import { SECOND_FACTOR_ORDER, type SecondFactor } from '../../../protocol/http/signin.ts';
import { PushkeyError } from '../../../protocol/errors.ts';
import { audit, type Actor } from '../monitoring/audit.ts';
import type { Deps } from '../deps.ts';
import { passkeyRights } from '../methods/passkeys.ts';
import { authenticatorRights, getAuthenticatorPolicy } from '../policies/policy.ts';
import { smsRights } from '../methods/sms.ts';
import type { User } from '../types.ts';

/** First-factor ways in, in the system's order. "passwordless" is the authenticator app. */
export const SIGN_IN_ORDER = ['tap', 'passkey', 'passwordless', 'sms', 'password'] as const;
/** Second factors after a password, in the system's order; what a user may choose as the default in My Account. */
export { SECOND_FACTOR_ORDER, type SecondFactor } from '../../../protocol/http/signin.ts';
export { DefaultMethod } from '../../../protocol/http/methods.ts';

const key = (userId: string) => `user.default_method.${userId}`;
export async function getDefaultMethod(d: Deps, userId: string): Promise<DefaultMethod | null> {
  const value = await d.repo.getSetting(key(userId));
  return value && v.is(DefaultMethod, value) ? value : null;
}
export async function setDefaultMethod(d: Deps, actor: Actor, user: User, method: DefaultMethod): Promise<void> {
  const before = await getDefaultMethod(d, user.id);
  const usable = await usableMethods(d, user);
  if (method !== 'password' && !usable.has(method)) {
    throw new PushkeyError('method_not_allowed', `You cannot make ${method} your default: you have not added it, or your organization does not allow it.`);
  }
  await d.repo.setSetting(key(user.id), method);
  await audit(d, actor, 'user.default_method', { type: 'user', id: user.id }, before, method);
}

/** The methods this user has and the policies allow, by DefaultMethod name. */
export async function usableMethods(d: Deps, user: User): Promise<Set<DefaultMethod | 'passwordless'>> {
  const policy = await getAuthenticatorPolicy(d.repo);
  const app = authenticatorRights(policy, user, await d.repo.listUserDevices(user.id));
  const [pk, sms] = await Promise.all([passkeyRights(d, user), smsRights(d, user)]);
  const out = new Set<DefaultMethod | 'passwordless'>(['password']);
  if (pk.signIn) out.add('passkey');
  if (app.pushMfa) out.add('authenticator');
  if (app.passwordless) out.add('passwordless');
  if (sms.secondFactor) out.add('sms');
  return out;
}

const asSignIn = (m: DefaultMethod): string => (m === 'authenticator' ? 'passwordless' : m);

/** Orders first-factor methods: TAP, then the user's default if offered, then the system's order. */
export function orderSignInMethods<T extends string>(methods: T[], preferred: DefaultMethod | null): T[] {
  const rank = (m: string) => {
    if (m === 'tap') return -2;
    if (preferred && m === asSignIn(preferred)) return -1;
    const i = (SIGN_IN_ORDER as readonly string[]).indexOf(m);
    return i < 0 ? SIGN_IN_ORDER.length : i;
  };
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

/** Orders second factors the same way: the user's default if offered, then passkey > authenticator > SMS. */
export function orderSecondFactors(methods: SecondFactor[], preferred: DefaultMethod | null): SecondFactor[] {
  const rank = (m: SecondFactor) => (preferred === m ? -1 : SECOND_FACTOR_ORDER.indexOf(m));
  return [...methods].sort((a, b) => rank(a) - rank(b));
}

/** First-factor methods beyond password, passwordless and TAP that signin.ts lists: passkey, SMS sign-in. */
export async function extraSignInMethods(d: Deps, user: User): Promise<Array<'passkey' | 'sms'>> {
  const [pk, sms] = await Promise.all([passkeyRights(d, user), smsRights(d, user)]);
  return [...(pk.signIn ? (['passkey'] as const) : []), ...(sms.signIn ? (['sms'] as const) : [])];
}

/** The second factors a user can complete after a password, ordered. Empty: a password alone signs in. */
export async function secondFactorsFor(d: Deps, user: User, pushMfa: boolean): Promise<SecondFactor[]> {
  const [pk, sms] = await Promise.all([passkeyRights(d, user), smsRights(d, user)]);
  const have: SecondFactor[] = [...(pk.signIn ? (['passkey'] as const) : []), ...(pushMfa ? (['authenticator'] as const) : []), ...(sms.secondFactor ? (['sms'] as const) : [])];
  return orderSecondFactors(have, await getDefaultMethod(d, user.id));
}
