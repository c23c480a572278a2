// The baseline for bench/signin-storage.bench.ts only: the SQLite repository as it shipped
// before storage was written once (hand-written SQL, prepared statements cached). Not used
// by the server. The SQLite implementation of the Repository (better-sqlite3 12, WAL, foreign keys).
// better-sqlite3 is synchronous and this process has one connection, so every statement
// is atomic; single-use values are consumed by one conditional UPDATE.
import Database from 'better-sqlite3';
import type { Repository } from '../../server/storage/repository.ts';
import type { Activation, Alert, AuditEntry, AuditFilter, Challenge, Device, Flow, Session, SignInChartData, SignInEntry, SignInFilter, SignInPoint, Tap, User } from '../../server/domain/types.ts';
import { MIGRATIONS } from './sqlite-migrations.ts';
import * as rows from './sqlite-rows.ts';
import * as mrows from './sqlite-method-rows.ts';
import type { OutboxMessage, Passkey, Phone, ProtocolEvent, SmsCode, WebAuthnChallenge } from '../../server/domain/types.ts';

type Row = Record<string, unknown>;

export interface SqliteOptions {
  /** A file path, or ':memory:'. */
  filename: string;
  /** FULL survives power loss; NORMAL is ~10× faster in WAL mode and loses at most the last commits on power loss. */
  synchronous?: 'FULL' | 'NORMAL';
}

export function openSqlite(opts: SqliteOptions): Repository {
  const db = new Database(opts.filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${opts.synchronous ?? 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return Object.assign(new SqliteRepository(db), appsAbsent);
}

// App registrations and the OpenID provider came after this baseline; the benchmark never uses
// them (an approval looks for the back-channel request it may settle, and finds none).
// Nor the lockout of unknown names and the count of other sessions (a benchmark signs in known users only).
type AppsPart = 'countNameFailure' | 'nameLockedUntil' | 'countUserSessions' | 'createApp' | 'getApp' | 'listApps' | 'replaceApp' | 'deleteApp' | 'getConsent' | 'saveConsent' | 'deleteConsent'
  | 'saveOidcRecord' | 'findOidcRecord' | 'consumeOidcRecord' | 'deleteOidcRecord' | 'deleteOidcGrant' | 'replaceSetting';
const absent = () => Promise.reject(new TypeError('Not in the baseline repository'));
const appsAbsent: Pick<Repository, AppsPart> = {
  countNameFailure: absent, nameLockedUntil: absent, countUserSessions: absent,
  createApp: absent, getApp: absent, listApps: absent, replaceApp: absent, deleteApp: absent, getConsent: absent, saveConsent: absent, deleteConsent: absent,
  saveOidcRecord: absent, findOidcRecord: async () => null, consumeOidcRecord: absent, deleteOidcRecord: absent, deleteOidcGrant: absent, replaceSetting: absent,
};

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  for (let i = current; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}

const COLUMN_RE = /^[a-z_]+$/;
const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => '\\' + c);
const contains = (s: string) => `%${escapeLike(s)}%`;

class SqliteRepository implements Omit<Repository, AppsPart> {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }
  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }
  private run(sql: string, ...params: unknown[]): number {
    return this.stmt(sql).run(...params).changes;
  }
  private insert(table: string, record: object): void {
    const cols = rows.toColumns(record as Record<string, unknown>);
    const names = Object.keys(cols);
    this.run(`INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})`, cols);
  }
  private update(table: string, key: string, id: string, patch: object): void {
    const cols = rows.toColumns(patch as Record<string, unknown>);
    const names = Object.keys(cols);
    if (names.length === 0) return;
    for (const n of names) if (!COLUMN_RE.test(n)) throw new TypeError(`update ${table}: bad column "${n}"`);
    this.run(`UPDATE ${table} SET ${names.map((n) => `${n} = @${n}`).join(', ')} WHERE ${key} = @__id`, { ...cols, __id: id });
  }

  async getSetting(key: string) {
    const r = this.get('SELECT value FROM settings WHERE key = ?', key);
    return r ? String(r.value) : null;
  }
  async setSetting(key: string, value: string) {
    this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value', key, value);
  }

  async initSetting(key: string, value: string) {
    this.run('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING', key, value);
    return (await this.getSetting(key))!;
  }

  async createUser(user: User) {
    // The baseline's schema predates these fields.
    const { pushPausedUntil: _paused, passwordResetAt: _reset, risk: _risk, ...row } = user;
    this.insert('users', row);
  }
  async getUser(id: string) {
    const r = this.get('SELECT * FROM users WHERE id = ?', id);
    return r ? rows.toUser(r) : null;
  }
  async getUserByUpn(upn: string) {
    const r = this.get('SELECT * FROM users WHERE upn = ?', upn);
    return r ? rows.toUser(r) : null;
  }
  async listUsers(q: { search?: string; limit: number; offset: number }) {
    const like = contains(q.search ?? '');
    return this.all(
      `SELECT * FROM users WHERE upn LIKE ? ESCAPE '\\' OR display_name LIKE ? ESCAPE '\\' ORDER BY display_name LIMIT ? OFFSET ?`,
      like,
      like,
      q.limit,
      q.offset,
    ).map(rows.toUser);
  }
  async updateUser(id: string, patch: Partial<User>) {
    this.update('users', 'id', id, patch);
  }
  async countFailure(userId: string, counter: 'password' | 'push', cap: number, now: number, lockUntil: number) {
    const col = counter === 'password' ? 'password_failures' : 'push_failures';
    // One statement, matching only an unlocked row: a locked user is not counted.
    const r = this.get(
      `UPDATE users SET
         ${col} = CASE WHEN ${col} + 1 >= @cap THEN 0 ELSE ${col} + 1 END,
         locked_until = CASE WHEN ${col} + 1 >= @cap THEN @lockUntil ELSE locked_until END
       WHERE id = @userId AND locked_until <= @now RETURNING locked_until`,
      { userId, cap, now, lockUntil },
    );
    if (!r) return { locked: true, newly: false };
    const locked = Number(r.locked_until) > now;
    return { locked, newly: locked };
  }

  async createSession(session: Session) {
    this.insert('sessions', session);
  }
  async getSession(idHash: string) {
    const r = this.get('SELECT * FROM sessions WHERE id_hash = ?', idHash);
    return r ? rows.toSession(r) : null;
  }
  async touchSession(idHash: string, lastSeenAt: number) {
    this.run('UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?', lastSeenAt, idHash);
  }
  async shiftSession(idHash: string, byMs: number) {
    this.run('UPDATE sessions SET created_at = created_at + ?, last_seen_at = last_seen_at + ? WHERE id_hash = ?', byMs, byMs, idHash);
  }
  async deleteSession(idHash: string) {
    this.run('DELETE FROM sessions WHERE id_hash = ?', idHash);
  }
  async deleteUserSessions(userId: string) {
    return this.run('DELETE FROM sessions WHERE user_id = ?', userId);
  }

  async createFlow({ requiredAcr: _, ...flow }: Flow) {
    this.insert('flows', flow);
  }
  async getFlow(id: string) {
    const r = this.get('SELECT * FROM flows WHERE id = ?', id);
    return r ? rows.toFlow(r) : null;
  }
  async updateFlow(id: string, patch: Partial<Flow>) {
    this.update('flows', 'id', id, patch);
  }
  async completeFlow(id: string, at: number) {
    return this.run(`UPDATE flows SET completed_at = ?, state = 'completed' WHERE id = ? AND completed_at IS NULL`, at, id) === 1;
  }

  async createActivation(a: Activation) {
    this.insert('activations', a);
  }
  async getActivation(id: string) {
    const r = this.get('SELECT * FROM activations WHERE id = ?', id);
    return r ? rows.toActivation(r) : null;
  }
  async consumeActivation(codeHash: string, now: number) {
    const r = this.get(
      'UPDATE activations SET used_at = ? WHERE code_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING *',
      now,
      codeHash,
      now,
    );
    return r ? rows.toActivation(r) : null;
  }
  async setActivationDevice(id: string, deviceId: string) {
    this.run('UPDATE activations SET device_id = ? WHERE id = ?', deviceId, id);
  }

  async createDevice(d: Device) {
    this.insert('devices', d);
  }
  async getDevice(id: string) {
    const r = this.get('SELECT * FROM devices WHERE id = ?', id);
    return r ? rows.toDevice(r) : null;
  }
  async listUserDevices(userId: string) {
    return this.all('SELECT * FROM devices WHERE user_id = ? ORDER BY created_at', userId).map(rows.toDevice);
  }
  async updateDevice(id: string, patch: Partial<Device>) {
    this.update('devices', 'id', id, patch);
  }
  async advanceCommandTimestamp(deviceId: string, timestamp: number) {
    return this.run('UPDATE devices SET last_command_at = ? WHERE id = ? AND last_command_at < ?', timestamp, deviceId, timestamp) === 1;
  }

  async createChallenge(c: Challenge) {
    // The app lock came after this repository: its schema has no user_verified column.
    const { userVerified: _, ...row } = c;
    this.insert('challenges', row);
  }
  async getChallenge(id: string) {
    const r = this.get('SELECT * FROM challenges WHERE id = ?', id);
    return r ? rows.toChallenge(r) : null;
  }
  async consumeChallenge(id: string, u: { status: Challenge['status']; answeredAt: number; answeredBy: string | null }, now: number) {
    return (
      this.run(
        `UPDATE challenges SET status = ?, answered_at = ?, answered_by = ? WHERE id = ? AND status = 'pending' AND expires_at > ?`,
        u.status,
        u.answeredAt,
        u.answeredBy,
        id,
        now,
      ) === 1
    );
  }
  async listPendingForDevice(device: Pick<Device, 'id' | 'userId'>, now: number) {
    return this.all(
      `SELECT * FROM challenges WHERE user_id = ? AND status = 'pending' AND expires_at > ? AND (device_id IS NULL OR device_id = ?) ORDER BY created_at`,
      device.userId,
      now,
      device.id,
    ).map(rows.toChallenge);
  }
  async expirePending(now: number, limit: number) {
    return this.all(
      `UPDATE challenges SET status = 'expired', answered_at = expires_at
       WHERE id IN (SELECT id FROM challenges WHERE status = 'pending' AND expires_at <= ? ORDER BY expires_at LIMIT ?) RETURNING *`,
      now,
      limit,
    ).map(rows.toChallenge);
  }
  async cancelPendingForUser(userId: string, now: number) {
    return this.all(
      `UPDATE challenges SET status = 'cancelled', answered_at = ? WHERE user_id = ? AND status = 'pending' AND expires_at > ? RETURNING *`,
      now,
      userId,
      now,
    ).map(rows.toChallenge);
  }

  async replaceTap(tap: Tap) {
    this.db.transaction(() => {
      this.run('DELETE FROM taps WHERE user_id = ?', tap.userId);
      this.insert('taps', tap);
    })();
  }
  async getUserTap(userId: string) {
    const r = this.get('SELECT * FROM taps WHERE user_id = ?', userId);
    return r ? rows.toTap(r) : null;
  }
  async consumeTap(id: string, now: number) {
    return this.run('UPDATE taps SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?', now, id, now) === 1;
  }
  async deleteUserTap(userId: string) {
    this.run('DELETE FROM taps WHERE user_id = ?', userId);
  }

  async appendAudit(e: AuditEntry) {
    const { before, after, ...rest } = e;
    this.insert('audit', { ...rest, beforeJson: before === undefined ? null : JSON.stringify(before), afterJson: after === undefined ? null : JSON.stringify(after) });
  }
  async listAudit(f: AuditFilter) {
    return this.all(
      `SELECT * FROM audit WHERE (@targetId IS NULL OR target_id = @targetId) AND (@actorId IS NULL OR actor_id = @actorId)
       AND (@actor IS NULL OR actor_upn LIKE @actor ESCAPE '\\') AND (@action IS NULL OR action LIKE @action ESCAPE '\\')
       AND (@ip IS NULL OR ip = @ip) AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
       ORDER BY at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
      {
        targetId: f.targetId ?? null,
        actorId: f.actorId ?? null,
        actor: f.actor ? contains(f.actor) : null,
        action: f.action ? escapeLike(f.action) + '%' : null,
        ip: f.ip ?? null,
        from: f.from ?? null,
        to: f.to ?? null,
        limit: f.limit,
        offset: f.offset ?? 0,
      },
    ).map(rows.toAudit);
  }
  async upsertSignIn(e: SignInEntry) {
    const cols = rows.toColumns(e as unknown as Record<string, unknown>);
    const names = Object.keys(cols);
    this.run(
      `INSERT INTO signins (${names.join(', ')}) VALUES (${names.map((n) => '@' + n).join(', ')})
       ON CONFLICT(id) DO UPDATE SET ${names.filter((n) => n !== 'id').map((n) => `${n} = excluded.${n}`).join(', ')}`,
      cols,
    );
  }
  async getSignIn(id: string) {
    const r = this.get('SELECT * FROM signins WHERE id = ?', id);
    return r ? rows.toSignIn(r) : null;
  }
  async listSignIns(f: SignInFilter) {
    return this.all(
      `SELECT * FROM signins WHERE (@userId IS NULL OR user_id = @userId) AND (@upn IS NULL OR upn LIKE @upn ESCAPE '\\')
       AND (@method IS NULL OR methods_json LIKE @method ESCAPE '\\' OR steps_json LIKE @stepMethod ESCAPE '\\')
       AND (@result IS NULL OR result = @result) AND (@app IS NULL OR app = @app) AND (@ip IS NULL OR ip = @ip)
       AND (@from IS NULL OR at >= @from) AND (@to IS NULL OR at < @to)
       ORDER BY at DESC, rowid DESC LIMIT @limit OFFSET @offset`,
      {
        userId: f.userId ?? null,
        upn: f.upn ? contains(f.upn) : null,
        method: f.method ? contains(JSON.stringify(f.method)) : null,
        stepMethod: f.method ? contains(`"method":${JSON.stringify(f.method)}`) : null,
        result: f.result ?? null,
        app: f.app ?? null,
        ip: f.ip ?? null,
        from: f.from ?? null,
        to: f.to ?? null,
        limit: f.limit,
        offset: f.offset ?? 0,
      },
    ).map(rows.toSignIn);
  }
  /** As the chart was read before: every matching row parsed whole, one point each, the ended-with method taken from its steps. */
  async chartSignIns(f: Omit<SignInFilter, 'limit' | 'offset'>, limit: number): Promise<SignInChartData> {
    const entries = await this.listSignIns({ ...f, limit: limit + 1 });
    const points = entries.slice(0, limit).filter((e) => e.result !== 'in_progress').map((e): SignInPoint => [e.at, e.result === 'success' ? 'success' : 'failure', e.steps.at(-1)?.method ?? e.methods.at(-1) ?? '(none)', 1]);
    return { points, capped: entries.length > limit };
  }
  async endExpiredSignIns(now: number, end: { failureCode: string; reason: string }, id?: string) {
    return this.run(
      `UPDATE signins SET result = 'failure', failure_code = @failureCode, reason = @reason
       WHERE result = 'in_progress' AND expires_at <= @now AND (@id IS NULL OR id = @id)`,
      { now, failureCode: end.failureCode, reason: end.reason, id: id ?? null },
    );
  }
  async signInHistory(userId: string, ip: string, location: string, exceptId: string) {
    const r = this.get(
      `SELECT count(*) AS n, coalesce(sum(ip = @ip), 0) AS ip, coalesce(sum(location = @location), 0) AS loc
       FROM signins WHERE user_id = @userId AND result = 'success' AND id <> @exceptId`,
      { userId, ip, location, exceptId },
    )!;
    return { any: Number(r.n) > 0, ip: Number(r.ip) > 0, location: Number(r.loc) > 0 };
  }
  async appendProtocolEvent(e: ProtocolEvent) {
    this.insert('protocol_events', e);
  }
  async listProtocolEvents(flowId: string) {
    return this.all('SELECT * FROM protocol_events WHERE flow_id = ? ORDER BY at, rowid', flowId).map(
      (r): ProtocolEvent => ({
        id: String(r.id), flowId: String(r.flow_id), challengeId: String(r.challenge_id), at: Number(r.at), kind: r.kind as ProtocolEvent['kind'],
        deviceId: String(r.device_id), via: r.via as ProtocolEvent['via'], payload: r.payload === null ? null : String(r.payload),
      }),
    );
  }
  async appendAlert(a: Alert) {
    this.insert('alerts', a);
  }
  async listAlerts(f: { limit: number; userId?: string; kind?: string; since?: number }) {
    return this.all(
      `SELECT * FROM alerts WHERE (@userId IS NULL OR user_id = @userId) AND (@kind IS NULL OR kind = @kind) AND (@since IS NULL OR at >= @since)
       ORDER BY at DESC, rowid DESC LIMIT @limit`,
      { userId: f.userId ?? null, kind: f.kind ?? null, since: f.since ?? null, limit: f.limit },
    ).map(rows.toAlert);
  }

  async challengeStats(userId: string, since: number, now: number) {
    const r = this.get(
      `SELECT count(*) AS created,
         coalesce(sum(status = 'pending' AND expires_at > @now), 0) AS outstanding,
         coalesce(sum(status IN ('denied', 'reported')), 0) AS denied,
         coalesce(sum(status = 'expired' OR (status = 'pending' AND expires_at <= @now)), 0) AS unanswered
       FROM challenges WHERE user_id = @userId AND created_at > @since AND kind IN ('mfa', 'passwordless')`,
      { userId, since, now },
    )!;
    return { created: Number(r.created), outstanding: Number(r.outstanding), denied: Number(r.denied), unanswered: Number(r.unanswered) };
  }

  async purge(cutoff: number, now: number) {
    return this.db.transaction(() => ({
      signIns: this.run('DELETE FROM signins WHERE at < ?', cutoff),
      audit: this.run('DELETE FROM audit WHERE at < ?', cutoff),
      alerts: this.run('DELETE FROM alerts WHERE at < ?', cutoff),
      transient:
        this.run('DELETE FROM flows WHERE expires_at < ?', now) +
        this.run('DELETE FROM challenges WHERE expires_at < ?', cutoff) +
        this.run('DELETE FROM activations WHERE expires_at < ?', now) +
        this.run('DELETE FROM sessions WHERE last_seen_at < ?', cutoff) +
        // Spent ceremonies and codes (kept past expiry only as long as the send limit looks back), old lab messages.
        this.run('DELETE FROM webauthn_challenges WHERE expires_at < ?', now) +
        this.run('DELETE FROM sms_codes WHERE expires_at < ?', cutoff) +
        this.run('DELETE FROM outbox WHERE at < ?', cutoff),
    }))();
  }

  // Passkeys, WebAuthn challenges, phones, SMS codes, the lab outbox.
  async createPasskey(p: Passkey) {
    this.insert('passkeys', p);
  }
  async getPasskeyByCredentialId(credentialId: string) {
    const r = this.get('SELECT * FROM passkeys WHERE credential_id = ?', credentialId);
    return r ? mrows.toPasskey(r) : null;
  }
  async listUserPasskeys(userId: string) {
    return this.all('SELECT * FROM passkeys WHERE user_id = ? ORDER BY created_at, rowid', userId).map(mrows.toPasskey);
  }
  async updatePasskey(id: string, patch: Partial<Passkey>) {
    this.update('passkeys', 'id', id, patch);
  }
  async advancePasskeyCounter(id: string, counter: number) {
    return this.run('UPDATE passkeys SET counter = ? WHERE id = ? AND counter < ?', counter, id, counter) === 1;
  }
  async deletePasskey(id: string) {
    return this.run('DELETE FROM passkeys WHERE id = ?', id) === 1;
  }
  async createWebAuthnChallenge(c: WebAuthnChallenge) {
    this.insert('webauthn_challenges', c);
  }
  async consumeWebAuthnChallenge(id: string, now: number) {
    const r = this.get('UPDATE webauthn_challenges SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ? RETURNING *', now, id, now);
    return r ? mrows.toWebAuthnChallenge(r) : null;
  }
  async replacePhone(phone: Phone) {
    this.db.transaction(() => {
      this.run('DELETE FROM phones WHERE user_id = ?', phone.userId);
      this.insert('phones', phone);
    })();
  }
  async getUserPhone(userId: string) {
    const r = this.get('SELECT * FROM phones WHERE user_id = ?', userId);
    return r ? mrows.toPhone(r) : null;
  }
  async updatePhone(userId: string, patch: Partial<Phone>) {
    this.update('phones', 'user_id', userId, patch);
  }
  async deleteUserPhone(userId: string) {
    return this.run('DELETE FROM phones WHERE user_id = ?', userId) === 1;
  }
  async createSmsCode(c: SmsCode) {
    this.insert('sms_codes', c);
  }
  async getSmsCode(id: string) {
    const r = this.get('SELECT * FROM sms_codes WHERE id = ?', id);
    return r ? mrows.toSmsCode(r) : null;
  }
  async attemptSmsCode(id: string, max: number, now: number) {
    const r = this.get(
      'UPDATE sms_codes SET attempts = attempts + 1 WHERE id = ? AND used_at IS NULL AND expires_at > ? AND attempts < ? RETURNING *',
      id,
      now,
      max,
    );
    return r ? mrows.toSmsCode(r) : null;
  }
  async consumeSmsCode(id: string, now: number) {
    return this.run('UPDATE sms_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?', now, id, now) === 1;
  }
  async countSmsCodes(f: { userId?: string; phone?: string; since: number }) {
    const r = this.get(
      'SELECT count(*) AS n FROM sms_codes WHERE (@userId IS NULL OR user_id = @userId) AND (@phone IS NULL OR phone = @phone) AND created_at > @since',
      { userId: f.userId ?? null, phone: f.phone ?? null, since: f.since },
    )!;
    return Number(r.n);
  }
  async createSmsCodeWithin(c: SmsCode, l: { since: number; maxPerUser: number; maxPerNumber: number }) {
    // IMMEDIATE takes the write lock before counting: another process on the same file waits.
    return this.db
      .transaction((): 'user' | 'number' | null => {
        const count = (sql: string, v: string) => Number(this.get(sql, v, l.since)!.n);
        if (count('SELECT count(*) AS n FROM sms_codes WHERE user_id = ? AND created_at > ?', c.userId) >= l.maxPerUser) return 'user';
        if (count('SELECT count(*) AS n FROM sms_codes WHERE phone = ? AND created_at > ?', c.phone) >= l.maxPerNumber) return 'number';
        this.insert('sms_codes', c);
        return null;
      })
      .immediate();
  }
  async appendOutbox(m: OutboxMessage) {
    this.insert('outbox', mrows.outboxColumns(m));
  }
  async listOutbox(f: { channel?: OutboxMessage['channel']; to?: string; limit: number }) {
    return this.all(
      'SELECT * FROM outbox WHERE (@channel IS NULL OR channel = @channel) AND (@to IS NULL OR recipient = @to) ORDER BY at DESC, rowid DESC LIMIT @limit',
      { channel: f.channel ?? null, to: f.to ?? null, limit: f.limit },
    ).map(mrows.toOutbox);
  }

  // Units of work came after this repository. A hand-written one would wrap them as this does:
  // BEGIN IMMEDIATE … COMMIT on the one connection, one unit at a time (what joins an open one
  // runs in it), so that both sides of the benchmark pay for the same guarantee.
  private turn: Promise<unknown> = Promise.resolve();
  atomically<T>(fn: (tx: Repository) => Promise<T>): Promise<T> {
    // The transaction's view: this repository, where a unit of work joins the open one.
    const tx: Repository = Object.assign(Object.create(this) as Repository, { atomically: <U>(f: (t: Repository) => Promise<U>) => f(tx) });
    const unit = this.turn.then(async () => {
      this.db.exec('BEGIN IMMEDIATE');
      try {
        const result = await fn(tx);
        this.db.exec('COMMIT');
        return result;
      } catch (err) {
        this.db.exec('ROLLBACK');
        throw err;
      }
    });
    this.turn = unit.catch(() => undefined);
    return unit;
  }

  async ping() {
    this.db.prepare('select 1').get();
  }

  async close() {
    this.db.close();
  }
}
