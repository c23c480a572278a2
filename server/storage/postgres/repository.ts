// PostgreSQL implementation of the Repository (pg), for running many instances against
// one database. Single-use values are consumed by one conditional UPDATE … RETURNING,
// which PostgreSQL serialises per row, so exactly one caller wins across all instances.
import pg from 'pg';
import type { Repository } from '../repository.ts';
import type { Activation, Alert, AuditEntry, AuditFilter, Challenge, Device, Flow, Session, SignInEntry, SignInFilter, Tap, User } from '../../domain/types.ts';
import { MIGRATIONS } from './migrations.ts';
import * as rows from '../sqlite/rows.ts';
import * as mrows from '../sqlite/method-rows.ts';
import type { OutboxMessage, Passkey, Phone, SmsCode, WebAuthnChallenge } from '../../domain/types.ts';

type Row = Record<string, unknown>;
const COLUMN_RE = /^[a-z_]+$/;
const SCHEMA_RE = /^[a-z_][a-z0-9_]*$/;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);
const contains = (s: string) => `%${escapeLike(s)}%`;
/** Any constant will do; it only has to be the same for every instance. */
const MIGRATION_LOCK = 7_146_011;

export interface PostgresOptions {
  connectionString: string;
  /** A schema to use instead of public (tests isolate themselves this way). Created if missing. */
  schema?: string;
  max?: number;
}

export async function openPostgres(opts: PostgresOptions): Promise<PostgresRepository> {
  if (opts.schema && !SCHEMA_RE.test(opts.schema)) throw new TypeError(`openPostgres: bad schema name "${opts.schema}"`);
  const pool = new pg.Pool({
    connectionString: opts.connectionString,
    max: opts.max ?? 10,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  if (opts.schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${opts.schema}`);
  await migrate(pool);
  return new PostgresRepository(pool);
}

async function migrate(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows: done } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM schema_migrations');
    for (let i = done[0]!.n; i < MIGRATIONS.length; i++) {
      await client.query('BEGIN');
      try {
        await client.query(MIGRATIONS[i]!);
        await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [i + 1, Date.now()]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw err;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
    client.release();
  }
}

export class PostgresRepository implements Repository {
  /** Public for the rate limiters, which keep their counts in the same database (rate_limits). */
  constructor(readonly pool: pg.Pool) {}

  private async all(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }
  private async one(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.all(sql, params))[0];
  }
  private async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.pool.query(sql, params)).rowCount ?? 0;
  }
  private async insert(table: string, record: object, conflict = ''): Promise<void> {
    const cols = rows.toColumns(record as Record<string, unknown>);
    const names = Object.keys(cols);
    for (const n of names) if (!COLUMN_RE.test(n)) throw new TypeError(`insert ${table}: bad column "${n}"`);
    const update = conflict && `ON CONFLICT (${conflict}) DO UPDATE SET ${names.filter((n) => n !== conflict).map((n) => `${n} = excluded.${n}`).join(', ')}`;
    await this.run(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ${update}`, Object.values(cols));
  }
  private async update(table: string, key: string, id: string, patch: object): Promise<void> {
    const cols = rows.toColumns(patch as Record<string, unknown>);
    const names = Object.keys(cols);
    if (names.length === 0) return;
    for (const n of names) if (!COLUMN_RE.test(n)) throw new TypeError(`update ${table}: bad column "${n}"`);
    await this.run(`UPDATE ${table} SET ${names.map((n, i) => `${n} = $${i + 1}`).join(', ')} WHERE ${key} = $${names.length + 1}`, [...Object.values(cols), id]);
  }

  async getSetting(key: string) {
    const r = await this.one('SELECT value FROM settings WHERE key = $1', [key]);
    return r ? String(r.value) : null;
  }
  async setSetting(key: string, value: string) {
    await this.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async initSetting(key: string, value: string) {
    await this.run('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [key, value]);
    return (await this.getSetting(key))!;
  }

  async createUser(user: User) {
    await this.insert('users', user);
  }
  async getUser(id: string) {
    const r = await this.one('SELECT * FROM users WHERE id = $1', [id]);
    return r ? rows.toUser(r) : null;
  }
  async getUserByUpn(upn: string) {
    const r = await this.one('SELECT * FROM users WHERE lower(upn) = lower($1)', [upn]);
    return r ? rows.toUser(r) : null;
  }
  async listUsers(q: { search?: string; limit: number; offset: number }) {
    const like = contains(q.search ?? '');
    return (
      await this.all(`SELECT * FROM users WHERE upn ILIKE $1 OR display_name ILIKE $1 ORDER BY display_name LIMIT $2 OFFSET $3`, [like, q.limit, q.offset])
    ).map(rows.toUser);
  }
  async updateUser(id: string, patch: Partial<User>) {
    await this.update('users', 'id', id, patch);
  }
  async countFailure(userId: string, counter: 'password' | 'push', cap: number, now: number, lockUntil: number) {
    const col = counter === 'password' ? 'password_failures' : 'push_failures';
    // One UPDATE on an unlocked row: PostgreSQL locks the row, so failures on any instance count one by one.
    const r = await this.one(
      `UPDATE users SET
         ${col} = CASE WHEN ${col} + 1 >= $3 THEN 0 ELSE ${col} + 1 END,
         locked_until = CASE WHEN ${col} + 1 >= $3 THEN $4 ELSE locked_until END
       WHERE id = $1 AND locked_until <= $2 RETURNING locked_until`,
      [userId, now, cap, lockUntil],
    );
    if (!r) return { locked: true, newly: false };
    const locked = Number(r.locked_until) > now;
    return { locked, newly: locked };
  }

  async createSession(session: Session) {
    await this.insert('sessions', session);
  }
  async getSession(idHash: string) {
    const r = await this.one('SELECT * FROM sessions WHERE id_hash = $1', [idHash]);
    return r ? rows.toSession(r) : null;
  }
  async touchSession(idHash: string, lastSeenAt: number) {
    await this.run('UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2', [lastSeenAt, idHash]);
  }
  async deleteSession(idHash: string) {
    await this.run('DELETE FROM sessions WHERE id_hash = $1', [idHash]);
  }
  async deleteUserSessions(userId: string) {
    return this.run('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async createFlow(flow: Flow) {
    await this.insert('flows', flow);
  }
  async getFlow(id: string) {
    const r = await this.one('SELECT * FROM flows WHERE id = $1', [id]);
    return r ? rows.toFlow(r) : null;
  }
  async updateFlow(id: string, patch: Partial<Flow>) {
    await this.update('flows', 'id', id, patch);
  }
  async completeFlow(id: string, at: number) {
    return (await this.run(`UPDATE flows SET completed_at = $1, state = 'completed' WHERE id = $2 AND completed_at IS NULL`, [at, id])) === 1;
  }

  async createActivation(a: Activation) {
    await this.insert('activations', a);
  }
  async getActivation(id: string) {
    const r = await this.one('SELECT * FROM activations WHERE id = $1', [id]);
    return r ? rows.toActivation(r) : null;
  }
  async consumeActivation(codeHash: string, now: number) {
    const r = await this.one('UPDATE activations SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING *', [now, codeHash]);
    return r ? rows.toActivation(r) : null;
  }
  async setActivationDevice(id: string, deviceId: string) {
    await this.run('UPDATE activations SET device_id = $1 WHERE id = $2', [deviceId, id]);
  }

  async createDevice(d: Device) {
    await this.insert('devices', d);
  }
  async getDevice(id: string) {
    const r = await this.one('SELECT * FROM devices WHERE id = $1', [id]);
    return r ? rows.toDevice(r) : null;
  }
  async listUserDevices(userId: string) {
    return (await this.all('SELECT * FROM devices WHERE user_id = $1 ORDER BY created_at', [userId])).map(rows.toDevice);
  }
  async updateDevice(id: string, patch: Partial<Device>) {
    await this.update('devices', 'id', id, patch);
  }
  async advanceCommandTimestamp(deviceId: string, timestamp: number) {
    return (await this.run('UPDATE devices SET last_command_at = $1 WHERE id = $2 AND last_command_at < $1', [timestamp, deviceId])) === 1;
  }

  async createChallenge(c: Challenge) {
    await this.insert('challenges', c);
  }
  async getChallenge(id: string) {
    const r = await this.one('SELECT * FROM challenges WHERE id = $1', [id]);
    return r ? rows.toChallenge(r) : null;
  }
  async consumeChallenge(id: string, u: { status: Challenge['status']; answeredAt: number; answeredBy: string | null }, now: number) {
    return (
      (await this.run(`UPDATE challenges SET status = $1, answered_at = $2, answered_by = $3 WHERE id = $4 AND status = 'pending' AND expires_at > $5`, [
        u.status,
        u.answeredAt,
        u.answeredBy,
        id,
        now,
      ])) === 1
    );
  }
  async listPendingForDevice(device: Pick<Device, 'id' | 'userId'>, now: number) {
    return (
      await this.all(
        `SELECT * FROM challenges WHERE user_id = $1 AND status = 'pending' AND expires_at > $2 AND (device_id IS NULL OR device_id = $3) ORDER BY created_at`,
        [device.userId, now, device.id],
      )
    ).map(rows.toChallenge);
  }
  async expirePending(now: number, limit: number) {
    return (
      await this.all(
        `UPDATE challenges SET status = 'expired', answered_at = expires_at
         WHERE id IN (SELECT id FROM challenges WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at LIMIT $2 FOR UPDATE SKIP LOCKED)
         AND status = 'pending' RETURNING *`,
        [now, limit],
      )
    ).map(rows.toChallenge);
  }
  async cancelPendingForUser(userId: string, now: number) {
    return (
      await this.all(`UPDATE challenges SET status = 'cancelled', answered_at = $1 WHERE user_id = $2 AND status = 'pending' AND expires_at > $1 RETURNING *`, [
        now,
        userId,
      ])
    ).map(rows.toChallenge);
  }

  async replaceTap(tap: Tap) {
    // One active per user: the UNIQUE(user_id) upsert replaces the earlier pass in one statement.
    await this.insert('taps', tap, 'user_id');
  }
  async getUserTap(userId: string) {
    const r = await this.one('SELECT * FROM taps WHERE user_id = $1', [userId]);
    return r ? rows.toTap(r) : null;
  }
  async consumeTap(id: string, now: number) {
    return (await this.run('UPDATE taps SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1', [now, id])) === 1;
  }
  async deleteUserTap(userId: string) {
    await this.run('DELETE FROM taps WHERE user_id = $1', [userId]);
  }

  async appendAudit(e: AuditEntry) {
    const { before, after, ...rest } = e;
    await this.insert('audit', { ...rest, beforeJson: before === undefined ? null : JSON.stringify(before), afterJson: after === undefined ? null : JSON.stringify(after) });
  }
  async listAudit(f: AuditFilter) {
    return (
      await this.all(
        `SELECT * FROM audit WHERE ($1::text IS NULL OR target_id = $1) AND ($2::text IS NULL OR actor_id = $2)
         AND ($3::text IS NULL OR actor_upn ILIKE $3) AND ($4::text IS NULL OR action LIKE $4)
         AND ($5::text IS NULL OR ip = $5) AND ($6::bigint IS NULL OR at >= $6) AND ($7::bigint IS NULL OR at < $7)
         ORDER BY at DESC, seq DESC LIMIT $8 OFFSET $9`,
        [f.targetId ?? null, f.actorId ?? null, f.actor ? contains(f.actor) : null, f.action ? escapeLike(f.action) + '%' : null, f.ip ?? null, f.from ?? null, f.to ?? null, f.limit, f.offset ?? 0],
      )
    ).map(rows.toAudit);
  }
  async upsertSignIn(e: SignInEntry) {
    await this.insert('signins', e, 'id');
  }
  async getSignIn(id: string) {
    const r = await this.one('SELECT * FROM signins WHERE id = $1', [id]);
    return r ? rows.toSignIn(r) : null;
  }
  async listSignIns(f: SignInFilter) {
    return (
      await this.all(
        `SELECT * FROM signins WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR upn ILIKE $2)
         AND ($3::text IS NULL OR methods_json LIKE $3 OR steps_json LIKE $4) AND ($5::text IS NULL OR result = $5)
         AND ($6::text IS NULL OR app = $6) AND ($7::text IS NULL OR ip = $7) AND ($8::bigint IS NULL OR at >= $8) AND ($9::bigint IS NULL OR at < $9)
         ORDER BY at DESC, seq DESC LIMIT $10 OFFSET $11`,
        [
          f.userId ?? null,
          f.upn ? contains(f.upn) : null,
          f.method ? contains(JSON.stringify(f.method)) : null,
          f.method ? contains(`"method":${JSON.stringify(f.method)}`) : null,
          f.result ?? null,
          f.app ?? null,
          f.ip ?? null,
          f.from ?? null,
          f.to ?? null,
          f.limit,
          f.offset ?? 0,
        ],
      )
    ).map(rows.toSignIn);
  }
  async endExpiredSignIns(now: number, end: { failureCode: string; reason: string }, id?: string) {
    return this.run(
      `UPDATE signins SET result = 'failure', failure_code = $2, reason = $3
       WHERE result = 'in_progress' AND expires_at <= $1 AND ($4::text IS NULL OR id = $4)`,
      [now, end.failureCode, end.reason, id ?? null],
    );
  }
  async signInHistory(userId: string, ip: string, location: string, exceptId: string) {
    const r = (await this.one(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE ip = $2)::int AS ip, count(*) FILTER (WHERE location = $3)::int AS loc
       FROM signins WHERE user_id = $1 AND result = 'success' AND id <> $4`,
      [userId, ip, location, exceptId],
    ))!;
    return { any: Number(r.n) > 0, ip: Number(r.ip) > 0, location: Number(r.loc) > 0 };
  }
  async appendAlert(a: Alert) {
    await this.insert('alerts', a);
  }
  async listAlerts(f: { limit: number; userId?: string; kind?: string; since?: number }) {
    return (
      await this.all(
        `SELECT * FROM alerts WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::bigint IS NULL OR at >= $3)
         ORDER BY at DESC, seq DESC LIMIT $4`,
        [f.userId ?? null, f.kind ?? null, f.since ?? null, f.limit],
      )
    ).map(rows.toAlert);
  }

  async challengeStats(userId: string, since: number, now: number) {
    const r = (await this.one(
      `SELECT count(*)::int AS created,
         count(*) FILTER (WHERE status = 'pending' AND expires_at > $3)::int AS outstanding,
         count(*) FILTER (WHERE status IN ('denied', 'reported'))::int AS denied,
         count(*) FILTER (WHERE status = 'expired' OR (status = 'pending' AND expires_at <= $3))::int AS unanswered
       FROM challenges WHERE user_id = $1 AND created_at > $2 AND kind IN ('mfa', 'passwordless')`,
      [userId, since, now],
    ))!;
    return { created: Number(r.created), outstanding: Number(r.outstanding), denied: Number(r.denied), unanswered: Number(r.unanswered) };
  }

  async purge(cutoff: number, now: number) {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const del = async (sql: string, v: number) => (await client.query(sql, [v])).rowCount ?? 0;
      const counts = {
        signIns: await del('DELETE FROM signins WHERE at < $1', cutoff),
        audit: await del('DELETE FROM audit WHERE at < $1', cutoff),
        alerts: await del('DELETE FROM alerts WHERE at < $1', cutoff),
        transient:
          (await del('DELETE FROM flows WHERE expires_at < $1', now)) +
          (await del('DELETE FROM challenges WHERE expires_at < $1', cutoff)) +
          (await del('DELETE FROM activations WHERE expires_at < $1', now)) +
          (await del('DELETE FROM sessions WHERE last_seen_at < $1', cutoff)) +
          // Spent ceremonies and codes (kept past expiry only as long as the send limit looks back), old lab messages.
          (await del('DELETE FROM webauthn_challenges WHERE expires_at < $1', now)) +
          (await del('DELETE FROM sms_codes WHERE expires_at < $1', cutoff)) +
          (await del('DELETE FROM outbox WHERE at < $1', cutoff)),
      };
      await client.query('COMMIT');
      return counts;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  // Passkeys, WebAuthn challenges, phones, SMS codes, the lab outbox.
  async createPasskey(p: Passkey) {
    await this.insert('passkeys', p);
  }
  async getPasskeyByCredentialId(credentialId: string) {
    const r = await this.one('SELECT * FROM passkeys WHERE credential_id = $1', [credentialId]);
    return r ? mrows.toPasskey(r) : null;
  }
  async listUserPasskeys(userId: string) {
    return (await this.all('SELECT * FROM passkeys WHERE user_id = $1 ORDER BY created_at, id', [userId])).map(mrows.toPasskey);
  }
  async updatePasskey(id: string, patch: Partial<Passkey>) {
    await this.update('passkeys', 'id', id, patch);
  }
  async advancePasskeyCounter(id: string, counter: number) {
    return (await this.run('UPDATE passkeys SET counter = $1 WHERE id = $2 AND counter < $1', [counter, id])) === 1;
  }
  async deletePasskey(id: string) {
    return (await this.run('DELETE FROM passkeys WHERE id = $1', [id])) === 1;
  }
  async createWebAuthnChallenge(c: WebAuthnChallenge) {
    await this.insert('webauthn_challenges', c);
  }
  async consumeWebAuthnChallenge(id: string, now: number) {
    const r = await this.one('UPDATE webauthn_challenges SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1 RETURNING *', [now, id]);
    return r ? mrows.toWebAuthnChallenge(r) : null;
  }
  async replacePhone(phone: Phone) {
    // One phone per user: the primary key upsert replaces the earlier number in one statement.
    await this.insert('phones', phone, 'user_id');
  }
  async getUserPhone(userId: string) {
    const r = await this.one('SELECT * FROM phones WHERE user_id = $1', [userId]);
    return r ? mrows.toPhone(r) : null;
  }
  async updatePhone(userId: string, patch: Partial<Phone>) {
    await this.update('phones', 'user_id', userId, patch);
  }
  async deleteUserPhone(userId: string) {
    return (await this.run('DELETE FROM phones WHERE user_id = $1', [userId])) === 1;
  }
  async createSmsCode(c: SmsCode) {
    await this.insert('sms_codes', c);
  }
  async getSmsCode(id: string) {
    const r = await this.one('SELECT * FROM sms_codes WHERE id = $1', [id]);
    return r ? mrows.toSmsCode(r) : null;
  }
  async attemptSmsCode(id: string, max: number, now: number) {
    const r = await this.one(
      'UPDATE sms_codes SET attempts = attempts + 1 WHERE id = $1 AND used_at IS NULL AND expires_at > $2 AND attempts < $3 RETURNING *',
      [id, now, max],
    );
    return r ? mrows.toSmsCode(r) : null;
  }
  async consumeSmsCode(id: string, now: number) {
    return (await this.run('UPDATE sms_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $1', [now, id])) === 1;
  }
  async countSmsCodes(f: { userId?: string; phone?: string; since: number }) {
    const r = (await this.one(
      'SELECT count(*)::int AS n FROM sms_codes WHERE ($1::text IS NULL OR user_id = $1) AND ($2::text IS NULL OR phone = $2) AND created_at > $3',
      [f.userId ?? null, f.phone ?? null, f.since],
    ))!;
    return Number(r.n);
  }
  async createSmsCodeWithin(c: SmsCode, l: { since: number; maxPerUser: number; maxPerNumber: number }) {
    // Transaction-scoped advisory locks on the user and the number (always in that order)
    // serialise count-then-insert across every instance.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query("SELECT pg_advisory_xact_lock(hashtext('pushkey.sms.user:' || $1))", [c.userId]);
      await client.query("SELECT pg_advisory_xact_lock(hashtext('pushkey.sms.number:' || $1))", [c.phone]);
      const count = async (sql: string, v: string) => Number((await client.query(sql, [v, l.since])).rows[0].n);
      let refused: 'user' | 'number' | null = null;
      if ((await count('SELECT count(*)::int AS n FROM sms_codes WHERE user_id = $1 AND created_at > $2', c.userId)) >= l.maxPerUser) refused = 'user';
      else if ((await count('SELECT count(*)::int AS n FROM sms_codes WHERE phone = $1 AND created_at > $2', c.phone)) >= l.maxPerNumber) refused = 'number';
      else {
        const cols = rows.toColumns(c as unknown as Record<string, unknown>);
        const names = Object.keys(cols);
        await client.query(`INSERT INTO sms_codes (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')})`, Object.values(cols));
      }
      await client.query('COMMIT');
      return refused;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }
  async appendOutbox(m: OutboxMessage) {
    await this.insert('outbox', mrows.outboxColumns(m));
  }
  async listOutbox(f: { channel?: OutboxMessage['channel']; to?: string; limit: number }) {
    return (
      await this.all(
        'SELECT * FROM outbox WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR recipient = $2) ORDER BY at DESC, seq DESC LIMIT $3',
        [f.channel ?? null, f.to ?? null, f.limit],
      )
    ).map(mrows.toOutbox);
  }

  async close() {
    await this.pool.end();
  }
}
