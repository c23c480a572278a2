// Row ↔ record mapping for SQLite: snake_case columns, JSON text for lists, 0/1 for booleans.
import type { Activation, Alert, AuditEntry, Challenge, Device, Flow, Session, SignInEntry, Tap, User } from '../../server/domain/types.ts';

type Row = Record<string, unknown>;
const json = <T>(v: unknown): T => JSON.parse(String(v)) as T;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const toUser = (r: Row): User => ({
  id: String(r.id),
  upn: String(r.upn),
  displayName: String(r.display_name),
  passwordHash: String(r.password_hash),
  groups: json(r.groups_json),
  roles: json(r.roles_json),
  disabled: r.disabled === 1,
  createdAt: num(r.created_at),
  passwordFailures: num(r.password_failures),
  pushFailures: num(r.push_failures),
  lockedUntil: num(r.locked_until),
  // Columns the baseline schema predates.
  pushPausedUntil: 0,
  passwordResetAt: 0,
  risk: null,
});

export const toSession = (r: Row): Session => ({
  idHash: String(r.id_hash),
  userId: String(r.user_id),
  createdAt: num(r.created_at),
  lastSeenAt: num(r.last_seen_at),
  methods: json(r.methods_json),
  ip: String(r.ip),
  browser: String(r.browser),
});

export const toFlow = (r: Row): Flow => ({
  id: String(r.id),
  secretHash: String(r.secret_hash),
  userId: strOrNull(r.user_id),
  upn: String(r.upn),
  state: String(r.state) as Flow['state'],
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  challengeId: strOrNull(r.challenge_id),
  methods: json(r.methods_json),
  completedAt: numOrNull(r.completed_at),
  ip: String(r.ip),
  browser: String(r.browser),
  app: String(r.app),
  // The baseline's flows had no requirement column.
  requiredAcr: null,
});

export const toActivation = (r: Row): Activation => ({
  id: String(r.id),
  codeHash: String(r.code_hash),
  userId: String(r.user_id),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  usedAt: numOrNull(r.used_at),
  deviceId: strOrNull(r.device_id),
});

export const toDevice = (r: Row): Device => ({
  id: String(r.id),
  userId: String(r.user_id),
  publicKey: String(r.public_key),
  name: String(r.name),
  clientVersion: String(r.client_version),
  capabilities: json(r.capabilities_json),
  passwordless: r.passwordless === 1,
  createdAt: num(r.created_at),
  lastUsedAt: numOrNull(r.last_used_at),
  revokedAt: numOrNull(r.revoked_at),
  lastCommandAt: num(r.last_command_at),
});

export const toChallenge = (r: Row): Challenge => ({
  id: String(r.id),
  userId: String(r.user_id),
  deviceId: strOrNull(r.device_id),
  kind: String(r.kind) as Challenge['kind'],
  nonce: String(r.nonce),
  number: String(r.number),
  app: String(r.app),
  ip: String(r.ip),
  location: String(r.location),
  browser: String(r.browser),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  status: String(r.status) as Challenge['status'],
  answeredAt: numOrNull(r.answered_at),
  answeredBy: strOrNull(r.answered_by),
  flowId: strOrNull(r.flow_id),
  // The app lock came after this repository; its schema has no such column.
  userVerified: false,
});

export const toTap = (r: Row): Tap => ({
  id: String(r.id),
  userId: String(r.user_id),
  hash: String(r.hash),
  createdAt: num(r.created_at),
  startsAt: num(r.starts_at),
  expiresAt: num(r.expires_at),
  oneTime: r.one_time === 1,
  usedAt: numOrNull(r.used_at),
  createdBy: String(r.created_by),
});

export const toAudit = (r: Row): AuditEntry => ({
  id: String(r.id),
  at: num(r.at),
  actorId: strOrNull(r.actor_id),
  actorUpn: String(r.actor_upn),
  action: String(r.action),
  targetType: String(r.target_type),
  targetId: String(r.target_id),
  before: r.before_json === null ? null : json(r.before_json),
  after: r.after_json === null ? null : json(r.after_json),
  ip: String(r.ip),
  correlationId: strOrNull(r.correlation_id),
});

export const toSignIn = (r: Row): SignInEntry => ({
  id: String(r.id),
  at: num(r.at),
  userId: strOrNull(r.user_id),
  upn: String(r.upn),
  app: String(r.app),
  ip: String(r.ip),
  location: String(r.location),
  browser: String(r.browser),
  os: String(r.os ?? ''),
  result: String(r.result) as SignInEntry['result'],
  expiresAt: num(r.expires_at),
  failureCode: strOrNull(r.failure_code),
  reason: strOrNull(r.reason),
  requirement: String(r.requirement ?? 'none') as SignInEntry['requirement'],
  methods: json(r.methods_json),
  steps: json(r.steps_json),
});

export const toAlert = (r: Row): Alert => ({
  id: String(r.id),
  at: num(r.at),
  kind: String(r.kind) as Alert['kind'],
  userId: String(r.user_id),
  detail: String(r.detail),
});

/** camelCase record field → snake_case column, with lists as JSON and booleans as 0/1. */
export function toColumns(patch: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    const snake = key.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
    if (Array.isArray(value)) out[snake + '_json'] = JSON.stringify(value);
    else if (typeof value === 'boolean') out[snake] = value ? 1 : 0;
    else out[snake] = value;
  }
  return out;
}
