// The site's one API client: every call goes through `call(route, input)` with a route of
// the table in protocol/http, which fills the path and query, parses the answer with the
// route's answer schema, and turns an HTTP error into an ApiError carrying the server's code
// and human message. The named calls below are one line each over it.
import * as v from 'valibot';
import { api } from '../../protocol/http/index.ts';
import { fillPath, queryString, type AnswerOut, type CallInput, type RouteDef } from '../../protocol/http/route.ts';
import type { Policies, PolicyName } from '../../protocol/http/policies.ts';
import type { DefaultMethod } from '../../protocol/http/methods.ts';
import type { AlertKind } from '../../protocol/http/logs.ts';
import { AuthenticationResponse, RegistrationResponse } from '../../protocol/http/webauthn.ts';
import type { NewUser, UserPatch as UserChange } from '../../protocol/http/users.ts';
import type { AppPatch as AppChange, NewApp } from '../../protocol/http/apps.ts';

export type { AuthenticatorPolicy, MonitoringPolicy, PasskeyPolicy, RegistrationPolicy, SmsPolicy, TapPolicy } from '../../protocol/http/policies.ts';
export type { ActivationStatus, ActivationView, AuthenticatorRights, ChallengeStatus, DeviceView, Me, MyMethods, OtherSessions, PasswordlessSetup, TapView, TestChallenge } from '../../protocol/http/me.ts';
export type { DefaultMethod, MySignInMethods, PasskeyView, PhoneView, SentCode } from '../../protocol/http/methods.ts';
export type { Alert, AlertKind, AuditEntry, OutboxMessage, PurgeCounts, SignInChartData, SignInEntry } from '../../protocol/http/logs.ts';
export type { ChallengeView, FlowStatus, SecondFactor, SignInMethod, StepAnswer } from '../../protocol/http/signin.ts';
export type { PublicUser, Role } from '../../protocol/http/users.ts';
export type { InteractionView } from '../../protocol/http/oidc.ts';
export type { AppView } from '../../protocol/http/apps.ts';
export type { UserMethods, UserSignInMethods } from '../../protocol/http/admin.ts';
export type { LabBoard, LabCell, LabStatus, LabStudent } from '../../protocol/http/lab.ts';
export type { MethodVerdict, WhatIf, WhatIfRule } from '../../protocol/http/what-if.ts';
export type { SignInTimeline, TimelineStep } from '../../protocol/http/timeline.ts';
export { LAB_TASKS, formatLabOffset } from '../../protocol/http/lab.ts';
/** Every role, in the server's order. */
export { ROLES as ROLE_LIST } from '../../protocol/http/users.ts';

export type NewUserInput = v.InferInput<typeof NewUser>;
export type UserPatch = v.InferInput<typeof UserChange>;
export type NewAppInput = v.InferInput<typeof NewApp>;
export type AppPatch = v.InferInput<typeof AppChange>;

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

const unreadable = (status: number) => new ApiError(status, 'bad_response', `The server sent an answer we could not read (HTTP ${status}).`);

/** The URL of a route with these params and query. */
export function urlOf<R extends RouteDef>(route: R, input: CallInput<R>): string {
  return fillPath(route.path, input.params as Record<string, string> | undefined) + queryString(input.query);
}

export async function call<R extends RouteDef>(route: R, input: CallInput<R>, signal?: AbortSignal): Promise<AnswerOut<R>> {
  const body = route.body ? JSON.stringify(input.body ?? {}) : route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}';
  let res: Response;
  try {
    res = await fetch(urlOf(route, input), {
      method: route.method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body,
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiError(0, 'network', "We couldn't reach the server. Check your connection and try again.");
  }
  noteServerTime(res);
  const text = await res.text();
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    throw unreadable(res.status);
  }
  if (!res.ok) {
    const e = isRecord(data) ? data : {};
    throw new ApiError(
      res.status,
      typeof e.error === 'string' ? e.error : 'internal',
      typeof e.message === 'string' ? e.message : `Something went wrong (HTTP ${res.status}). Try again.`,
    );
  }
  const answer = v.safeParse(route.answer, data);
  if (!answer.success) throw unreadable(res.status);
  return answer.output as AnswerOut<R>;
}

/** The browser's passkey answer, read as the route's body needs it (the browser library's own type is wider). */
function passkeyAnswer<S extends typeof AuthenticationResponse | typeof RegistrationResponse>(schema: S, response: unknown): v.InferOutput<S> {
  const parsed = v.safeParse(schema, response);
  if (!parsed.success) throw new ApiError(0, 'bad_request', 'The passkey answer could not be read. Try again.');
  return parsed.output;
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null;

export const signin = {
  /** `interaction`: the app sign-in (OpenID Connect) this is for, whose name the push shows. */
  start: (username: string, interaction?: string) => call(api.signin.start, { body: { username, ...(interaction ? { interaction } : {}) } }),
  password: (flowId: string, password: string) => call(api.signin.password, { body: { flowId, password } }),
  passwordless: (flowId: string) => call(api.signin.passwordless, { body: { flowId } }),
  resend: (flowId: string) => call(api.signin.resend, { body: { flowId } }),
  tap: (flowId: string, pass: string) => call(api.signin.tap, { body: { flowId, pass } }),
  /** Long poll: answers when the request changes, or after at most 25 s. */
  status: (flowId: string, signal?: AbortSignal) => call(api.signin.status, { query: { flowId, wait: '1' } }, signal),
  /** A passkey ceremony: within a flow (after the user name), or without one (the passkey names the user). */
  passkeyOptions: (flowId?: string, interaction?: string) =>
    call(api.signin.passkeyOptions, { body: { ...(flowId ? { flowId } : {}), ...(interaction ? { interaction } : {}) } }),
  passkey: (flowId: string, ceremonyId: string, response: unknown) =>
    call(api.signin.passkey, { body: { flowId, ceremonyId, response: passkeyAnswer(AuthenticationResponse, response) } }),
  sendSms: (flowId: string) => call(api.signin.sendSms, { body: { flowId } }),
  sms: (flowId: string, codeId: string, code: string) => call(api.signin.sms, { body: { flowId, codeId, code } }),
  signOut: () => call(api.signin.signOut, {}),
  signOutEverywhere: () => call(api.signin.signOutEverywhere, {}),
};

/** What the sign-in page may know before anyone signs in. */
export const oidc = {
  /** The app asking for this sign-in, and what it asks for. */
  interaction: (uid: string) => call(api.oidc.interaction, { params: { uid } }),
};

export const tenant = {
  get: () => call(api.tenant.tenant, {}),
};

export const me = {
  get: () => call(api.me.me, {}),
  methods: () => call(api.me.methods, {}),
  startActivation: () => call(api.me.startActivation, {}),
  activation: (id: string) => call(api.me.activation, { params: { id } }),
  codeShown: (id: string) => call(api.me.codeShown, { params: { id } }),
  testNotification: (deviceId?: string) => call(api.me.testNotification, { body: deviceId ? { deviceId } : {} }),
  withdrawTestNotification: (id: string) => call(api.me.withdrawTestNotification, { params: { id } }),
  challenge: (id: string) => call(api.me.challenge, { params: { id } }),
  passwordlessSetup: () => call(api.me.passwordlessSetup, {}),
  deleteDevice: (id: string) => call(api.me.deleteDevice, { params: { id } }),
  renameDevice: (id: string, name: string) => call(api.me.renameDevice, { params: { id }, body: { name } }),
  activity: () => call(api.me.activity, {}),
  /** One of the person's own sign-ins, step by step (another's answers not_found). */
  signInTimeline: (id: string) => call(api.me.signInTimeline, { params: { id } }),
  otherSessions: () => call(api.me.otherSessions, {}),
  endOtherSessions: () => call(api.me.endOtherSessions, {}),
  keepOtherSessions: () => call(api.me.keepOtherSessions, {}),
  signInMethods: () => call(api.methods.signInMethods, {}),
  passkeyOptions: () => call(api.methods.passkeyOptions, {}),
  addPasskey: (ceremonyId: string, name: string, response: unknown) =>
    call(api.methods.addPasskey, { body: { ceremonyId, name, response: passkeyAnswer(RegistrationResponse, response) } }),
  renamePasskey: (id: string, name: string) => call(api.methods.renamePasskey, { params: { id }, body: { name } }),
  deletePasskey: (id: string) => call(api.methods.deletePasskey, { params: { id } }),
  addPhone: (number: string) => call(api.methods.addPhone, { body: { number } }),
  verifyPhone: (codeId: string, code: string) => call(api.methods.verifyPhone, { body: { codeId, code } }),
  deletePhone: () => call(api.methods.deletePhone, {}),
  setDefaultMethod: (method: DefaultMethod) => call(api.methods.setDefaultMethod, { body: { method } }),
};

/** Filters of the admin logs (empty values are left out). Times are epoch milliseconds. */
export type LogFilter = Record<string, string | number | undefined>;

export const admin = {
  /** Any policy of the registry (protocol/http/policies.ts), by name. */
  policy: <N extends PolicyName>(name: N) => call(api.policies[name].read, {}) as Promise<Policies[N]>,
  /** Replaces a policy; the server audits the change. (The route of `name` takes Policies[N]; TypeScript cannot follow the index, hence the cast.) */
  savePolicy: <N extends PolicyName>(name: N, p: Policies[N]) => call(api.policies[name].save, { body: p } as never) as Promise<Policies[N]>,
  users: (search = '') => call(api.admin.users, { query: { q: search } }),
  createUser: (u: NewUserInput) => call(api.admin.createUser, { body: u }),
  user: (id: string) => call(api.admin.user, { params: { id } }),
  updateUser: (id: string, p: UserPatch) => call(api.admin.updateUser, { params: { id }, body: p }),
  resetPassword: (id: string, password: string) => call(api.admin.resetPassword, { params: { id }, body: { password } }),
  methods: (id: string) => call(api.admin.methods, { params: { id } }),
  issueTap: (id: string, input: { lifetimeMinutes?: number; oneTime?: boolean }) => call(api.admin.issueTap, { params: { id }, body: input }),
  deleteTap: (id: string) => call(api.admin.deleteTap, { params: { id } }),
  revokeDevice: (id: string) => call(api.admin.revokeDevice, { params: { id } }),
  audit: (filter: LogFilter = {}) => call(api.logs.audit, { query: filter }),
  signIns: (filter: LogFilter = {}) => call(api.logs.signIns, { query: filter }),
  /** Every finished attempt the filter matches, for the chart (the rows are paged; the chart is not). */
  signInChart: (filter: LogFilter = {}) => call(api.logs.signInChart, { query: filter }),
  /** One sign-in's protocol steps, each signed message decoded and checked by the server now. */
  signInTimeline: (id: string) => call(api.logs.signInTimeline, { params: { id } }),
  /** A link that downloads the filtered log as a file. */
  exportUrl: (log: 'signins' | 'audit', filter: LogFilter, format: 'csv' | 'json') =>
    urlOf(log === 'signins' ? api.logs.signIns : api.logs.audit, { query: { ...filter, format } }),
  alerts: (filter: { kind?: AlertKind | ''; from?: number } = {}) => call(api.logs.alerts, { query: filter }),
  /** Deletes what is older than the retention setting now (global admins); answers what went. */
  purge: () => call(api.logs.purge, {}),
  userSignInMethods: (id: string) => call(api.admin.signInMethods, { params: { id } }),
  deleteUserPasskey: (id: string, passkeyId: string) => call(api.admin.deletePasskey, { params: { id, passkeyId } }),
  deleteUserPhone: (id: string) => call(api.admin.deletePhone, { params: { id } }),
  /** What sign-in offers the user now and why; `acr`: for an app that asks for that level. */
  whatIf: (id: string, acr?: string) => call(api.admin.whatIf, { params: { id }, query: { acr } }),
  apps: () => call(api.apps.list, {}),
  /** The answer holds the secret (a confidential app) this once. */
  createApp: (a: NewAppInput) => call(api.apps.create, { body: a }),
  updateApp: (id: string, p: AppPatch) => call(api.apps.update, { params: { id }, body: p }),
  /** A new secret, in this answer only; the old one stops working at once. */
  rotateAppSecret: (id: string) => call(api.apps.rotateSecret, { params: { id } }),
  deleteApp: (id: string) => call(api.apps.remove, { params: { id } }),
  signingKeys: () => call(api.apps.signingKeys, {}),
  /** A new signing key pair signs from now on; the one it replaces (`replacing`, a current key id) stays published for the retention. */
  rotateSigningKeys: (replacing: string) => call(api.apps.rotateSigningKeys, { body: { replacing } }),
  outbox: (filter: { channel?: 'sms' | 'email'; to?: string } = {}) => call(api.logs.outbox, { query: filter }),
};

/** The classroom lab: every page's banner, the instructor's board, the lab clock. */
export const lab = {
  status: () => call(api.lab.status, {}),
  board: () => call(api.lab.board, {}),
  fastForward: (minutes: number) => call(api.lab.fastForward, { body: { minutes } }),
};

/** The message to show a person for any failure. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return 'Something went wrong. Try again.';
}
