// The one storage interface. The domain knows only this; SQLite (default) and, later,
// PostgreSQL implement it. Every method is async so that a networked database fits.
// Single-use values are consumed by one conditional write (consume*, advance*), never
// read-then-write, so that two concurrent callers cannot both win.
import type {
  Activation,
  AuditEntry,
  AuditFilter,
  Challenge,
  ChallengeStatus,
  Device,
  Flow,
  Session,
  SignInEntry,
  SignInFilter,
  SignInChartData,
  Tap,
  User,
  Alert,
  ChallengeStats,
  PurgeCounts,
  Passkey,
  WebAuthnChallenge,
  Phone,
  SmsCode,
  OutboxMessage,
  App,
  AppConsent,
  OidcRecord,
  ProtocolEvent,
} from '../domain/types.ts';

export interface Repository {
  /** Key/value settings: tenant name, policies (JSON), the server key. */
  getSetting(key: string): Promise<string | null>;
  setSetting(key: string, value: string): Promise<void>;
  /** Stores `value` only if the key has none yet; returns what is stored (so concurrent starters agree). */
  initSetting(key: string, value: string): Promise<string>;
  /** Sets `value` only if the stored one is still `expected` (compare-and-set); false when another writer changed it first. */
  replaceSetting(key: string, expected: string, value: string): Promise<boolean>;

  createUser(user: User): Promise<void>;
  getUser(id: string): Promise<User | null>;
  getUserByUpn(upn: string): Promise<User | null>;
  listUsers(query: { search?: string; limit: number; offset: number }): Promise<User[]>;
  updateUser(id: string, patch: Partial<Omit<User, 'id' | 'createdAt'>>): Promise<void>;
  /**
   * Counts one failed attempt in a single conditional write (safe across instances): at `cap`
   * consecutive failures the counter resets and the user is locked until `lockUntil`. While
   * locked, nothing is counted. `newly` is true for the one failure that set the lock.
   */
  countFailure(userId: string, counter: 'password' | 'push', cap: number, now: number, lockUntil: number): Promise<{ locked: boolean; newly: boolean }>;
  /** countFailure for a user name that names no account (normalized: trimmed, lower case). */
  countNameFailure(name: string, cap: number, now: number, lockUntil: number): Promise<{ locked: boolean; newly: boolean }>;
  /** Until when such a name is locked (0: not locked, or never failed). */
  nameLockedUntil(name: string): Promise<number>;

  createSession(session: Session): Promise<void>;
  getSession(idHash: string): Promise<Session | null>;
  /** Slides the idle timeout; never moves the last-seen time back. */
  touchSession(idHash: string, lastSeenAt: number): Promise<void>;
  /** Moves a session's start and last-seen times `byMs` later, as if it had begun that much later. */
  shiftSession(idHash: string, byMs: number): Promise<void>;
  deleteSession(idHash: string): Promise<void>;
  /** Ends every session of the user, or every one but `exceptIdHash`; how many it ended. */
  deleteUserSessions(userId: string, exceptIdHash?: string): Promise<number>;
  /** How many of the user's sessions besides `exceptIdHash` were seen at or after `seenSince` and created at or after `createdSince` (the live ones). */
  countUserSessions(userId: string, exceptIdHash: string, seenSince: number, createdSince: number): Promise<number>;

  createFlow(flow: Flow): Promise<void>;
  getFlow(id: string): Promise<Flow | null>;
  updateFlow(id: string, patch: Partial<Omit<Flow, 'id'>>): Promise<void>;
  /** Marks the flow completed if it was not; true for exactly one caller. */
  completeFlow(id: string, at: number): Promise<boolean>;

  createActivation(activation: Activation): Promise<void>;
  getActivation(id: string): Promise<Activation | null>;
  /** Marks an unused, unexpired code used; returns it, or null when it is unknown, used or expired. */
  consumeActivation(codeHash: string, now: number): Promise<Activation | null>;
  setActivationDevice(id: string, deviceId: string): Promise<void>;

  createDevice(device: Device): Promise<void>;
  getDevice(id: string): Promise<Device | null>;
  listUserDevices(userId: string): Promise<Device[]>;
  updateDevice(id: string, patch: Partial<Omit<Device, 'id' | 'userId' | 'publicKey'>>): Promise<void>;
  /** Accepts a device command timestamp only if it is newer than the last one accepted. */
  advanceCommandTimestamp(deviceId: string, timestamp: number): Promise<boolean>;

  createChallenge(challenge: Challenge): Promise<void>;
  getChallenge(id: string): Promise<Challenge | null>;
  /** Moves a pending, unexpired challenge to `status`; true for exactly one caller. */
  /** `userVerified`: the answer came with the device's app lock opened (false when absent). */
  consumeChallenge(id: string, update: { status: ChallengeStatus; answeredAt: number; answeredBy: string | null; userVerified?: boolean }, now: number): Promise<boolean>;
  /** Pending, unexpired challenges a device may answer (targeted at it or at any of its user's devices). */
  listPendingForDevice(device: Pick<Device, 'id' | 'userId'>, now: number): Promise<Challenge[]>;
  /** Marks pending challenges whose time ran out as expired (at most `limit`); returns them. */
  expirePending(now: number, limit: number): Promise<Challenge[]>;
  /** Cancels every pending challenge of a user; returns the ids cancelled. */
  cancelPendingForUser(userId: string, now: number): Promise<Challenge[]>;

  /** Stores a TAP and deletes any other TAP of the same user (one active per user). */
  replaceTap(tap: Tap): Promise<void>;
  getUserTap(userId: string): Promise<Tap | null>;
  /** Marks a one-time TAP used; true for exactly one caller. */
  consumeTap(id: string, now: number): Promise<boolean>;
  deleteUserTap(userId: string): Promise<void>;

  appendAudit(entry: AuditEntry): Promise<void>;
  listAudit(filter: AuditFilter): Promise<AuditEntry[]>;
  upsertSignIn(entry: SignInEntry): Promise<void>;
  getSignIn(id: string): Promise<SignInEntry | null>;
  /** Newest first; read where a long read holds up no one else (Engine.read). */
  listSignIns(filter: SignInFilter): Promise<SignInEntry[]>;
  /** The newest `limit` finished attempts the filter matches, counted by minute, result and the method each ended with. */
  chartSignIns(filter: Omit<SignInFilter, 'limit' | 'offset'>, limit: number): Promise<SignInChartData>;
  /**
   * Ends as failures, with `end`, the attempts still in progress whose flow expired by `now`
   * (only `id`'s, when given), in one conditional write; returns how many it ended.
   */
  endExpiredSignIns(now: number, end: { failureCode: string; reason: string }, id?: string): Promise<number>;
  /** Whether the user signed in successfully (in any attempt but `exceptId`) from this IP, from this location, at all. */
  signInHistory(userId: string, ip: string, location: string, exceptId: string): Promise<{ any: boolean; ip: boolean; location: boolean }>;
  /**
   * One step of a sign-in's protocol trace (its timeline). Outside a unit of work it may answer
   * before it is flushed to the disk (SQLite FULL): a trace acknowledges nothing to anyone, and
   * the next commit's flush carries it.
   */
  appendProtocolEvent(event: ProtocolEvent): Promise<void>;
  /** A sign-in's protocol trace, in the order it happened (time, then insertion). */
  listProtocolEvents(flowId: string): Promise<ProtocolEvent[]>;
  appendAlert(alert: Alert): Promise<void>;
  listAlerts(filter: { limit: number; userId?: string; kind?: string; since?: number }): Promise<Alert[]>;

  /** Counts for the push throttle and the fatigue rule: of sign-in requests, or of test notifications (a budget of their own). */
  challengeStats(userId: string, since: number, now: number, of?: 'sign-in' | 'test'): Promise<ChallengeStats>;
  /** Retention: deletes log entries older than `cutoff` and spent transient rows (flows, challenges, codes, sessions). */
  purge(cutoff: number, now: number): Promise<PurgeCounts>;

  // Passkeys. A deleted passkey is gone: its credential id no longer resolves.
  createPasskey(passkey: Passkey): Promise<void>;
  getPasskeyByCredentialId(credentialId: string): Promise<Passkey | null>;
  listUserPasskeys(userId: string): Promise<Passkey[]>;
  updatePasskey(id: string, patch: Partial<Pick<Passkey, 'name' | 'lastUsedAt'>>): Promise<void>;
  /** Moves the signature counter forward only; true when it moved (false: a cloned or replayed authenticator). */
  advancePasskeyCounter(id: string, counter: number): Promise<boolean>;
  deletePasskey(id: string): Promise<boolean>;
  createWebAuthnChallenge(c: WebAuthnChallenge): Promise<void>;
  /** Marks an unused, unexpired challenge used and returns it; null for exactly all callers but one. */
  consumeWebAuthnChallenge(id: string, now: number): Promise<WebAuthnChallenge | null>;

  // Phones and SMS codes.
  /** One phone per user: replaces any earlier one. */
  replacePhone(phone: Phone): Promise<void>;
  getUserPhone(userId: string): Promise<Phone | null>;
  updatePhone(userId: string, patch: Partial<Pick<Phone, 'verifiedAt' | 'lastUsedAt'>>): Promise<void>;
  deleteUserPhone(userId: string): Promise<boolean>;
  createSmsCode(code: SmsCode): Promise<void>;
  getSmsCode(id: string): Promise<SmsCode | null>;
  /** Counts one attempt on a live code if fewer than `max` were made; returns the code after counting, or null (unknown, used, expired, or out of attempts). */
  attemptSmsCode(id: string, max: number, now: number): Promise<SmsCode | null>;
  /** Marks a live code used; true for exactly one caller. */
  consumeSmsCode(id: string, now: number): Promise<boolean>;
  /** Codes sent since `since` (exclusive) to this user or to this number. */
  countSmsCodes(filter: { userId?: string; phone?: string; since: number }): Promise<number>;
  /**
   * Stores the code only while fewer than `maxPerUser` codes went to its user, and fewer than
   * `maxPerNumber` to its number, since `since` (exclusive): count and insert are one atomic
   * step, so parallel sends cannot slip past the limit. Answers the limit that refused it, or null.
   */
  createSmsCodeWithin(code: SmsCode, limits: { since: number; maxPerUser: number; maxPerNumber: number }): Promise<'user' | 'number' | null>;

  // The lab outbox (SMS lab phone, email notices).
  appendOutbox(message: OutboxMessage): Promise<void>;
  listOutbox(filter: { channel?: OutboxMessage['channel']; to?: string; limit: number }): Promise<OutboxMessage[]>;

  // App registrations (OpenID Connect clients) and each user's consent per app.
  createApp(app: App): Promise<void>;
  getApp(id: string): Promise<App | null>;
  listApps(): Promise<App[]>;
  /** Writes every field but id and createdAt; false when the app is gone. */
  replaceApp(app: App): Promise<boolean>;
  /** Deletes the app and, with it, every consent given to it. */
  deleteApp(id: string): Promise<boolean>;
  getConsent(userId: string, appId: string): Promise<AppConsent | null>;
  /** One consent per user and app: replaces an earlier one. */
  saveConsent(consent: AppConsent): Promise<void>;
  deleteConsent(userId: string, appId: string): Promise<void>;

  // The OpenID provider's records (its adapter). Expired records are not found.
  /** Inserts or replaces the record of this kind and id. */
  saveOidcRecord(record: OidcRecord): Promise<void>;
  findOidcRecord(kind: string, by: { id: string } | { uid: string } | { userCode: string }, now: number): Promise<OidcRecord | null>;
  /** Marks the record consumed; true for exactly one caller. */
  consumeOidcRecord(kind: string, id: string, at: number): Promise<boolean>;
  deleteOidcRecord(kind: string, id: string): Promise<void>;
  /** Deletes every record of a grant (its tokens and codes, the grant itself); returns how many. */
  deleteOidcGrant(grantId: string): Promise<number>;

  /**
   * A unit of work: runs `fn` with these stores over one transaction, so that its writes commit
   * together, or none of them when `fn` throws (a crash mid-way leaves nothing half-written).
   * With `exclusive`, no other unit of work naming one of those keys runs at the same time on
   * any instance, so a count and the write it allows cannot be raced. Inside `fn` use `tx` only
   * (on SQLite the repository itself waits for the transaction to end), and `tx` only until `fn`
   * settles; `tx.atomically` joins the same transaction and takes its keys there.
   */
  atomically<T>(fn: (tx: Repository) => Promise<T>, opts?: { exclusive?: readonly string[] }): Promise<T>;

  /** Resolves when the database answers and takes writes (readiness); rejects otherwise. */
  ping(): Promise<void>;

  close(): Promise<void>;
}
