// My Account: who is signed in, the Authenticator app (activation, test notification,
// devices, passwordless setup) and the user's own sign-in activity.
import * as v from 'valibot';
import { DeviceName, Id } from '../fields.ts';
import { SignInEntry } from './logs.ts';
import { route } from './route.ts';
import { SignInTimeline } from './timeline.ts';
import { PublicUser } from './users.ts';
import { Done, IdParam, Time } from './values.ts';

export const DeviceView = v.object({
  id: v.string(),
  name: v.string(),
  passwordless: v.boolean(),
  clientVersion: v.string(),
  createdAt: Time,
  lastUsedAt: v.nullable(Time),
  revokedAt: v.nullable(Time),
});
export type DeviceView = v.InferOutput<typeof DeviceView>;

export const AuthenticatorRights = v.object({
  /** May add the authenticator in My Account. */
  register: v.boolean(),
  /** Gets a number-match push after a correct password. */
  pushMfa: v.boolean(),
  /** Is offered "Use an app instead". */
  passwordless: v.boolean(),
  /** May upgrade a device to passwordless. */
  upgradePasswordless: v.boolean(),
});
export type AuthenticatorRights = v.InferOutput<typeof AuthenticatorRights>;

export const TapView = v.object({
  id: v.string(),
  createdAt: Time,
  startsAt: Time,
  expiresAt: Time,
  oneTime: v.boolean(),
  usedAt: v.nullable(Time),
  /** usable now, not yet valid, used, or expired. */
  state: v.picklist(['active', 'not_yet_valid', 'used', 'expired']),
});
export type TapView = v.InferOutput<typeof TapView>;

export const ActivationView = v.object({
  activationId: v.string(),
  /** Shown once: the QR code and "Can't scan image?" carry it. Only its hash is stored. Canonical (ungrouped). */
  code: v.string(),
  uri: v.string(),
  serverUrl: v.string(),
  expiresAt: Time,
});
export type ActivationView = v.InferOutput<typeof ActivationView>;

export const ActivationStatus = v.variant('status', [
  v.object({ status: v.picklist(['pending', 'expired']) }),
  v.object({ status: v.literal('registered'), deviceId: v.string() }),
]);
export type ActivationStatus = v.InferOutput<typeof ActivationStatus>;

export const ChallengeStatus = v.picklist(['pending', 'approved', 'denied', 'reported', 'number_mismatch', 'update_required', 'cancelled', 'expired']);
export type ChallengeStatus = v.InferOutput<typeof ChallengeStatus>;

export const Me = v.object({
  user: PublicUser,
  tenant: v.string(),
  session: v.object({ createdAt: Time, methods: v.array(v.string()) }),
});
export type Me = v.InferOutput<typeof Me>;

export const MyMethods = v.object({ devices: v.array(DeviceView), rights: AuthenticatorRights, tap: v.nullable(TapView) });
export type MyMethods = v.InferOutput<typeof MyMethods>;

export const TestChallenge = v.object({ challengeId: v.string(), number: v.string(), expiresAt: Time });
export type TestChallenge = v.InferOutput<typeof TestChallenge>;

export const PasswordlessSetup = v.object({
  pending: v.nullable(v.object({ challengeId: v.string(), number: v.string(), expiresAt: Time, deviceName: v.string() })),
});
export type PasswordlessSetup = v.InferOutput<typeof PasswordlessSetup>;

export const OtherSessions = v.object({
  /** The user's sessions besides this one that are still live. */
  others: v.number(),
  /** A sign-in method changed and the user has not answered yet: offer to end the other sessions. */
  offer: v.boolean(),
  /** When that change was made. */
  changedAt: v.nullable(Time),
});
export type OtherSessions = v.InferOutput<typeof OtherSessions>;

export const meRoutes = {
  me: route({
    method: 'GET', path: '/api/me', summary: 'The signed-in user, the tenant\'s name and how this session was established.',
    subject: 'request', access: 'session', answer: Me,
  }),
  methods: route({
    method: 'GET', path: '/api/me/methods', summary: 'The user\'s authenticators, what the policy lets them do, and their Temporary Access Pass.',
    subject: 'request', access: 'session', answer: MyMethods,
  }),
  startActivation: route({
    method: 'POST', path: '/api/me/authenticator/activation', summary: 'A new activation code and its QR code for adding the authenticator (registration protection applies).',
    subject: 'activation', access: 'session', answer: v.object({ ...ActivationView.entries, qrSvg: v.string() }),
  }),
  activation: route({
    method: 'GET', path: '/api/me/authenticator/activation/:id', summary: 'Whether the activation was used by a device yet.',
    subject: 'activation', access: 'session', params: IdParam, answer: ActivationStatus,
  }),
  codeShown: route({
    method: 'POST', path: '/api/me/authenticator/activation/:id/code-shown',
    summary: '"Can\'t scan image?": the setup code was shown as text; audited, so that an enrollment by typed code can be told from a scanned one.',
    subject: 'activation', access: 'session', params: IdParam, answer: Done('noted'),
  }),
  testNotification: route({
    method: 'POST', path: '/api/me/authenticator/test', summary: '"Let\'s try it out": a test notification with a number to type.',
    subject: 'test notification', access: 'session', body: v.object({ deviceId: v.optional(Id) }), answer: TestChallenge,
  }),
  withdrawTestNotification: route({
    method: 'DELETE', path: '/api/me/authenticator/test/:id', summary: 'Ends an unanswered test notification on the devices too.',
    subject: 'test notification', access: 'session', params: IdParam, answer: v.null(), status: 204,
  }),
  challenge: route({
    method: 'GET', path: '/api/me/challenges/:id', summary: 'The status of one of the user\'s requests.',
    subject: 'request', access: 'session', params: IdParam, answer: v.object({ challengeId: v.string(), status: ChallengeStatus }),
  }),
  passwordlessSetup: route({
    method: 'GET', path: '/api/me/passwordless-setup', summary: 'The number for the extension\'s "Set up passwordless sign-in", if one is waiting.',
    subject: 'request', access: 'session', answer: PasswordlessSetup,
  }),
  renameDevice: route({
    method: 'PATCH', path: '/api/me/devices/:id', summary: 'Renames one of the user\'s authenticators.', subject: 'device', access: 'session',
    params: IdParam, body: v.object({ name: DeviceName }), answer: DeviceView,
  }),
  deleteDevice: route({
    method: 'DELETE', path: '/api/me/devices/:id', summary: 'Removes one of the user\'s authenticators (registration protection applies).',
    subject: 'device', access: 'session', params: IdParam, answer: Done('deleted'),
  }),
  otherSessions: route({
    method: 'GET', path: '/api/me/sessions/others', summary: 'The user\'s other live sessions, and whether a change of sign-in methods asks to end them.',
    subject: 'request', access: 'session', answer: OtherSessions,
  }),
  endOtherSessions: route({
    method: 'POST', path: '/api/me/sessions/others/end', summary: '"Sign out other sessions": ends every session of the user but this one (audited).',
    subject: 'sign-out', access: 'session', answer: v.object({ status: v.literal('signed_out'), sessionsEnded: v.number() }),
  }),
  keepOtherSessions: route({
    method: 'POST', path: '/api/me/sessions/others/keep', summary: '"Keep them": answers the offer, the other sessions stay.',
    subject: 'request', access: 'session', answer: Done('kept'),
  }),
  activity: route({
    method: 'GET', path: '/api/me/activity', summary: 'The user\'s last 50 sign-in attempts.', subject: 'request', access: 'session',
    answer: v.object({ signIns: v.array(SignInEntry) }),
  }),
  signInTimeline: route({
    method: 'GET', path: '/api/me/signins/:id/timeline',
    summary: 'One of the user\'s own sign-ins as its protocol steps, as the admin portal shows them (no secret in it); another user\'s sign-in is not found.',
    subject: 'sign-in', access: 'session', params: IdParam, answer: SignInTimeline,
  }),
};
