// The schema, one list for both engines, applied in order; each engine records how many
// steps ran (SQLite: PRAGMA user_version; PostgreSQL: schema_migrations, under an advisory
// lock). Types differ only where the engines do: times are BIGINT milliseconds on
// PostgreSQL (SQLite's INTEGER is already 64-bit), PostgreSQL keeps insertion order in a
// seq column where SQLite has its rowid, and the UPN is unique whatever its case.
// Never edit a shipped step: append a new one.
export type Dialect = 'sqlite' | 'postgres';

interface Types {
  int64: string;
  /** PostgreSQL's insertion-order column, first in the tables listed newest first. */
  seq: string;
  upnUnique: string;
  upnIndex: string;
}

const TYPES: Record<Dialect, Types> = {
  sqlite: { int64: 'INTEGER', seq: '', upnUnique: ' UNIQUE COLLATE NOCASE', upnIndex: '' },
  postgres: { int64: 'BIGINT', seq: '\n    seq BIGSERIAL UNIQUE,', upnUnique: '', upnIndex: 'CREATE UNIQUE INDEX users_upn ON users (lower(upn));\n' },
};

type Step = (t: Types, dialect: Dialect) => string;

/**
 * The sign-in methods with a bit of signins.method_bits and a partial index each, by bit
 * (1, 2, 4, …): the method filter is then an index read. Append only; a method added here
 * needs a step that creates its index.
 */
export const SIGN_IN_METHOD_BITS = ['password', 'authenticator', 'passwordless', 'tap', 'passkey', 'sms'] as const;

const STEPS: readonly Step[] = [
  (t) => `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    upn TEXT NOT NULL${t.upnUnique},
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    groups_json TEXT NOT NULL DEFAULT '[]',
    roles_json TEXT NOT NULL DEFAULT '["user"]',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at ${t.int64} NOT NULL,
    password_failures INTEGER NOT NULL DEFAULT 0,
    push_failures INTEGER NOT NULL DEFAULT 0,
    locked_until ${t.int64} NOT NULL DEFAULT 0
  );

  ${t.upnIndex}
  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at ${t.int64} NOT NULL,
    last_seen_at ${t.int64} NOT NULL,
    methods_json TEXT NOT NULL,
    ip TEXT NOT NULL,
    browser TEXT NOT NULL
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE flows (
    id TEXT PRIMARY KEY,
    secret_hash TEXT NOT NULL,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    upn TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    challenge_id TEXT,
    methods_json TEXT NOT NULL,
    completed_at ${t.int64},
    ip TEXT NOT NULL,
    browser TEXT NOT NULL,
    app TEXT NOT NULL
  );

  CREATE TABLE activations (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    used_at ${t.int64},
    device_id TEXT
  );

  CREATE TABLE devices (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    public_key TEXT NOT NULL,
    name TEXT NOT NULL,
    client_version TEXT NOT NULL,
    capabilities_json TEXT NOT NULL,
    passwordless INTEGER NOT NULL DEFAULT 0,
    created_at ${t.int64} NOT NULL,
    last_used_at ${t.int64},
    revoked_at ${t.int64},
    last_command_at ${t.int64} NOT NULL DEFAULT 0
  );
  CREATE INDEX devices_user ON devices(user_id);

  CREATE TABLE challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    device_id TEXT,
    kind TEXT NOT NULL,
    nonce TEXT NOT NULL,
    number TEXT NOT NULL,
    app TEXT NOT NULL,
    ip TEXT NOT NULL,
    location TEXT NOT NULL,
    browser TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    status TEXT NOT NULL,
    answered_at ${t.int64},
    answered_by TEXT,
    flow_id TEXT
  );
  CREATE INDEX challenges_user_status ON challenges(user_id, status);

  CREATE TABLE taps (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    starts_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    one_time INTEGER NOT NULL,
    used_at ${t.int64},
    created_by TEXT NOT NULL
  );

  CREATE TABLE audit (${t.seq}
    id TEXT PRIMARY KEY,
    at ${t.int64} NOT NULL,
    actor_id TEXT,
    actor_upn TEXT NOT NULL,
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    ip TEXT NOT NULL
  );
  CREATE INDEX audit_at ON audit(at);

  CREATE TABLE signins (${t.seq}
    id TEXT PRIMARY KEY,
    at ${t.int64} NOT NULL,
    user_id TEXT,
    upn TEXT NOT NULL,
    app TEXT NOT NULL,
    ip TEXT NOT NULL,
    location TEXT NOT NULL,
    browser TEXT NOT NULL,
    result TEXT NOT NULL,
    failure_code TEXT,
    methods_json TEXT NOT NULL,
    steps_json TEXT NOT NULL
  );
  CREATE INDEX signins_at ON signins(at);
  CREATE INDEX signins_user ON signins(user_id, at);

  CREATE TABLE alerts (${t.seq}
    id TEXT PRIMARY KEY,
    at ${t.int64} NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  `,
  // 2: sign-in log fields (OS, reason, authentication requirement) and indexes for alert rules.
  () => `
  ALTER TABLE signins ADD COLUMN os TEXT NOT NULL DEFAULT '';
  ALTER TABLE signins ADD COLUMN reason TEXT;
  ALTER TABLE signins ADD COLUMN requirement TEXT NOT NULL DEFAULT 'none';
  CREATE INDEX challenges_user_created ON challenges(user_id, created_at);
  CREATE INDEX alerts_user_kind ON alerts(user_id, kind, at);
  `,
  // 3: audit entries carry the sign-in's or the request's correlation id.
  () => `ALTER TABLE audit ADD COLUMN correlation_id TEXT;`,
  // 4: passkeys and their ceremonies' challenges, phones and SMS codes, the lab outbox.
  (t) => `
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    counter ${t.int64} NOT NULL DEFAULT 0,
    transports_json TEXT NOT NULL DEFAULT '[]',
    name TEXT NOT NULL,
    aaguid TEXT NOT NULL,
    backed_up INTEGER NOT NULL DEFAULT 0,
    created_at ${t.int64} NOT NULL,
    last_used_at ${t.int64}
  );
  CREATE INDEX passkeys_user ON passkeys(user_id);

  CREATE TABLE webauthn_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    flow_id TEXT,
    purpose TEXT NOT NULL,
    challenge TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    used_at ${t.int64}
  );

  CREATE TABLE phones (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    verified_at ${t.int64},
    last_used_at ${t.int64}
  );

  CREATE TABLE sms_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    flow_id TEXT,
    code_hash TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at ${t.int64}
  );
  CREATE INDEX sms_codes_user ON sms_codes(user_id, created_at);
  CREATE INDEX sms_codes_phone ON sms_codes(phone, created_at);

  CREATE TABLE outbox (${t.seq}
    id TEXT PRIMARY KEY,
    at ${t.int64} NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id TEXT,
    text TEXT NOT NULL
  );
  CREATE INDEX outbox_recipient ON outbox(channel, recipient, at);
  `,
  // 5: the rate limits shared by every instance: rate-limiter-flexible's RateLimiterPostgres
  // table, created here (tableCreated: true) so that the schema has one owner. A single
  // SQLite process keeps its limits in memory.
  (_, dialect) =>
    dialect === 'postgres'
      ? `
  CREATE TABLE rate_limits (
    key VARCHAR(255) PRIMARY KEY,
    points INTEGER NOT NULL DEFAULT 0,
    expire BIGINT
  );
  `
      : '',
  // 6: each sign-in keeps its flow's expiry, so that one left unfinished ends as abandoned
  // even after the flow itself is purged. Older rows take it from their flow, or (flow gone,
  // hence expired) their start.
  (t) => `
  ALTER TABLE signins ADD COLUMN expires_at ${t.int64} NOT NULL DEFAULT 0;
  UPDATE signins SET expires_at = coalesce((SELECT f.expires_at FROM flows f WHERE f.id = signins.id), at);
  CREATE INDEX signins_open ON signins(expires_at) WHERE result = 'in_progress';
  `,
  // 7: one order for rows of the same millisecond on both engines (insertion order: SQLite's
  // rowid, a new seq on PostgreSQL), and SQLite's UPN lookup by lower(upn) as PostgreSQL's.
  (_, dialect) =>
    dialect === 'postgres'
      ? `
  ALTER TABLE devices ADD COLUMN seq BIGSERIAL UNIQUE;
  ALTER TABLE challenges ADD COLUMN seq BIGSERIAL UNIQUE;
  ALTER TABLE passkeys ADD COLUMN seq BIGSERIAL UNIQUE;
  `
      : `CREATE INDEX users_upn_lower ON users (lower(upn));`,
  // 8: every filter of the sign-in log read through an index, newest first: the user, the
  // UPN's start (bytewise, so that a prefix is a range on both engines), the result, the
  // application, the IP, each method (a partial index per bit), and the time alone; and the
  // method each attempt ended with, for the chart. Existing rows take both from their JSON.
  (_, dialect) => `
  ALTER TABLE signins ADD COLUMN method_bits INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE signins ADD COLUMN ended_with TEXT NOT NULL DEFAULT '(none)';
  UPDATE signins SET
    method_bits = ${SIGN_IN_METHOD_BITS.map((m, i) => `(CASE WHEN steps_json LIKE '%"method":"${m}"%' OR methods_json LIKE '%"${m}"%' THEN ${1 << i} ELSE 0 END)`).join(' + ')},
    ended_with = ${dialect === 'postgres' ? `coalesce(steps_json::jsonb -> -1 ->> 'method', methods_json::jsonb ->> -1, '(none)')` : `coalesce(json_extract(steps_json, '$[#-1].method'), json_extract(methods_json, '$[#-1]'), '(none)')`};
  CREATE INDEX signins_upn_start ON signins (lower(upn)${dialect === 'postgres' ? ' COLLATE "C"' : ''}, at);
  CREATE INDEX signins_result ON signins (result, at);
  CREATE INDEX signins_app ON signins (app, at);
  CREATE INDEX signins_ip ON signins (ip, at);
  ${SIGN_IN_METHOD_BITS.map((m, i) => `CREATE INDEX signins_method_${m} ON signins (at) WHERE (method_bits & ${1 << i}) <> 0;`).join('\n  ')}
  `,
  // 9: OpenID Connect. App registrations (the provider's clients, the secret stored hashed), each
  // user's remembered consent per app, and the provider's own records (sessions, codes, tokens,
  // grants, interactions) as JSON, one table for every kind, looked up by id, grant, uid or user code.
  (t) => `
  CREATE TABLE apps (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    secret_hash TEXT,
    token_auth_method TEXT NOT NULL,
    redirect_uris_json TEXT NOT NULL,
    post_logout_redirect_uris_json TEXT NOT NULL,
    access_json TEXT NOT NULL,
    created_at ${t.int64} NOT NULL,
    secret_set_at ${t.int64},
    disabled INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE app_consents (
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    app_id TEXT NOT NULL REFERENCES apps(id) ON DELETE CASCADE,
    scopes TEXT NOT NULL,
    granted_at ${t.int64} NOT NULL,
    PRIMARY KEY (user_id, app_id)
  );

  CREATE TABLE oidc_records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    payload TEXT NOT NULL,
    grant_id TEXT,
    uid TEXT,
    user_code TEXT,
    created_at ${t.int64} NOT NULL,
    expires_at ${t.int64} NOT NULL,
    consumed_at ${t.int64},
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX oidc_records_grant ON oidc_records(grant_id) WHERE grant_id IS NOT NULL;
  CREATE INDEX oidc_records_uid ON oidc_records(uid) WHERE uid IS NOT NULL;
  CREATE INDEX oidc_records_user_code ON oidc_records(user_code) WHERE user_code IS NOT NULL;
  CREATE INDEX oidc_records_expiry ON oidc_records(expires_at);
  `,
  // 10: after "No, it's not me", pushes to the user pause until push_paused_until, and the user
  // is at risk (since risk_since, for risk_detail) until an admin clears it.
  (t) => `
  ALTER TABLE users ADD COLUMN push_paused_until ${t.int64} NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN risk_since ${t.int64};
  ALTER TABLE users ADD COLUMN risk_detail TEXT NOT NULL DEFAULT '';
  `,
  // 11: a sign-in made for an app that asked for an authentication level (acr_values) keeps
  // that level, so that no step finishes it below what the app asked.
  () => `ALTER TABLE flows ADD COLUMN required_acr TEXT;`,
  // 12: when the helpdesk last reset the password, which opens the onboarding window again.
  (t) => `ALTER TABLE users ADD COLUMN password_reset_at ${t.int64} NOT NULL DEFAULT 0;`,
  // 13: an app may be allowed to ask for sign-ins on the user's authenticator without a browser
  // (OpenID Connect CIBA); none is until an admin says so.
  () => `ALTER TABLE apps ADD COLUMN backchannel INTEGER NOT NULL DEFAULT 0;`,
  // 14: wrong passwords for a user name that names no account count and lock as for an
  // account, keyed by the name, so the lockout does not tell which names exist.
  (t) => `
  CREATE TABLE name_lockouts (
    name TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    locked_until ${t.int64} NOT NULL
  );
  `,
  // 15: whether the device's app lock verified the person for the answer (a second factor).
  () => `ALTER TABLE challenges ADD COLUMN user_verified INTEGER NOT NULL DEFAULT 0;`,
  // 16: each sign-in's protocol trace, for its timeline: the signed pushes as sealed, their
  // deliveries (channel or poll) and the device's answer as received, each with its time.
  // Read by the sign-in's flow id (its correlation id); purged with the sign-in log.
  (t) => `
  CREATE TABLE protocol_events (${t.seq}
    id TEXT PRIMARY KEY,
    flow_id TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    at ${t.int64} NOT NULL,
    kind TEXT NOT NULL,
    device_id TEXT NOT NULL,
    via TEXT,
    payload TEXT
  );
  CREATE INDEX protocol_events_flow ON protocol_events(flow_id, at);
  CREATE INDEX protocol_events_at ON protocol_events(at);
  `,
];

/** The steps as SQL for one engine; step i (0-based) is migration number i + 1. */
export const migrations = (dialect: Dialect): string[] => STEPS.map((step) => step(TYPES[dialect], dialect));
