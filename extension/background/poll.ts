// The signed poll: fetches every pending request of a device, and is how the device learns,
// from a signed exchange rather than an unsigned channel hint, that its registration is gone.
import { PushkeyError } from '../../protocol/index.ts';
import { clock } from '../clock.ts';
import { getAccount } from '../storage/db.ts';
import { withCommandTimestamp } from './commands.ts';
import * as api from './device-api.ts';
import { markRevoked, receiveRequest, settlePendingWhere } from './requests.ts';

/** Rethrows, after marking the account revoked when the server says it no longer serves it. */
export const revokedCheck = (deviceId: string) => async (err: unknown): Promise<never> => {
  if (err instanceof PushkeyError && (err.code === 'device_revoked' || err.code === 'device_unknown')) await markRevoked(deviceId);
  throw err;
};

/** Fetches requests pushed while nobody listened (worker asleep, socket down). */
export async function pollAccount(deviceId: string): Promise<void> {
  const account = await getAccount(deviceId);
  if (!account || account.revoked) return;
  const askedAt = clock.now();
  const requests = await withCommandTimestamp(deviceId, (a, ts) => api.poll(a, ts)).catch(revokedCheck(deviceId));
  for (const request of requests) await receiveRequest(account.origin, request, 'poll');
  // The poll lists every request still open on the server for this device. One pending here
  // that it leaves out ended there (answered elsewhere, replaced, withdrawn) while its cancel
  // went unheard. Only requests received before the poll are judged: a newer push may be missing.
  const open = new Set(requests.map((r) => r.challengeId));
  await settlePendingWhere(deviceId, (r) => r.receivedAt < askedAt && !open.has(r.challengeId), 'ended on the server');
}

/**
 * The channel's "revoked" (and a device_revoked error) is an unsigned hint: anyone who can
 * answer at the origin could send it. A signed poll confirms it; only then is the account marked.
 */
export async function confirmRevoked(deviceId: string): Promise<void> {
  await pollAccount(deviceId).catch(() => undefined);
}
