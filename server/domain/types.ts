// The records the domain works with. Storage maps them to rows; nothing here knows SQL.
import type { Outcome, RequestKind } from '../../protocol/messages.ts';
import type { SignInEntry } from '../../protocol/http/logs.ts';
import type { Role } from '../../protocol/http/users.ts';

export { ROLES, type Role } from '../../protocol/http/users.ts';

export interface User {
  id: string;
  upn: string;
  displayName: string;
  /** scrypt hash in PHC-like form, see passwords.ts. */
  passwordHash: string;
  groups: string[];
  roles: Role[];
  disabled: boolean;
  createdAt: number;
  /** Consecutive failed passwords; persisted so a restart does not reset a lockout. */
  passwordFailures: number;
  /** Consecutive wrong numbers or unanswered-as-wrong push responses. */
  pushFailures: number;
  lockedUntil: number;
  /** After "No, it's not me": no push reaches the user before this time. */
  pushPausedUntil: number;
  /** When the helpdesk last reset the password (0: never); with createdAt, where the onboarding window starts. */
  passwordResetAt: number;
  /** Marked at risk by a report, until an admin clears it. */
  risk: { since: number; detail: string } | null;
}

export interface Session {
  /** sha256 of the cookie value: a leaked database does not yield live sessions. */
  idHash: string;
  userId: string;
  createdAt: number;
  lastSeenAt: number;
  /** Methods that established it, e.g. ["password","authenticator"]. */
  methods: string[];
  ip: string;
  browser: string;
}

export type FlowState = 'identified' | 'awaiting_push' | 'completed' | 'failed';

/** One browser's sign-in attempt, bound to that browser by a secret cookie. */
export interface Flow {
  id: string;
  secretHash: string;
  /** null when the typed name matches no user: the flow goes on without saying so. */
  userId: string | null;
  upn: string;
  state: FlowState;
  createdAt: number;
  expiresAt: number;
  challengeId: string | null;
  /** Methods satisfied so far in this flow. */
  methods: string[];
  completedAt: number | null;
  ip: string;
  browser: string;
  app: string;
  /** The authentication level (acr) the app this sign-in is for asked for; null: none asked. */
  requiredAcr: string | null;
}

export interface Activation {
  id: string;
  codeHash: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
  deviceId: string | null;
}

export interface Device {
  id: string;
  userId: string;
  /** Raw 65-byte P-256 point, base64url. */
  publicKey: string;
  name: string;
  clientVersion: string;
  capabilities: string[];
  passwordless: boolean;
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  lastCommandAt: number;
}

export type ChallengeStatus =
  | 'pending'
  | Outcome // approved | denied | reported
  | 'number_mismatch'
  | 'update_required'
  | 'cancelled'
  /** Set by the sweep once a request ran out of time unanswered (before that, it is derived). */
  | 'expired';

export interface Challenge {
  id: string;
  userId: string;
  /** The device that must answer, or null for any active device of the user allowed for this kind. */
  deviceId: string | null;
  kind: RequestKind;
  nonce: string;
  /** The number the browser shows. Short-lived; never logged. */
  number: string;
  app: string;
  ip: string;
  location: string;
  browser: string;
  createdAt: number;
  expiresAt: number;
  status: ChallengeStatus;
  answeredAt: number | null;
  answeredBy: string | null;
  /** The browser flow that started it (sign-in kinds), or null. */
  flowId: string | null;
  /** The answer came with the device's app lock opened (its PIN): something the person knows, besides the key they hold. */
  userVerified: boolean;
}

/**
 * One step of a sign-in's protocol as it happened, for its timeline: a push as the server
 * sealed it, its delivery to a device, or the device's answer as received. `payload` is the
 * message's JSON exactly as it went or came (a delivery of the push already recorded has none).
 */
export interface ProtocolEvent {
  id: string;
  /** The sign-in's flow id: its correlation id. */
  flowId: string;
  challengeId: string;
  at: number;
  kind: 'push' | 'delivery' | 'answer';
  deviceId: string;
  /** How a delivery reached the device: the channel, or its signed poll. */
  via: 'channel' | 'poll' | null;
  payload: string | null;
}

export interface Tap {
  id: string;
  userId: string;
  hash: string;
  createdAt: number;
  startsAt: number;
  expiresAt: number;
  oneTime: boolean;
  usedAt: number | null;
  createdBy: string;
}

/** An audit record as the admin log shows it (the contract's shape). */
export type { AuditEntry } from '../../protocol/http/logs.ts';
export interface AuditFilter {
  targetId?: string;
  actorId?: string;
  /** Substring of the actor's UPN. */
  actor?: string;
  /** Prefix of the action, e.g. "device." or "policy.authenticator.updated". */
  action?: string;
  ip?: string;
  from?: number;
  to?: number;
  limit: number;
  offset?: number;
}

/** A sign-in attempt and its steps as the logs show them (the contract's shapes). */
export type { SignInEntry, SignInStep } from '../../protocol/http/logs.ts';
export interface SignInFilter {
  userId?: string;
  /** The start of the UPN, in any case. */
  upn?: string;
  method?: string;
  result?: SignInEntry['result'];
  app?: string;
  ip?: string;
  from?: number;
  to?: number;
  limit: number;
  offset?: number;
}

/** One finished attempt as the sign-in chart counts it, and the chart's data (the contract's shapes). */
export type { SignInChartData, SignInPoint } from '../../protocol/http/logs.ts';

export { ALERT_KINDS, type AlertKind } from '../../protocol/http/logs.ts';

export type { Alert } from '../../protocol/http/logs.ts';

/** What the throttle and the fatigue rule need to know about a user's recent requests:
 * the window is (since, now], so a request exactly a window old no longer counts. */
export interface ChallengeStats {
  /** Created since `since`. */
  created: number;
  /** Pending and unexpired now. */
  outstanding: number;
  /** Denied or reported since `since`. */
  denied: number;
  /** Expired without an answer since `since`. */
  unanswered: number;
}

export type { PurgeCounts } from '../../protocol/http/logs.ts';

/** A FIDO2 / WebAuthn credential (passkey). Deleting the row is what revokes it. */
export interface Passkey {
  id: string;
  userId: string;
  /** The credential id the authenticator chose, base64url. Unique. */
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  /** Signature counter; 0 for authenticators that do not count. */
  counter: number;
  transports: string[];
  name: string;
  aaguid: string;
  backedUp: boolean;
  createdAt: number;
  lastUsedAt: number | null;
}

/** A WebAuthn ceremony's challenge: single use, short-lived. */
export interface WebAuthnChallenge {
  id: string;
  /** The user registering, or the flow's user (null for a discoverable sign-in). */
  userId: string | null;
  flowId: string | null;
  purpose: 'register' | 'authenticate';
  challenge: string;
  createdAt: number;
  expiresAt: number;
  usedAt: number | null;
}

/** A user's phone number for SMS (E.164), verified with a code before use. */
export interface Phone {
  userId: string;
  number: string;
  createdAt: number;
  verifiedAt: number | null;
  lastUsedAt: number | null;
}

/** A one-time SMS code: hashed, 5 minutes, attempts capped, consumed by one conditional write. */
export interface SmsCode {
  id: string;
  userId: string;
  phone: string;
  purpose: 'verify' | 'signin';
  /** The sign-in flow it was sent for (purpose signin). */
  flowId: string | null;
  codeHash: string;
  createdAt: number;
  expiresAt: number;
  attempts: number;
  usedAt: number | null;
}

/** A message the lab providers "sent": the SMS lab phone and the email outbox pages read these. */
export type { OutboxMessage } from '../../protocol/http/logs.ts';

/** Who may sign in to an app: everyone, or the members of these groups and these users. */
export interface AppAccess {
  everyone: boolean;
  groups: string[];
  userIds: string[];
}

export const TOKEN_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'] as const;
export type TokenAuthMethod = (typeof TOKEN_AUTH_METHODS)[number];

/** An app registration: an OpenID Connect client of this server. */
export interface App {
  /** The OAuth client_id. */
  id: string;
  name: string;
  /** SHA-256 of the client secret (shown once); null for a public client (PKCE, no secret). */
  secretHash: string | null;
  /** How the app proves itself at the token endpoint: its secret in the Authorization header or in the body, or nothing (a public client). */
  tokenAuthMethod: TokenAuthMethod;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  access: AppAccess;
  createdAt: number;
  secretSetAt: number | null;
  disabled: boolean;
  /** May ask for a sign-in on the user's authenticator without a browser (OpenID Connect CIBA, poll mode). */
  backchannel: boolean;
}

/** The scopes a user agreed to give an app; asked again only for more. */
export interface AppConsent {
  userId: string;
  appId: string;
  scopes: string[];
  grantedAt: number;
}

/**
 * One of the OpenID provider's own records (a session, an interaction, a code, a token, a
 * grant), kept as the provider wrote it. `kind` is the provider's model name.
 */
export interface OidcRecord {
  kind: string;
  id: string;
  payload: Record<string, unknown>;
  grantId: string | null;
  uid: string | null;
  userCode: string | null;
  /** When it was first saved (saving again keeps this). */
  createdAt: number;
  expiresAt: number;
  consumedAt: number | null;
}
