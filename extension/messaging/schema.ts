// Messages between the parts of the extension (popup, prompt → service worker, and the
// worker's broadcasts back). Each is keyed by `type` and parsed with valibot on arrival,
// so a page and the worker never trust each other's shapes blindly.
import * as v from 'valibot';
import { ERROR_CODES, PushContent } from '../../protocol/index.ts';

const Text = v.string();
const Time = v.number();

/** An account as the pages see it: never the key. */
export const AccountView = v.object({
  deviceId: Text,
  origin: Text,
  upn: Text,
  displayName: Text,
  tenant: Text,
  passwordless: v.boolean(),
  revoked: v.boolean(),
  createdAt: Time,
  /** Whether the channel to this account's server is up and bound to this device. */
  connected: v.boolean(),
});
export type AccountView = v.InferOutput<typeof AccountView>;

export const RequestStatus = v.picklist([
  'pending',
  'approved',
  'denied',
  'reported',
  'number_mismatch',
  'expired',
  'cancelled',
  'update_required',
  'failed',
  /** A push whose server signature did not verify against the pinned key: never shown. */
  'rejected',
]);
export type RequestStatus = v.InferOutput<typeof RequestStatus>;

/** Something unusual about a request, worked out by the worker as it arrived (background/hints.ts). */
export const Hint = v.variant('kind', [
  /** `count` requests for this account within `seconds`, this one included. */
  v.object({ kind: v.literal('burst'), count: v.number(), seconds: v.number() }),
  /** Others for this account were still waiting when this one came. */
  v.object({ kind: v.literal('overlap'), open: v.number() }),
  /** A place no approved request of this account came from. */
  v.object({ kind: v.literal('new_place'), location: Text }),
  /** The place is known (or not shown), the address is not. */
  v.object({ kind: v.literal('new_address'), ip: Text }),
]);
export type Hint = v.InferOutput<typeof Hint>;

/** A request as the pages see it: the push's own fields (the protocol's, context included), the account, and how it went. Never the nonce. */
export const RequestView = v.object({
  ...v.omit(PushContent, ['nonce']).entries,
  key: Text,
  origin: Text,
  tenant: Text,
  upn: Text,
  receivedAt: Time,
  status: RequestStatus,
  /** Why it failed or was rejected, for the history. */
  detail: v.optional(Text),
  /** What was unusual when it arrived (absent on requests stored before hints). */
  hints: v.optional(v.array(Hint)),
});
export type RequestView = v.InferOutput<typeof RequestView>;

export const Answer = v.picklist(['approve', 'deny', 'report']);

/** Whether the app lock is set, and how many wrong PINs in a row are left before the accounts are wiped. */
export const AppLockStatus = v.object({ set: v.boolean(), triesLeft: v.number() });
export type AppLockStatus = v.InferOutput<typeof AppLockStatus>;

/** Every call a page can make, with the schema of its arguments and of its reply. */
export const CALLS = {
  listAccounts: { args: v.object({}), reply: v.array(AccountView) },
  addAccount: {
    /** deviceName: as the person confirmed it; the worker's suggestion when absent. */
    args: v.object({ origin: Text, code: Text, user: v.optional(Text), tenant: v.optional(Text), deviceName: v.optional(Text) }),
    reply: AccountView,
  },
  /** The name the add-account screen proposes for this device on that server, e.g. "Chromium on Linux 2". */
  suggestDeviceName: { args: v.object({ origin: Text }), reply: Text },
  removeAccount: { args: v.object({ deviceId: Text }), reply: v.object({ serverNotified: v.boolean() }) },
  startPasswordlessSetup: { args: v.object({ deviceId: Text, password: Text }), reply: RequestView },
  disablePasswordless: { args: v.object({ deviceId: Text }), reply: AccountView },
  listPending: { args: v.object({}), reply: v.array(RequestView) },
  openPrompt: { args: v.object({}), reply: v.null() },
  /** The prompt window's queue, newest first; the worker notes that the window has them. */
  promptQueue: { args: v.object({}), reply: v.array(RequestView) },
  /** The prompt window has nothing left: minimized by the worker unless requests wait, which come back instead. */
  parkPrompt: { args: v.object({}), reply: v.object({ queue: v.array(RequestView), parked: v.boolean() }) },
  /** The prompt window shows this request now (a window closed by hand reopens only for requests it never showed). */
  promptShowing: { args: v.object({ key: Text }), reply: v.null() },
  listHistory: { args: v.object({ deviceId: v.optional(Text) }), reply: v.array(RequestView) },
  answerRequest: {
    /** pin: the app lock's, when one is set; an approval opens it first. */
    args: v.object({ key: Text, decision: Answer, number: Text, pin: v.optional(Text) }),
    reply: v.object({ outcome: v.picklist(['approved', 'denied', 'reported']) }),
  },
  appLockStatus: { args: v.object({}), reply: AppLockStatus },
  /** Sets the PIN, or changes it (current: the PIN it has now). */
  setAppLock: { args: v.object({ pin: Text, current: v.optional(Text) }), reply: AppLockStatus },
  removeAppLock: { args: v.object({ current: Text }), reply: AppLockStatus },
} as const;

export type CallName = keyof typeof CALLS;
export type CallArgs<N extends CallName> = v.InferOutput<(typeof CALLS)[N]['args']>;
export type CallReply<N extends CallName> = v.InferOutput<(typeof CALLS)[N]['reply']>;

/** A call on the wire is `{ type: 'listAccounts', ...args }`; `type` is read first, then the args. */
export const CallType = v.object({ type: v.picklist(Object.keys(CALLS) as [CallName, ...CallName[]]) });

export const ErrorInfo = v.object({ code: v.picklist([...ERROR_CODES, 'no_qr_code']), message: Text });
export type ErrorInfo = v.InferOutput<typeof ErrorInfo>;

export const Envelope = v.variant('ok', [
  v.object({ ok: v.literal(true), value: v.unknown() }),
  v.object({ ok: v.literal(false), error: ErrorInfo }),
]);

/** What the worker tells every open page; no reply expected. */
export const Broadcast = v.variant('type', [
  v.object({ type: v.literal('requestsChanged') }),
  v.object({ type: v.literal('accountsChanged') }),
  /** The prompt window's queue, as promptQueue answers it, sent as the worker brings the window back. */
  v.object({ type: v.literal('promptQueue'), queue: v.array(RequestView) }),
]);
export type Broadcast = v.InferOutput<typeof Broadcast>;
