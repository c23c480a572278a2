// Every message of the wire protocol (docs/protocol.md: v1, and the v2 push), as valibot schemas with the
// TypeScript types derived from them. Each union is keyed by `type`.
import * as v from 'valibot';
import {
  ActivationCode,
  Capabilities,
  ClientVersion,
  Decision,
  DeviceName,
  UserVerification,
  Id,
  Kind,
  Label,
  MatchNumber,
  Nonce,
  ServerOrigin,
  PublicKey,
  Signature,
  Timestamp,
} from './fields.ts';
import { ERROR_CODES } from './errors.ts';

// ---- Enrollment (device → server, HTTPS POST /api/device/enroll) ----

export const EnrollRequest = v.object({
  type: v.literal('enroll'),
  code: ActivationCode,
  publicKey: PublicKey,
  deviceName: DeviceName,
  clientVersion: ClientVersion,
  capabilities: Capabilities,
  /** Signature by the new key over enrollBytes(): proof of possession. */
  proof: Signature,
});
export type EnrollRequest = v.InferOutput<typeof EnrollRequest>;

export const Enrolled = v.object({
  type: v.literal('enrolled'),
  origin: ServerOrigin,
  deviceId: Id,
  accountId: Id,
  upn: Label(254),
  displayName: Label(128),
  tenant: Label(128),
  /** The server's own P-256 key; the device pins it and checks every push against it. */
  serverPublicKey: PublicKey,
});
export type Enrolled = v.InferOutput<typeof Enrolled>;

// ---- Requests pushed to a device (channel, poll, passwordless setup) ----

/** The context of a v1 push, fixed forever: the v1 push bytes cover these four fields and no other. */
const ContextV1 = v.object({
  /** "" where the policy hides a field or the server does not know it. */
  ip: Label(64),
  location: Label(128),
  browser: Label(128),
  /** When the sign-in was started. */
  time: Timestamp,
});

/**
 * The sign-in context a push shows the person, defined here once: the server builds it, the
 * device stores it and the prompt lists it, with one label per field (extension/ui/format.ts).
 * A new field goes here, optional (v1 pushes and older servers lack it); v2 signs the context
 * whole, and a device that does not know a field drops it after verifying.
 */
export const Context = v.object({
  ...ContextV1.entries,
});
export type Context = v.InferOutput<typeof Context>;
export type ContextField = keyof Context;

/** What a push asks, whatever its wire version: what the server signs, the device trusts once verified. It never carries the number. */
export const PushContent = v.object({
  deviceId: Id,
  challengeId: Id,
  nonce: Nonce,
  kind: Kind,
  /** Application name, or "" when the policy hides it. */
  app: Label(128),
  context: Context,
  expiresAt: Timestamp,
  /** `required`: the policy asks for the app lock before an approval (v2 only; absent otherwise). */
  appLock: v.optional(v.literal('required')),
  /**
   * The sign-in this request belongs to (v2 only; absent for a test notification, a passwordless
   * setup, and from older servers): the same id the server's log lines and the sign-in log carry,
   * so that one sign-in can be followed across the three. It grants nothing.
   */
  correlationId: v.optional(Id),
});
export type PushContent = v.InferOutput<typeof PushContent>;
export type RequestKind = PushContent['kind'];

/** v1 on the wire: the content's fields, signed positionally (pushBytes). Sent to devices that do not announce push_canonical. */
export const PushRequestV1 = v.object({
  type: v.literal('request'),
  /** Absent in v1. */
  v: v.optional(v.literal(1)),
  ...v.omit(PushContent, ['appLock', 'correlationId']).entries,
  context: ContextV1,
  /** Server signature over pushBytes(); verified against the pinned key. */
  serverSignature: Signature,
});
export type PushRequestV1 = v.InferOutput<typeof PushRequestV1>;

/**
 * v2 on the wire: the content travels as the very text the server signed (RFC 8785 canonical
 * JSON), so a device verifies the bytes it received, whatever fields it knows, then reads them.
 * deviceId and challengeId are repeated outside it to route and de-duplicate; a device checks
 * that they equal the signed ones.
 */
export const PushRequestV2 = v.object({
  type: v.literal('request'),
  v: v.literal(2),
  deviceId: Id,
  challengeId: Id,
  /** canonicalJson(PushContent plus any fields this device may not know), one line. */
  signed: v.pipe(v.string(), v.maxLength(16_384, 'signed is at most 16384 characters'), v.regex(/^\{[^\n]*\}$/, 'signed is one line of JSON, an object')),
  /** Server signature over pushV2Bytes(); verified against the pinned key. */
  serverSignature: Signature,
});
export type PushRequestV2 = v.InferOutput<typeof PushRequestV2>;

/** A sign-in request for one device, as the server sends it (channel, poll, passwordless setup). */
export const PushRequest = v.variant('v', [PushRequestV2, PushRequestV1]);
export type PushRequest = v.InferOutput<typeof PushRequest>;

// ---- The channel (WebSocket /api/device/channel) ----

export const Hello = v.object({ type: v.literal('hello'), nonce: Nonce, time: Timestamp });
export const Ready = v.object({ type: v.literal('ready'), deviceId: Id });
export const Ping = v.object({ type: v.literal('ping'), time: Timestamp });
export const Cancel = v.object({ type: v.literal('cancel'), deviceId: Id, challengeId: Id });
export const Revoked = v.object({ type: v.literal('revoked'), deviceId: Id });
export const ChannelError = v.object({
  type: v.literal('error'),
  error: v.picklist(ERROR_CODES),
  message: v.string(),
  deviceId: v.optional(Id),
});

/** Everything the server may send on the channel. */
export const ServerFrame = v.variant('type', [Hello, Ready, Ping, PushRequest, Cancel, Revoked, ChannelError]);
export type ServerFrame = v.InferOutput<typeof ServerFrame>;

export const Auth = v.object({
  type: v.literal('auth'),
  deviceId: Id,
  /** Signature over channelAuthBytes() with the hello's nonce. One socket may carry several devices: one auth each. */
  signature: Signature,
});
export const Pong = v.object({ type: v.literal('pong'), time: Timestamp });

/** Everything a device may send on the channel. */
export const DeviceFrame = v.variant('type', [Auth, Pong]);
export type DeviceFrame = v.InferOutput<typeof DeviceFrame>;

// ---- The answer to a request (device → server, HTTPS POST /api/device/respond) ----

export const DeviceResponse = v.pipe(
  v.object({
    type: v.literal('response'),
    challengeId: Id,
    deviceId: Id,
    decision: Decision,
    /** The number the person typed; "" for deny and report. */
    number: v.union([MatchNumber, v.literal('')]),
    clientVersion: ClientVersion,
    capabilities: Capabilities,
    /** Present when the device's app lock verified the person for this answer; signed. */
    userVerification: v.optional(UserVerification),
    /** Device signature over respondBytes(). */
    signature: Signature,
  }),
  // forward: the error names the field "number", not the whole response.
  v.forward(
    v.check((r) => (r.decision === 'approve') === (r.number !== ''), 'approve carries the typed number; deny and report carry ""'),
    ['number'],
  ),
);
export type DeviceResponse = v.InferOutput<typeof DeviceResponse>;
export type Decision = DeviceResponse['decision'];

export const Outcome = v.picklist(['approved', 'denied', 'reported']);
export type Outcome = v.InferOutput<typeof Outcome>;
export const Result = v.object({ type: v.literal('result'), challengeId: Id, outcome: Outcome });
export type Result = v.InferOutput<typeof Result>;

// ---- Device commands signed over a timestamp (HTTPS POST /api/device/command) ----

const commandFields = { deviceId: Id, timestamp: Timestamp, signature: Signature };
export const Poll = v.object({
  type: v.literal('poll'),
  ...commandFields,
  /**
   * The version and capabilities running now (an update restarts the worker, which polls):
   * the server refuses to push to an outdated client. Not signed, like passwordless_setup's.
   */
  clientVersion: v.optional(ClientVersion),
  capabilities: v.optional(Capabilities),
});
export const PasswordlessSetup = v.object({
  type: v.literal('passwordless_setup'),
  ...commandFields,
  /** The account password, asked once (DESIGN: "password once, a number-match, register"). Not signed. */
  password: v.pipe(v.string(), v.minLength(1, 'the password is required'), v.maxLength(256)),
  clientVersion: ClientVersion,
});
export const PasswordlessDisable = v.object({ type: v.literal('passwordless_disable'), ...commandFields });
export const Unenroll = v.object({ type: v.literal('unenroll'), ...commandFields });

export const DeviceCommand = v.variant('type', [Poll, PasswordlessSetup, PasswordlessDisable, Unenroll]);
export type DeviceCommand = v.InferOutput<typeof DeviceCommand>;

/** Answer to a poll: every pending, unexpired request for that device. */
export const Pending = v.object({ type: v.literal('pending'), requests: v.array(PushRequest) });
export type Pending = v.InferOutput<typeof Pending>;

/** Answer to passwordless_setup: the number-match request the person must now answer. */
export const SetupStarted = v.object({ type: v.literal('setup_started'), request: PushRequest });
export type SetupStarted = v.InferOutput<typeof SetupStarted>;

export const Ok = v.object({ type: v.literal('ok') });

/** Every answer body a device may get from the HTTPS device API. */
export const DeviceAnswer = v.variant('type', [Enrolled, Result, Pending, SetupStarted, Ok]);
export type DeviceAnswer = v.InferOutput<typeof DeviceAnswer>;

export const ErrorAnswer = v.object({
  error: v.picklist(ERROR_CODES),
  message: v.string(),
  /** e.g. { minClientVersion } with client_update_required. */
  details: v.optional(v.record(v.string(), v.unknown())),
});
