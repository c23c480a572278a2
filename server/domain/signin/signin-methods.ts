// Sign-in steps for the methods a tenant falls back to: a passkey (alone, or as
// the second factor after a password) and an SMS code (SMS sign-in, or the second factor).
// They run inside the same browser-bound flow as signin.ts and land in the same log.
import { PushkeyError } from '../../../protocol/errors.ts';
import type { RequestContext } from '../authenticator/challenges.ts';
import type { Deps } from '../deps.ts';
import { startPasskeySignIn, verifyPasskeySignIn } from '../methods/passkeys.ts';
import { assertWayReachesRequirement, finish, flowUser, requireFlow, startFlow, step, type StepResult } from './signin.ts';
import { logStep } from '../monitoring/signin-log.ts';
import { checkSignInCode, sendSignInCode, type SentCode } from '../methods/sms.ts';
import { assertCanSignIn, assertGuesserNotLocked, guesserOf } from '../users/users.ts';
import type { AuthenticationResponse, RequestOptions } from '../methods/webauthn.ts';

/**
 * "Sign in with a passkey": within a flow that has a user name (its passkeys are offered),
 * or, with no flow, a new flow for a discoverable passkey that names the user itself.
 */
export async function passkeyOptions(
  d: Deps,
  flowId: string | undefined,
  secret: string | undefined,
  ctx: RequestContext,
  requiredAcr: string | null = null,
): Promise<{ flowId: string; secret?: string; ceremonyId: string; options: RequestOptions }> {
  if (flowId) {
    const flow = await requireFlow(d, flowId, secret);
    return { flowId, ...(await step(d, flow, 'passkey', () => startPasskeySignIn(d, flow))) };
  }
  const started = await startFlow(d, '', ctx, requiredAcr);
  return { flowId: started.flowId, secret: started.secret, ...(await startPasskeySignIn(d, { id: started.flowId, userId: null })) };
}

export async function signInWithPasskey(d: Deps, flowId: string, secret: string | undefined, ceremonyId: string, response: AuthenticationResponse): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'passkey', async () => {
    const { user, passkey, userVerified } = await verifyPasskeySignIn(d, flow, ceremonyId, response);
    assertCanSignIn(d, user);
    if (!flow.userId) {
      // A discoverable passkey named the user: the flow and its log entry learn who it is.
      await d.repo.updateFlow(flow.id, { userId: user.id, upn: user.upn });
      const entry = await d.repo.getSignIn(flow.id);
      if (entry) await d.repo.upsertSignIn({ ...entry, userId: user.id, upn: user.upn });
    }
    // The session records whether the authenticator verified the user (a PIN or a biometric): a second factor (apps/assurance.ts).
    const methods = [...(flow.methods.includes('password') ? ['password'] : []), 'passkey', ...(userVerified ? ['passkey_uv'] : [])];
    const detail = `passkey “${passkey.name}” verified${userVerified ? ' with user verification' : ''}`;
    return finish(d, { ...flow, userId: user.id, upn: user.upn }, user, methods, { method: 'passkey', detail, result: 'success' });
  });
}

/** Texts a code to the user's verified phone: SMS sign-in, or the second factor after the password. */
export async function sendSmsCode(d: Deps, flowId: string, secret: string | undefined): Promise<SentCode> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'sms', async () => {
    const user = await flowUser(d, flow);
    // A name with no account and a disabled account answer like one with no phone: locked, or not available.
    await assertGuesserNotLocked(d, guesserOf(user, flow.upn));
    // A code as the only factor is refused before it is sent to an app that asked for more.
    if (!flow.methods.includes('password')) await assertWayReachesRequirement(d, flow, 'sms');
    if (!user || user.disabled) throw new PushkeyError('method_not_allowed', 'SMS sign-in is not available for this account.');
    const sent = await sendSignInCode(d, user, flow.id, flow.methods.includes('password'));
    await logStep(d, flow.id, { method: 'sms', detail: `code sent to ${sent.to}`, result: 'pending' });
    return sent;
  });
}

export async function signInWithSms(d: Deps, flowId: string, secret: string | undefined, codeId: string, code: string): Promise<StepResult> {
  const flow = await requireFlow(d, flowId, secret);
  return step(d, flow, 'sms', async () => {
    const user = await flowUser(d, flow);
    await assertGuesserNotLocked(d, guesserOf(user, flow.upn));
    if (!user) throw new PushkeyError('code_invalid', 'That code has expired, was already used, or had too many wrong tries. Send a new code.');
    await checkSignInCode(d, user, flow.id, codeId, code);
    assertCanSignIn(d, (await d.repo.getUser(user.id)) ?? user); // disabled, or locked by other guesses, since the code was sent
    const methods = flow.methods.includes('password') ? ['password', 'sms'] : ['sms'];
    return finish(d, flow, user, methods, { method: 'sms', detail: 'code accepted', result: 'success' });
  });
}
