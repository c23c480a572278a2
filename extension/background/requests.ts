// Requests pushed to this device: verify, queue, show, answer. Every request is stored
// (pending, then how it ended), so the queue survives the worker being killed and the
// popup can show a history. A push that does not verify is stored as rejected, never shown.
import { ERRORS, PushkeyError, claimedContent, type PushRequest } from '../../protocol/index.ts';
import { clock } from '../clock.ts';
import { t } from '../ui/i18n.ts';
import { verifyPush } from '../crypto/device-key.ts';
import { broadcast, type RequestView } from '../messaging/index.ts';
import {
  addRequest,
  allRequests,
  getAccount,
  getRequest,
  history,
  listAccounts,
  pruneHistory,
  requestsWithStatus,
  settleRequest,
  updateAccount,
  type AccountRecord,
  type RequestRecord,
} from '../storage/db.ts';
import * as api from './device-api.ts';
import { requestHints } from './hints.ts';
import { verifyForApproval } from './app-lock.ts';
import { wipeAccounts } from './accounts.ts';
import { showPrompt } from './prompt-window.ts';

export const requestKey = (deviceId: string, challengeId: string): string => `${deviceId}/${challengeId}`;

/** Devices whose passwordless setup is being answered in the popup: no prompt window for it. */
const setupInPopup = new Set<string>();
export const markSetupInPopup = (deviceId: string, on: boolean): void => void (on ? setupInPopup.add(deviceId) : setupInPopup.delete(deviceId));

export type Via = 'channel' | 'poll' | 'setup';

/** How a push that was not queued ended: not for an account here, forged or unreadable, or already expired. */
export type NotQueued = 'not_ours' | 'rejected' | 'expired';

/** Takes a push from the channel, a poll or the setup command. Returns the stored record when it verified, else why not. */
export async function receiveRequest(origin: string, request: PushRequest, via: Via): Promise<RequestRecord | NotQueued> {
  const account = await getAccount(request.deviceId);
  // Not ours (removed account, or another server's device id): nothing to verify it against.
  // A revoked registration answers nothing, so it is shown nothing.
  if (!account || account.origin !== origin || account.revoked) return 'not_ours';
  const receivedAt = clock.now();
  // The push must be signed by the key pinned at enrollment; anything else is shown to nobody.
  // What it asks is read from what was signed (v2: the fields this device knows, the others dropped).
  const content = await verifyPush(request, origin, account.serverPublicKey);
  if (!content || content.deviceId !== account.deviceId) {
    // Kept in the history as what it claimed, when that can be read at all.
    const claimed = claimedContent(request);
    if (claimed) {
      await addRequest({ ...claimed, origin, receivedAt, key: `rejected/${crypto.randomUUID()}`, status: 'rejected', detail: 'The server signature did not verify against the pinned key' });
      // A flood of forged pushes cannot grow the history without bound.
      await pruneHistory();
      broadcast({ type: 'requestsChanged' });
    }
    return 'rejected';
  }
  const key = requestKey(content.deviceId, content.challengeId);
  if (content.expiresAt <= clock.now()) {
    await settleRequest(key, 'expired');
    return 'expired';
  }
  const hints = requestHints(content, await allRequests(), receivedAt);
  const isNew = await addRequest({ ...content, origin, receivedAt, key, status: 'pending', ...(hints.length > 0 ? { hints } : {}) });
  const record = await getRequest(key);
  // Gone at once: its account was removed meanwhile.
  if (!record) return 'not_ours';
  if (!isNew) return record;
  scheduleExpiry(record);
  void pruneHistory();
  const answeredInPopup = via === 'setup' || (content.kind === 'passwordless_setup' && setupInPopup.has(content.deviceId));
  // A window the browser would not open must not stop a poll's other requests: the popup lists them.
  if (!answeredInPopup) await showPrompt(promptRequests).catch((err: unknown) => console.warn('pushkey: cannot open the prompt window', err));
  broadcast({ type: 'requestsChanged' });
  return record;
}

function scheduleExpiry(record: RequestRecord): void {
  setTimeout(() => void expireIfDue(record.key), Math.max(0, record.expiresAt - clock.now()) + 50);
}

async function expireIfDue(key: string): Promise<void> {
  const record = await getRequest(key);
  if (record?.status === 'pending' && record.expiresAt <= clock.now()) {
    await settleRequest(key, 'expired');
    broadcast({ type: 'requestsChanged' });
  }
}

/**
 * The popup closed (it does on blur, e.g. when the person clicks the window that shows the
 * number). A passwordless setup it was answering is still pending: offer it in the prompt window.
 */
export async function resumeSetupOutsidePopup(): Promise<void> {
  setupInPopup.clear();
  const now = clock.now();
  const open = (await requestsWithStatus('pending')).filter((r) => r.kind === 'passwordless_setup' && r.expiresAt > now);
  if (open.length > 0) await showPrompt(promptRequests);
}

/** The server withdrew a request (answered elsewhere, expired, reported). */
export async function cancelRequest(deviceId: string, challengeId: string): Promise<void> {
  if (await settleRequest(requestKey(deviceId, challengeId), 'cancelled')) broadcast({ type: 'requestsChanged' });
}

export async function markRevoked(deviceId: string): Promise<void> {
  await updateAccount(deviceId, () => ({ revoked: true, passwordless: false }));
  await settlePendingWhere(deviceId, () => true, 'device revoked');
  broadcast({ type: 'accountsChanged' });
  broadcast({ type: 'requestsChanged' });
}

/**
 * Settles the pending requests whose time is up and returns the others. The in-memory expiry
 * timers die with the worker when Chrome stops it; every read goes through this instead.
 */
async function livePending(): Promise<RequestRecord[]> {
  const now = clock.now();
  const out: RequestRecord[] = [];
  for (const r of await requestsWithStatus('pending')) {
    if (r.expiresAt <= now) await settleRequest(r.key, 'expired');
    else out.push(r);
  }
  return out;
}

/**
 * Pending and unexpired, newest first: the prompt shows the newest unless the person is
 * already looking at another. The newest is the sign-in the person most likely just started;
 * an older one left over (a browser that sent another request) must not stand in its way.
 */
export async function pendingRequests(): Promise<RequestView[]> {
  const out = await livePending();
  out.sort((a, b) => b.receivedAt - a.receivedAt);
  return withAccounts(out);
}

/** Ends the device's pending requests that `ended` picks (they ended elsewhere, or may no longer be answered). */
export async function settlePendingWhere(deviceId: string, ended: (r: RequestRecord) => boolean, detail: string): Promise<void> {
  let changed = false;
  const now = clock.now();
  for (const r of await requestsWithStatus('pending')) {
    if (r.deviceId !== deviceId || !ended(r)) continue;
    // One whose time ran out while nobody looked (a stopped worker's timers are gone) expired, whatever ended it since.
    const settled = r.expiresAt <= now ? await settleRequest(r.key, 'expired') : await settleRequest(r.key, 'cancelled', detail);
    if (settled) changed = true;
  }
  if (changed) broadcast({ type: 'requestsChanged' });
}

/** The prompt window's queue: every pending request but a passwordless setup the popup is answering. */
export async function promptRequests(): Promise<RequestView[]> {
  return (await pendingRequests()).filter((r) => !(r.kind === 'passwordless_setup' && setupInPopup.has(r.deviceId)));
}

export async function requestHistory(deviceId?: string): Promise<RequestView[]> {
  await livePending();
  const all = await history();
  return withAccounts(deviceId ? all.filter((r) => r.deviceId === deviceId) : all);
}

async function withAccounts(records: RequestRecord[]): Promise<RequestView[]> {
  const accounts = new Map((await listAccounts()).map((a) => [a.deviceId, a]));
  return records.map((r) => toRequestView(r, accounts.get(r.deviceId)));
}

export function toRequestView(r: RequestRecord, account: AccountRecord | undefined): RequestView {
  // The nonce stays in the worker: the pages never sign anything.
  const { nonce: _nonce, ...view } = r;
  return { ...view, tenant: account?.tenant ?? '', upn: account?.upn ?? '' };
}

/**
 * Signs and sends the person's answer. The number is whatever they typed; nothing fills it in.
 * An approval opens the app lock first when one is set (or the push says the policy needs one).
 */
export async function answerRequest(key: string, decision: 'approve' | 'deny' | 'report', typed: string, pin?: string) {
  const record = await getRequest(key);
  if (!record) throw new PushkeyError('challenge_unknown', 'This request is no longer here');
  if (record.status !== 'pending') throw new PushkeyError(record.status === 'expired' ? 'challenge_expired' : 'challenge_consumed', 'Already answered');
  if (record.expiresAt <= clock.now()) {
    await settleRequest(key, 'expired');
    broadcast({ type: 'requestsChanged' });
    throw new PushkeyError('challenge_expired', t('errorRequestExpired'));
  }
  const number = decision === 'approve' ? typed.trim() : '';
  if (decision === 'approve' && !/^\d{2,8}$/.test(number)) {
    throw new PushkeyError('bad_request', t('errorNumberDigits'));
  }
  const account = await getAccount(record.deviceId);
  if (!account) throw new PushkeyError('device_unknown', 'This account was removed');
  if (account.revoked) throw new PushkeyError('device_revoked', 'This account was disabled');
  // Refusing needs no PIN: a deny or a report is always safe.
  const verified = decision === 'approve' ? await verifyForApproval(pin, record.appLock === 'required', wipeAccounts) : undefined;
  try {
    const result = await api.respond(account, record, decision, number, verified);
    await settleRequest(key, result.outcome);
    if (record.kind === 'passwordless_setup' && result.outcome === 'approved') {
      await updateAccount(account.deviceId, () => ({ passwordless: true }));
      broadcast({ type: 'accountsChanged' });
    }
    return { outcome: result.outcome };
  } catch (err) {
    // protocol/errors.ts says how each code ends the request; a network failure or the server's rate limit leaves it open to answer again.
    const ends = err instanceof PushkeyError ? ERRORS[err.code].final : null;
    if (err instanceof PushkeyError && ends) {
      await settleRequest(key, ends, err.code);
      if (err.code === 'device_revoked') await markRevoked(account.deviceId);
    }
    throw err;
  } finally {
    broadcast({ type: 'requestsChanged' });
  }
}
