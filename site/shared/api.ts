// The site's one API client: every call goes through `call`, which parses the answer and
// turns an HTTP error into an ApiError carrying the server's code and human message.
// Shapes are the server's own types (type-only imports: nothing from server/ is bundled).
import type { AuthenticatorPolicy, AuthenticatorRights, TapPolicy } from '../../server/domain/policy.ts';
import type { DeviceView } from '../../server/domain/devices.ts';
import type { TapView } from '../../server/domain/tap.ts';
import type { PublicUser } from '../../server/domain/users.ts';
import type { ChallengeView, FlowStatus, SignInMethod } from '../../server/domain/signin.ts';
import type { ActivationStatus, ActivationView } from '../../server/domain/enrollment.ts';
import type { Alert, AlertKind, AuditEntry, ChallengeStatus, OutboxMessage, PurgeCounts, Role, SignInChartData, SignInEntry } from '../../server/domain/types.ts';
import type { MonitoringPolicy } from '../../server/domain/monitoring.ts';
import type { PasskeyView } from '../../server/domain/passkeys.ts';
import type { PhoneView, SentCode } from '../../server/domain/sms.ts';
import type { DefaultMethod, OpeningStep, SecondFactor } from '../../server/domain/method-order.ts';
import type { PasskeyPolicy, RegistrationPolicy, SmsPolicy } from '../../server/domain/method-policy.ts';

export type { AuthenticatorPolicy, AuthenticatorRights, TapPolicy, DeviceView, TapView, PublicUser, ChallengeView, FlowStatus, SignInMethod };
export type { ActivationStatus, Alert, AlertKind, AuditEntry, ChallengeStatus, MonitoringPolicy, PurgeCounts, Role, SignInChartData, SignInEntry };
export type { DefaultMethod, OpeningStep, OutboxMessage, PasskeyPolicy, PasskeyView, PhoneView, RegistrationPolicy, SecondFactor, SentCode, SmsPolicy };

export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Server time minus browser time, from the Date header; only trusted when the gap is large. */
let clockOffset = 0;
export const serverNow = (): number => Date.now() + clockOffset;

function noteServerTime(res: Response): void {
  const date = Date.parse(res.headers.get('date') ?? '');
  if (Number.isNaN(date)) return;
  const offset = date - Date.now();
  // The header has one-second resolution: ignore small gaps, correct a wrong browser clock.
  clockOffset = Math.abs(offset) > 5_000 ? offset : 0;
}

async function call<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', "We couldn't reach the server. Check your connection and try again.");
  }
  noteServerTime(res);
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw new ApiError(res.status, 'bad_response', `The server sent an answer we could not read (HTTP ${res.status}).`);
  }
  if (!res.ok) {
    const e = (data ?? {}) as { error?: unknown; message?: unknown };
    throw new ApiError(
      res.status,
      typeof e.error === 'string' ? e.error : 'internal',
      typeof e.message === 'string' ? e.message : `Something went wrong (HTTP ${res.status}). Try again.`,
    );
  }
  return data as T;
}

const get = <T>(path: string, signal?: AbortSignal) => call<T>('GET', path, undefined, signal);
const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);
const put = <T>(path: string, body: unknown) => call<T>('PUT', path, body);
const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, body);
const del = <T>(path: string) => call<T>('DELETE', path);
const q = encodeURIComponent;

export type StepAnswer =
  | { status: 'signed_in' }
  /** `secondFactors`: what may stand in for the push (the push's first), for "I can't use my Authenticator app right now". */
  | { status: 'mfa_required'; challenge: ChallengeView; secondFactors?: SecondFactor[] }
  | { status: 'pending'; challenge: ChallengeView }
  /** The password was right; one of these second factors (the preferred first) must follow. */
  | { status: 'second_factor'; methods: SecondFactor[] };

export interface Me {
  user: PublicUser;
  tenant: string;
  session: { createdAt: number; methods: string[] };
}
export interface MyMethods {
  devices: DeviceView[];
  rights: AuthenticatorRights;
  tap: TapView | null;
}
export interface TestChallenge {
  challengeId: string;
  number: string;
  expiresAt: number;
}
export interface PasswordlessSetup {
  pending: { challengeId: string; number: string; expiresAt: number; deviceName: string } | null;
}

export const signin = {
  start: (username: string) => post<{ flowId: string; username: string; methods: SignInMethod[]; firstStep: OpeningStep }>('/api/signin/start', { username }),
  password: (flowId: string, password: string) => post<StepAnswer>('/api/signin/password', { flowId, password }),
  passwordless: (flowId: string) => post<StepAnswer>('/api/signin/passwordless', { flowId }),
  resend: (flowId: string) => post<StepAnswer>('/api/signin/resend', { flowId }),
  tap: (flowId: string, pass: string) => post<StepAnswer>('/api/signin/tap', { flowId, pass }),
  /** Long poll: answers when the request changes, or after at most 25 s. */
  status: (flowId: string, signal?: AbortSignal) => get<{ status: FlowStatus }>(`/api/signin/status?flowId=${q(flowId)}&wait=1`, signal),
  /** A passkey ceremony: within a flow (after the user name), or without one (the passkey names the user). */
  passkeyOptions: (flowId?: string) => post<{ flowId: string; ceremonyId: string; options: unknown }>('/api/signin/passkey/options', flowId ? { flowId } : {}),
  passkey: (flowId: string, ceremonyId: string, response: unknown) => post<StepAnswer>('/api/signin/passkey', { flowId, ceremonyId, response }),
  sendSms: (flowId: string) => post<SentCode>('/api/signin/sms/send', { flowId }),
  sms: (flowId: string, codeId: string, code: string) => post<StepAnswer>('/api/signin/sms', { flowId, codeId, code }),
  signOut: () => post<{ status: 'signed_out' }>('/api/signin/signout'),
  signOutEverywhere: () => post<{ status: 'signed_out'; sessionsEnded: number }>('/api/signin/signout-everywhere'),
};

/** What the sign-in page may know before anyone signs in. */
export const tenant = {
  get: () => get<{ name: string }>('/api/tenant'),
};

export const me = {
  get: () => get<Me>('/api/me'),
  methods: () => get<MyMethods>('/api/me/methods'),
  startActivation: () => post<ActivationView & { qrSvg: string }>('/api/me/authenticator/activation'),
  activation: (id: string) => get<ActivationStatus>(`/api/me/authenticator/activation/${q(id)}`),
  testNotification: (deviceId?: string) => post<TestChallenge>('/api/me/authenticator/test', deviceId ? { deviceId } : {}),
  withdrawTestNotification: (challengeId: string) => del<null>(`/api/me/authenticator/test/${q(challengeId)}`),
  challenge: (id: string) => get<{ challengeId: string; status: ChallengeStatus | 'expired' }>(`/api/me/challenges/${q(id)}`),
  passwordlessSetup: () => get<PasswordlessSetup>('/api/me/passwordless-setup'),
  deleteDevice: (id: string) => del<{ status: 'deleted' }>(`/api/me/devices/${q(id)}`),
  renameDevice: (id: string, name: string) => patch<DeviceView>(`/api/me/devices/${q(id)}`, { name }),
  activity: () => get<{ signIns: SignInEntry[] }>('/api/me/activity'),
  signInMethods: () => get<MySignInMethods>('/api/me/sign-in-methods'),
  passkeyOptions: () => post<{ ceremonyId: string; options: unknown }>('/api/me/passkeys/options'),
  addPasskey: (ceremonyId: string, name: string, response: unknown) => post<PasskeyView>('/api/me/passkeys', { ceremonyId, name, response }),
  renamePasskey: (id: string, name: string) => patch<PasskeyView>(`/api/me/passkeys/${q(id)}`, { name }),
  deletePasskey: (id: string) => del<{ status: 'deleted' }>(`/api/me/passkeys/${q(id)}`),
  addPhone: (number: string) => post<SentCode>('/api/me/phone', { number }),
  verifyPhone: (codeId: string, code: string) => post<PhoneView>('/api/me/phone/verify', { codeId, code }),
  deletePhone: () => del<{ status: 'deleted' }>('/api/me/phone'),
  setDefaultMethod: (method: DefaultMethod) => put<{ defaultMethod: DefaultMethod }>('/api/me/default-method', { method }),
};

export interface MySignInMethods {
  passkeys: PasskeyView[];
  phone: PhoneView | null;
  rights: { passkey: boolean; sms: boolean };
  defaultMethod: DefaultMethod | null;
  usable: string[];
  /** Why this session may not add a method (registration protection), or null. */
  registrationRefusal: string | null;
}

export interface UserMethods {
  devices: DeviceView[];
  tap: TapView | null;
}
export interface NewUserInput {
  upn: string;
  displayName: string;
  password: string;
  groups?: string[];
  roles?: Role[];
}
export interface UserPatch {
  displayName?: string;
  groups?: string[];
  roles?: Role[];
  disabled?: boolean;
  unlock?: boolean;
}

/** Filters of the admin logs (empty values are left out). Times are epoch milliseconds. */
export type LogFilter = Record<string, string | number | undefined>;
function query(filter: LogFilter): string {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined && v !== '');
  return entries.length ? `?${entries.map(([k, v]) => `${q(k)}=${q(String(v))}`).join('&')}` : '';
}

export const admin = {
  authenticatorPolicy: () => get<AuthenticatorPolicy>('/api/admin/policies/authenticator'),
  saveAuthenticatorPolicy: (p: AuthenticatorPolicy) => put<AuthenticatorPolicy>('/api/admin/policies/authenticator', p),
  tapPolicy: () => get<TapPolicy>('/api/admin/policies/tap'),
  saveTapPolicy: (p: TapPolicy) => put<TapPolicy>('/api/admin/policies/tap', p),
  users: (search = '') => get<{ users: PublicUser[] }>(`/api/admin/users?q=${q(search)}`),
  createUser: (u: NewUserInput) => post<PublicUser>('/api/admin/users', u),
  user: (id: string) => get<PublicUser>(`/api/admin/users/${q(id)}`),
  updateUser: (id: string, p: UserPatch) => patch<PublicUser>(`/api/admin/users/${q(id)}`, p),
  resetPassword: (id: string, password: string) => post<{ status: 'reset' }>(`/api/admin/users/${q(id)}/password`, { password }),
  methods: (id: string) => get<UserMethods>(`/api/admin/users/${q(id)}/methods`),
  issueTap: (id: string, input: { lifetimeMinutes?: number; oneTime?: boolean }) => post<{ pass: string; tap: TapView }>(`/api/admin/users/${q(id)}/tap`, input),
  deleteTap: (id: string) => del<{ status: 'deleted' }>(`/api/admin/users/${q(id)}/tap`),
  revokeDevice: (id: string) => del<{ status: 'revoked' }>(`/api/admin/devices/${q(id)}`),
  audit: (filter: LogFilter = {}) => get<{ entries: AuditEntry[] }>(`/api/admin/audit${query(filter)}`),
  signIns: (filter: LogFilter = {}) => get<{ entries: SignInEntry[] }>(`/api/admin/signins${query(filter)}`),
  /** Every finished attempt the filter matches, for the chart (the rows are paged; the chart is not). */
  signInChart: (filter: LogFilter = {}) => get<SignInChartData>(`/api/admin/signins/chart${query(filter)}`),
  /** A link that downloads the filtered log as a file. */
  exportUrl: (log: 'signins' | 'audit', filter: LogFilter, format: 'csv' | 'json') => `/api/admin/${log}${query({ ...filter, format })}`,
  alerts: (filter: { kind?: AlertKind | ''; from?: number } = {}) => get<{ alerts: Alert[] }>(`/api/admin/alerts${query(filter)}`),
  monitoringPolicy: () => get<MonitoringPolicy>('/api/admin/policies/monitoring'),
  saveMonitoringPolicy: (p: MonitoringPolicy) => put<MonitoringPolicy>('/api/admin/policies/monitoring', p),
  /** Deletes what is older than the retention setting now (global admins); answers what went. */
  purge: () => post<PurgeCounts>('/api/admin/purge'),
  passkeyPolicy: () => get<PasskeyPolicy>('/api/admin/policies/passkey'),
  savePasskeyPolicy: (p: PasskeyPolicy) => put<PasskeyPolicy>('/api/admin/policies/passkey', p),
  smsPolicy: () => get<SmsPolicy>('/api/admin/policies/sms'),
  saveSmsPolicy: (p: SmsPolicy) => put<SmsPolicy>('/api/admin/policies/sms', p),
  registrationPolicy: () => get<RegistrationPolicy>('/api/admin/policies/registration'),
  saveRegistrationPolicy: (p: RegistrationPolicy) => put<RegistrationPolicy>('/api/admin/policies/registration', p),
  userSignInMethods: (id: string) => get<{ passkeys: PasskeyView[]; phone: PhoneView | null; defaultMethod: DefaultMethod | null }>(`/api/admin/users/${q(id)}/sign-in-methods`),
  deleteUserPasskey: (id: string, passkeyId: string) => del<{ status: 'deleted' }>(`/api/admin/users/${q(id)}/passkeys/${q(passkeyId)}`),
  deleteUserPhone: (id: string) => del<{ status: 'deleted' }>(`/api/admin/users/${q(id)}/phone`),
  outbox: (filter: { channel?: 'sms' | 'email'; to?: string } = {}) => get<{ messages: OutboxMessage[] }>(`/api/admin/outbox${query(filter)}`),
};

/** The message to show a person for any failure. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}

/** Every role, in the server's order (types.ts has no runtime imports, so this bundles alone). */
export { ROLES as ROLE_LIST } from '../../server/domain/types.ts';
