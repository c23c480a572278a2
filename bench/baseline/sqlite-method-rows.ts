// Row ↔ record mapping for passkeys, WebAuthn challenges, phones,
// SMS codes, the lab outbox); shared by SQLite and PostgreSQL like rows.ts.
import type { OutboxMessage, Passkey, Phone, SmsCode, WebAuthnChallenge } from '../../server/domain/types.ts';

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const numOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export const toPasskey = (r: Row): Passkey => ({
  id: String(r.id),
  userId: String(r.user_id),
  credentialId: String(r.credential_id),
  publicKey: String(r.public_key),
  counter: num(r.counter),
  transports: JSON.parse(String(r.transports_json)) as string[],
  name: String(r.name),
  aaguid: String(r.aaguid),
  backedUp: Number(r.backed_up) === 1,
  createdAt: num(r.created_at),
  lastUsedAt: numOrNull(r.last_used_at),
});

export const toWebAuthnChallenge = (r: Row): WebAuthnChallenge => ({
  id: String(r.id),
  userId: strOrNull(r.user_id),
  flowId: strOrNull(r.flow_id),
  purpose: String(r.purpose) as WebAuthnChallenge['purpose'],
  challenge: String(r.challenge),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  usedAt: numOrNull(r.used_at),
});

export const toPhone = (r: Row): Phone => ({
  userId: String(r.user_id),
  number: String(r.number),
  createdAt: num(r.created_at),
  verifiedAt: numOrNull(r.verified_at),
  lastUsedAt: numOrNull(r.last_used_at),
});

export const toSmsCode = (r: Row): SmsCode => ({
  id: String(r.id),
  userId: String(r.user_id),
  phone: String(r.phone),
  purpose: String(r.purpose) as SmsCode['purpose'],
  flowId: strOrNull(r.flow_id),
  codeHash: String(r.code_hash),
  createdAt: num(r.created_at),
  expiresAt: num(r.expires_at),
  attempts: num(r.attempts),
  usedAt: numOrNull(r.used_at),
});

export const toOutbox = (r: Row): OutboxMessage => ({
  id: String(r.id),
  at: num(r.at),
  channel: String(r.channel) as OutboxMessage['channel'],
  to: String(r.recipient),
  userId: strOrNull(r.user_id),
  text: String(r.text),
});

/** The outbox's `to` is a column named `recipient`. */
export const outboxColumns = (m: OutboxMessage) => ({ id: m.id, at: m.at, channel: m.channel, recipient: m.to, userId: m.userId, text: m.text });
