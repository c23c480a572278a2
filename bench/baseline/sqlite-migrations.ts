// Schema migrations, applied in order; PRAGMA user_version records how many ran.
// Never edit a shipped migration: append a new one.
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    upn TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    groups_json TEXT NOT NULL DEFAULT '[]',
    roles_json TEXT NOT NULL DEFAULT '["user"]',
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    password_failures INTEGER NOT NULL DEFAULT 0,
    push_failures INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0
  );

  CREATE TABLE sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
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
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    challenge_id TEXT,
    methods_json TEXT NOT NULL,
    completed_at INTEGER,
    ip TEXT NOT NULL,
    browser TEXT NOT NULL,
    app TEXT NOT NULL
  );

  CREATE TABLE activations (
    id TEXT PRIMARY KEY,
    code_hash TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER,
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
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER,
    last_command_at INTEGER NOT NULL DEFAULT 0
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
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    status TEXT NOT NULL,
    answered_at INTEGER,
    answered_by TEXT,
    flow_id TEXT
  );
  CREATE INDEX challenges_user_status ON challenges(user_id, status);

  CREATE TABLE taps (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL UNIQUE REFERENCES users(id) ON DELETE CASCADE,
    hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    starts_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    one_time INTEGER NOT NULL,
    used_at INTEGER,
    created_by TEXT NOT NULL
  );

  CREATE TABLE audit (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
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

  CREATE TABLE signins (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
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

  CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    user_id TEXT NOT NULL,
    detail TEXT NOT NULL
  );
  `,
  // 2: sign-in log fields (OS, reason, authentication requirement) and indexes for alert rules.
  `
  ALTER TABLE signins ADD COLUMN os TEXT NOT NULL DEFAULT '';
  ALTER TABLE signins ADD COLUMN reason TEXT;
  ALTER TABLE signins ADD COLUMN requirement TEXT NOT NULL DEFAULT 'none';
  CREATE INDEX challenges_user_created ON challenges(user_id, created_at);
  CREATE INDEX alerts_user_kind ON alerts(user_id, kind, at);
  `,
  // 3: audit entries carry the sign-in's or the request's correlation id.
  `ALTER TABLE audit ADD COLUMN correlation_id TEXT;`,
  // 4: passkeys and their ceremonies' challenges, phones and SMS codes, the lab outbox.
  `
  CREATE TABLE passkeys (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    credential_id TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    counter INTEGER NOT NULL DEFAULT 0,
    transports_json TEXT NOT NULL DEFAULT '[]',
    name TEXT NOT NULL,
    aaguid TEXT NOT NULL,
    backed_up INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER
  );
  CREATE INDEX passkeys_user ON passkeys(user_id);

  CREATE TABLE webauthn_challenges (
    id TEXT PRIMARY KEY,
    user_id TEXT REFERENCES users(id) ON DELETE CASCADE,
    flow_id TEXT,
    purpose TEXT NOT NULL,
    challenge TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );

  CREATE TABLE phones (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    number TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    verified_at INTEGER,
    last_used_at INTEGER
  );

  CREATE TABLE sms_codes (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    purpose TEXT NOT NULL,
    flow_id TEXT,
    code_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    used_at INTEGER
  );
  CREATE INDEX sms_codes_user ON sms_codes(user_id, created_at);
  CREATE INDEX sms_codes_phone ON sms_codes(phone, created_at);

  CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    at INTEGER NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    user_id TEXT,
    text TEXT NOT NULL
  );
  CREATE INDEX outbox_recipient ON outbox(channel, recipient, at);
  `,
  // 5: each sign-in keeps its flow's expiry, so that one left unfinished ends as abandoned
  // even after the flow itself is purged. Older rows take it from their flow, or (flow gone,
  // hence expired) their start.
  `
  ALTER TABLE signins ADD COLUMN expires_at INTEGER NOT NULL DEFAULT 0;
  UPDATE signins SET expires_at = coalesce((SELECT f.expires_at FROM flows f WHERE f.id = signins.id), at);
  CREATE INDEX signins_open ON signins(expires_at) WHERE result = 'in_progress';
  `,
  // A sign-in's protocol trace came after this baseline; the server writes one as it signs in.
  `
  CREATE TABLE protocol_events (
    id TEXT PRIMARY KEY,
    flow_id TEXT NOT NULL,
    challenge_id TEXT NOT NULL,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    device_id TEXT NOT NULL,
    via TEXT,
    payload TEXT
  );
  CREATE INDEX protocol_events_flow ON protocol_events(flow_id, at);
  `,
];
