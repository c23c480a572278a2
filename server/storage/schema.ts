// The tables as Kysely sees them: snake_case columns, times in milliseconds, flags 0/1,
// lists as JSON text. These are the types the queries are checked against; what actually
// comes back is parsed by each store (PostgreSQL answers BIGINT as a string, and JSON or
// enum text could hold anything).
export interface SettingsTable { key: string; value: string }

export interface UsersTable {
  id: string;
  upn: string;
  display_name: string;
  password_hash: string;
  groups_json: string;
  roles_json: string;
  disabled: number;
  created_at: number;
  password_failures: number;
  push_failures: number;
  locked_until: number;
  push_paused_until: number;
  risk_since: number | null;
  risk_detail: string;
  password_reset_at: number;
}

/** Failures and lock of a user name that names no account. */
export interface NameLockoutsTable { name: string; failures: number; locked_until: number }

export interface SessionsTable { id_hash: string; user_id: string; created_at: number; last_seen_at: number; methods_json: string; ip: string; browser: string }

export interface FlowsTable {
  id: string;
  secret_hash: string;
  user_id: string | null;
  upn: string;
  state: string;
  created_at: number;
  expires_at: number;
  challenge_id: string | null;
  methods_json: string;
  completed_at: number | null;
  ip: string;
  browser: string;
  app: string;
  required_acr: string | null;
}

export interface ActivationsTable { id: string; code_hash: string; user_id: string; created_at: number; expires_at: number; used_at: number | null; device_id: string | null }

export interface DevicesTable {
  id: string;
  user_id: string;
  public_key: string;
  name: string;
  client_version: string;
  capabilities_json: string;
  passwordless: number;
  created_at: number;
  last_used_at: number | null;
  revoked_at: number | null;
  last_command_at: number;
}

export interface ChallengesTable {
  id: string;
  user_id: string;
  device_id: string | null;
  kind: string;
  nonce: string;
  number: string;
  app: string;
  ip: string;
  location: string;
  browser: string;
  created_at: number;
  expires_at: number;
  status: string;
  answered_at: number | null;
  answered_by: string | null;
  flow_id: string | null;
  user_verified: number;
}

export interface TapsTable { id: string; user_id: string; hash: string; created_at: number; starts_at: number; expires_at: number; one_time: number; used_at: number | null; created_by: string }

export interface AuditTable {
  id: string;
  at: number;
  actor_id: string | null;
  actor_upn: string;
  action: string;
  target_type: string;
  target_id: string;
  before_json: string | null;
  after_json: string | null;
  ip: string;
  correlation_id: string | null;
}

export interface SignInsTable {
  id: string;
  at: number;
  user_id: string | null;
  upn: string;
  app: string;
  ip: string;
  location: string;
  browser: string;
  os: string;
  result: string;
  expires_at: number;
  failure_code: string | null;
  reason: string | null;
  requirement: string;
  methods_json: string;
  steps_json: string;
  /** Every method any step used, one bit each (SIGN_IN_METHOD_BITS): the method filter's indexes read it. */
  method_bits: number;
  /** The method the attempt ended with, as the chart counts it. */
  ended_with: string;
}

export interface AlertsTable { id: string; at: number; kind: string; user_id: string; detail: string }

export interface PasskeysTable {
  id: string;
  user_id: string;
  credential_id: string;
  public_key: string;
  counter: number;
  transports_json: string;
  name: string;
  aaguid: string;
  backed_up: number;
  created_at: number;
  last_used_at: number | null;
}

export interface WebAuthnChallengesTable { id: string; user_id: string | null; flow_id: string | null; purpose: string; challenge: string; created_at: number; expires_at: number; used_at: number | null }

export interface PhonesTable { user_id: string; number: string; created_at: number; verified_at: number | null; last_used_at: number | null }

export interface SmsCodesTable {
  id: string;
  user_id: string;
  phone: string;
  purpose: string;
  flow_id: string | null;
  code_hash: string;
  created_at: number;
  expires_at: number;
  attempts: number;
  used_at: number | null;
}

export interface OutboxTable { id: string; at: number; channel: string; recipient: string; user_id: string | null; text: string }

export interface AppsTable {
  id: string;
  name: string;
  secret_hash: string | null;
  token_auth_method: string;
  redirect_uris_json: string;
  post_logout_redirect_uris_json: string;
  access_json: string;
  created_at: number;
  secret_set_at: number | null;
  disabled: number;
  backchannel: number;
}

export interface AppConsentsTable { user_id: string; app_id: string; scopes: string; granted_at: number }

export interface OidcRecordsTable {
  kind: string;
  id: string;
  payload: string;
  grant_id: string | null;
  uid: string | null;
  user_code: string | null;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

export interface ProtocolEventsTable {
  id: string;
  flow_id: string;
  challenge_id: string;
  at: number;
  kind: string;
  device_id: string;
  via: string | null;
  payload: string | null;
}

export interface Schema {
  settings: SettingsTable;
  users: UsersTable;
  name_lockouts: NameLockoutsTable;
  sessions: SessionsTable;
  flows: FlowsTable;
  activations: ActivationsTable;
  devices: DevicesTable;
  challenges: ChallengesTable;
  taps: TapsTable;
  audit: AuditTable;
  signins: SignInsTable;
  alerts: AlertsTable;
  passkeys: PasskeysTable;
  webauthn_challenges: WebAuthnChallengesTable;
  phones: PhonesTable;
  sms_codes: SmsCodesTable;
  outbox: OutboxTable;
  apps: AppsTable;
  app_consents: AppConsentsTable;
  oidc_records: OidcRecordsTable;
  protocol_events: ProtocolEventsTable;
}
