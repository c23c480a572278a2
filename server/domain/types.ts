// The records the domain works with. Storage maps them to rows; nothing here knows SQL.
import type { Outcome, RequestKind } from '../../protocol/messages.ts';
import type { AlertKind } from '../../protocol/http/logs.ts';
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

export interface AuditEntry {
  id: string;
  at: number;
  actorId: string | null;
  actorUpn: string;
  action: string;
  targetType: string;
  targetId: string;
  before: unknown;
  after: unknown;
  ip: string;
  /** Ties the change to a sign-in attempt (flow id) or a number-match request (challenge id), as the sign-in log and the extension's history show them. */
  correlationId?: string | null;
}
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

export interface SignInStep {
  method: string;
  /** What happened, e.g. "number matched", "wrong number", "request sent". Never a secret. */
  detail: string;
  result: 'success' | 'failure' | 'pending';
  at: number;
  /** Time since the previous step (or the start of the attempt). */
  durationMs: number;
  /** The number-match request this step concerns; the extension's history shows the same id. */
  challengeId?: string;
}
export interface SignInEntry {
  /** The flow id: also the correlation id. */
  id: string;
  at: number;
  userId: string | null;
  upn: string;
  app: string;
  ip: string;
  location: string;
  browser: string;
  os: string;
  result: 'success' | 'failure' | 'in_progress';
  /** When the attempt's flow expires: an attempt still in progress then was abandoned (failure code "abandoned"). */
  expiresAt: number;
  failureCode: string | null;
  /** A person's explanation of failureCode. */
  reason: string | null;
  /** single: one factor (a password alone); multifactor: password + authenticator, passwordless, TAP. */
  requirement: 'single' | 'multifactor' | 'none';
  methods: string[];
  steps: SignInStep[];
}
export interface SignInFilter {
  userId?: string;
  /** Substring of the UPN. */
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

/** One finished attempt as the sign-in chart counts it: when, how it ended, the method it ended with. */
export type SignInPoint = [at: number, result: 'success' | 'failure', method: string];
export interface SignInChartData {
  /** Newest first. */
  points: SignInPoint[];
  /** True when more attempts matched than the chart reads (CHART_LIMIT): it then shows the newest. */
  capped: boolean;
}

export { ALERT_KINDS, type AlertKind } from '../../protocol/http/logs.ts';

export interface Alert {
  id: string;
  at: number;
  kind: AlertKind;
  userId: string;
  /** A person's one-line description; never a secret. */
  detail: string;
}

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

export interface PurgeCounts {
  signIns: number;
  audit: number;
  alerts: number;
  transient: number;
}

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
export interface OutboxMessage {
  id: string;
  at: number;
  channel: 'sms' | 'email';
  /** E.164 number or email address. */
  to: string;
  userId: string | null;
  text: string;
}
