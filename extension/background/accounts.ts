// Accounts: add (enroll a fresh key), remove (unenroll), passwordless on and off, and the
// signed poll that fetches whatever was pushed while the worker slept.
import { EnrollLink, PushkeyError, parseWith } from '../../protocol/index.ts';
import { DeviceName } from '../../protocol/fields.ts';
import { clock } from '../clock.ts';
import { t } from '../ui/i18n.ts';
import { createDeviceKey } from '../crypto/device-key.ts';
import { broadcast, browser, type AccountView, type RequestView } from '../messaging/index.ts';
import { accountsOf, deleteAccount, deleteRequestsOf, getAccount, listAccounts, putAccount, updateAccount, type AccountRecord } from '../storage/db.ts';
import { bindAccount, isConnected, restartChannel, syncChannels } from './channel.ts';
import { withCommandTimestamp } from './commands.ts';
import * as api from './device-api.ts';
import { defaultDeviceName, firstFreeName } from './device-name.ts';
import { pollAccount, revokedCheck } from './poll.ts';
import { markSetupInPopup, receiveRequest, settlePendingWhere, toRequestView } from './requests.ts';

export function toAccountView(a: AccountRecord): AccountView {
  return {
    deviceId: a.deviceId,
    origin: a.origin,
    upn: a.upn,
    displayName: a.displayName,
    tenant: a.tenant,
    passwordless: a.passwordless,
    revoked: a.revoked,
    createdAt: a.createdAt,
    connected: isConnected(a),
  };
}

export async function accountViews(): Promise<AccountView[]> {
  const all = await listAccounts();
  all.sort((a, b) => a.createdAt - b.createdAt);
  return all.map(toAccountView);
}

const sameUser = (a: AccountRecord, origin: string, upn: string): boolean => a.origin === origin && a.upn.toLowerCase() === upn.toLowerCase();

async function activeAccount(deviceId: string): Promise<AccountRecord> {
  const account = await getAccount(deviceId);
  if (!account) throw new PushkeyError('device_unknown', 'This account was removed');
  if (account.revoked) throw new PushkeyError('device_revoked', 'This account was disabled');
  return account;
}

type UaData = { brands?: readonly { brand: string }[] };

/** "Chromium on Linux", numbered when another account of this server here has that name. */
export async function suggestDeviceName(origin: string): Promise<string> {
  const { os } = await browser.runtime.getPlatformInfo();
  const hints = { brands: (navigator as Navigator & { userAgentData?: UaData }).userAgentData?.brands, userAgent: navigator.userAgent, os };
  const taken = (await accountsOf(origin.trim().replace(/\/+$/, ''))).filter((a) => !a.revoked).map((a) => a.deviceName ?? '');
  return firstFreeName(defaultDeviceName(hints), taken);
}

/** Enrolls a fresh key with an activation code (from a QR code or typed by hand) under the name the person confirmed. */
export async function addAccount(input: { origin: string; code: string; user?: string | undefined; tenant?: string | undefined; deviceName?: string | undefined }): Promise<AccountView> {
  const link = parseWith(EnrollLink, { origin: input.origin.trim().replace(/\/+$/, ''), code: input.code, user: input.user ?? '', tenant: input.tenant ?? '' }, 'setup code');
  // Signed as the server will read it: trimmed, 1 to 64 printable characters.
  const name = parseWith(DeviceName, input.deviceName ?? (await suggestDeviceName(link.origin)), 'device name');
  const existing = await accountsOf(link.origin);
  // Caught before spending the one-time code when the link names the user.
  if (link.user && existing.some((a) => !a.revoked && sameUser(a, link.origin, link.user))) {
    throw new PushkeyError('conflict', `${link.user} is already added`);
  }
  const key = await createDeviceKey();
  const enrolled = await api.enroll(link.origin, link.code, key, name);
  const now = clock.now();
  const account: AccountRecord = {
    deviceId: enrolled.deviceId,
    accountId: enrolled.accountId,
    origin: link.origin,
    upn: enrolled.upn,
    displayName: enrolled.displayName,
    tenant: enrolled.tenant,
    serverPublicKey: enrolled.serverPublicKey,
    privateKey: key.privateKey,
    publicKey: key.publicKey,
    passwordless: false,
    revoked: false,
    createdAt: now,
    updatedAt: now,
    lastCommandAt: 0,
    deviceName: name,
  };
  const same = (await accountsOf(link.origin)).filter((a) => sameUser(a, link.origin, enrolled.upn));
  if (same.some((a) => !a.revoked)) {
    // A manual code does not name the user: the duplicate shows only now. Undo the new registration.
    await putAccount(account);
    await api.unenroll(account, Math.max(now, 1)).catch(() => undefined);
    await deleteAccount(account.deviceId);
    throw new PushkeyError('conflict', `${enrolled.upn} is already added`);
  }
  // A revoked registration of the same user is replaced by the new one.
  for (const old of same) await forget(old.deviceId);
  await putAccount(account);
  await bindAccount(account);
  broadcast({ type: 'accountsChanged' });
  void pollAccount(account.deviceId).catch(() => undefined);
  return toAccountView(account);
}

async function forget(deviceId: string): Promise<void> {
  await deleteAccount(deviceId);
  await deleteRequestsOf(deviceId);
}

/**
 * Removes the account here and unregisters the device on the server. Offline, it is removed
 * here anyway (its key is destroyed, so the registration is useless) and the answer says the
 * server was not told, so the person can remove it from My Account too.
 */
export async function removeAccount(deviceId: string): Promise<{ serverNotified: boolean }> {
  const account = await getAccount(deviceId);
  if (!account) return { serverNotified: true };
  let serverNotified = true;
  if (!account.revoked) {
    await withCommandTimestamp(deviceId, (a, ts) => api.unenroll(a, ts)).catch((err: unknown) => {
      if (!(err instanceof PushkeyError)) throw err;
      // The server could not be told (offline, a wrong clock, its rate limit): remove it here anyway.
      if (['unavailable', 'clock_skew', 'rate_limited'].includes(err.code)) serverNotified = false;
      // Already gone on the server: nothing left to tell it.
      else if (!['device_revoked', 'device_unknown', 'signature_invalid'].includes(err.code)) throw err;
    });
  }
  await forget(deviceId);
  await restartChannel(account.origin);
  broadcast({ type: 'accountsChanged' });
  broadcast({ type: 'requestsChanged' });
  return { serverNotified };
}

/** Every account goes, with its key and history: the app lock's last wrong try. Each server is told where it can be. */
export async function wipeAccounts(): Promise<void> {
  for (const a of await listAccounts()) await removeAccount(a.deviceId).catch(() => forget(a.deviceId));
  broadcast({ type: 'accountsChanged' });
  broadcast({ type: 'requestsChanged' });
}

/** Password once; the answer is a number-match request the popup shows next. */
export async function startPasswordlessSetup(deviceId: string, password: string): Promise<RequestView> {
  const account = await activeAccount(deviceId);
  // The popup answers it: the prompt window leaves it alone until the popup closes.
  markSetupInPopup(deviceId, true);
  try {
    const request = await withCommandTimestamp(deviceId, (a, ts) => api.startPasswordlessSetup(a, ts, password)).catch(revokedCheck(deviceId));
    const received = await receiveRequest(account.origin, request, 'setup');
    if (received === 'expired') {
      throw new PushkeyError('challenge_expired', t('errorExpiredOnArrival'));
    }
    if (typeof received === 'string') throw new PushkeyError('signature_invalid', 'The setup request did not verify against the server key pinned at enrollment', { pinnedKey: true });
    return toRequestView(received, account);
  } catch (err) {
    markSetupInPopup(deviceId, false);
    throw err;
  }
}

export async function disablePasswordless(deviceId: string): Promise<AccountView> {
  await activeAccount(deviceId);
  await withCommandTimestamp(deviceId, (a, ts) => api.disablePasswordless(a, ts)).catch(revokedCheck(deviceId));
  const updated = await updateAccount(deviceId, () => ({ passwordless: false }));
  // This device can no longer answer its waiting passwordless requests: they end here at once.
  await settlePendingWhere(deviceId, (r) => r.kind === 'passwordless', 'passwordless sign-in was turned off');
  broadcast({ type: 'accountsChanged' });
  if (!updated) throw new PushkeyError('device_unknown', 'This account was removed');
  return toAccountView(updated);
}

/**
 * On every wake-up (worker start, browser start, the alarm): channels up, and a signed poll
 * for each account (docs/protocol.md §7.3), so whatever was pushed while nobody listened is
 * shown. A request that also comes by push is shown once: requests are keyed by challenge.
 */
export async function wake(reason: string): Promise<void> {
  await syncChannels();
  // A connected account needs no poll: the server sends its pending requests at every (re)connect.
  // Polling them all on every alarm would spend the per-address limit of a lab behind one NAT.
  const accounts = (await listAccounts()).filter((a) => !a.revoked && !isConnected(a));
  await Promise.all(
    accounts.map((a) =>
      pollAccount(a.deviceId).catch((err: unknown) => console.warn(`pushkey: poll on ${reason} failed for ${a.upn}`, err)),
    ),
  );
}
