// Sign-in for browsers: start with a user name, then one step (password, the app, a pass, a
// passkey, a texted code), then the status until the flow ends. A new session goes into a
// cookie, never into an answer.
import * as v from 'valibot';
import { Id } from '../fields.ts';
import { route } from './route.ts';
import { SentCode, SmsCodeInput } from './methods.ts';
import { Upn } from './users.ts';
import { InteractionUid } from './oidc.ts';
import { Time } from './values.ts';
import { AuthenticationResponse, CeremonyOptions } from './webauthn.ts';

export const SignInMethod = v.picklist(['password', 'passwordless', 'tap', 'passkey', 'sms']);
export type SignInMethod = v.InferOutput<typeof SignInMethod>;
export const SECOND_FACTOR_ORDER = ['passkey', 'authenticator', 'sms'] as const;
export const SecondFactor = v.picklist(SECOND_FACTOR_ORDER);
export type SecondFactor = v.InferOutput<typeof SecondFactor>;

/** The number the page shows for a push. */
export const ChallengeView = v.object({ challengeId: v.string(), number: v.string(), expiresAt: Time });
export type ChallengeView = v.InferOutput<typeof ChallengeView>;

export const FlowStatus = v.picklist(['pending', 'signed_in', 'denied', 'reported', 'number_mismatch', 'expired', 'update_required', 'cancelled']);
export type FlowStatus = v.InferOutput<typeof FlowStatus>;

export const StepAnswer = v.variant('status', [
  v.object({ status: v.literal('signed_in') }),
  /**
   * `secondFactors`: what may stand in for the push (the push's first), for "I can't use my
   * Authenticator app right now". `tapUsable`: the user holds a Temporary Access Pass that can
   * still be redeemed (said only after the password, never at the user-name step).
   */
  v.object({ status: v.literal('mfa_required'), challenge: ChallengeView, secondFactors: v.optional(v.array(SecondFactor)), tapUsable: v.optional(v.boolean()) }),
  v.object({ status: v.literal('pending'), challenge: ChallengeView }),
  /**
   * The password was right; one of these second factors (the preferred first) must follow.
   * `tapUsable` as above. `pushRefused`: the push would have gone out first but cannot now
   * (paused after a report, no authenticator up to date, too many requests): why, for the page
   * to say, while these stand in for it.
   */
  v.object({
    status: v.literal('second_factor'),
    methods: v.array(SecondFactor),
    tapUsable: v.optional(v.boolean()),
    pushRefused: v.optional(v.object({ error: v.string(), message: v.string() })),
  }),
]);
export type StepAnswer = v.InferOutput<typeof StepAnswer>;

const FlowOnly = v.object({ flowId: Id });

export const signInRoutes = {
  start: route({
    method: 'POST', path: '/api/signin/start', summary: 'Starts a sign-in with a user name: the ways in the tenant offers, the same answer for every name (it tells nothing of the account).',
    subject: 'sign-in', access: 'public', limit: 'signIn', body: v.object({ username: Upn, interaction: v.optional(InteractionUid) }),
    answer: v.object({ flowId: v.string(), username: v.string(), methods: v.array(SignInMethod) }),
  }),
  password: route({
    method: 'POST', path: '/api/signin/password', summary: 'The password step (a push or a second factor may follow).', subject: 'sign-in',
    access: 'public', limit: 'signIn',
    body: v.object({ flowId: Id, password: v.pipe(v.string(), v.minLength(1, 'the password is required'), v.maxLength(256)) }), answer: StepAnswer,
  }),
  passwordless: route({
    method: 'POST', path: '/api/signin/passwordless', summary: '"Use an app instead": a passwordless push with a number to match.', subject: 'sign-in',
    access: 'public', limit: 'signIn', body: FlowOnly, answer: StepAnswer,
  }),
  resend: route({
    method: 'POST', path: '/api/signin/resend', summary: 'Sends the push of this flow again, with a new number.', subject: 'sign-in',
    access: 'public', limit: 'signIn', body: FlowOnly, answer: StepAnswer,
  }),
  tap: route({
    method: 'POST', path: '/api/signin/tap', summary: 'Signs in with a Temporary Access Pass.', subject: 'sign-in', access: 'public', limit: 'signIn',
    body: v.object({ flowId: Id, pass: v.pipe(v.string(), v.trim(), v.minLength(1, 'the pass is required'), v.maxLength(64)) }), answer: StepAnswer,
  }),
  status: route({
    method: 'GET', path: '/api/signin/status', summary: 'The flow\'s status; with wait=1 a long poll that answers when the request changes, or after at most 25 s.',
    subject: 'status query', access: 'public', limit: 'poll', query: v.object({ flowId: Id, wait: v.optional(v.picklist(['0', '1'])) }),
    answer: v.object({ status: FlowStatus }),
  }),
  passkeyOptions: route({
    method: 'POST', path: '/api/signin/passkey/options',
    summary: 'Starts a passkey ceremony within a flow, or without one (a new flow: the passkey names the user).', subject: 'passkey sign-in',
    access: 'public', limit: 'signIn', body: v.object({ flowId: v.optional(Id), interaction: v.optional(InteractionUid) }),
    answer: v.object({ flowId: v.string(), ceremonyId: v.string(), options: CeremonyOptions }),
  }),
  passkey: route({
    method: 'POST', path: '/api/signin/passkey', summary: 'The passkey step.', subject: 'passkey sign-in', access: 'public', limit: 'signIn',
    body: v.object({ flowId: Id, ceremonyId: Id, response: AuthenticationResponse }), answer: StepAnswer,
  }),
  sendSms: route({
    method: 'POST', path: '/api/signin/sms/send', summary: 'Texts a sign-in code to the user\'s verified phone.', subject: 'SMS sign-in',
    access: 'public', limit: 'signIn', body: FlowOnly, answer: SentCode,
  }),
  sms: route({
    method: 'POST', path: '/api/signin/sms', summary: 'The texted-code step.', subject: 'SMS sign-in', access: 'public', limit: 'signIn',
    body: v.object({ flowId: Id, codeId: Id, code: SmsCodeInput }), answer: StepAnswer,
  }),
  signOut: route({
    method: 'POST', path: '/api/signin/signout', summary: 'Ends this browser\'s session.', subject: 'sign-out', access: 'public',
    answer: v.object({ status: v.literal('signed_out') }),
  }),
  signOutEverywhere: route({
    method: 'POST', path: '/api/signin/signout-everywhere', summary: 'Ends every session of the user.', subject: 'sign-out', access: 'session',
    answer: v.object({ status: v.literal('signed_out'), sessionsEnded: v.number() }),
  }),
};
