// What is unusual about a request, said in the prompt before the person answers: push
// fatigue and a stranger's sign-in look like a normal request except for their pattern
// (several in a short time, one while another waits, a place this person never approved
// from). Worked out once, as the request arrives, from this account's earlier requests, and
// stored with it: the history shows what the prompt said, and it does not change as time passes.
import type { Hint } from '../messaging/schema.ts';
import type { RequestRecord } from '../storage/db.ts';

/** "3 requests in 60 s": this many for one account within the window is a burst. */
export const BURST_COUNT = 3;
export const BURST_WINDOW_MS = 60_000;

type Arriving = Pick<RequestRecord, 'deviceId' | 'context'>;
type Earlier = Pick<RequestRecord, 'deviceId' | 'context' | 'receivedAt' | 'status' | 'expiresAt'>;

/**
 * The hints for `request`, arriving at `now`, given `earlier` requests (any account; those of
 * other accounts and forged ones are ignored). A place or address is new only against those the
 * person approved: a reported request's place is not one they know, and an account with no
 * approval yet has nothing to compare with.
 */
export function requestHints(request: Arriving, earlier: readonly Earlier[], now: number): Hint[] {
  const mine = earlier.filter((r) => r.deviceId === request.deviceId && r.status !== 'rejected' && r.receivedAt <= now);
  const hints: Hint[] = [];
  const recent = mine.filter((r) => now - r.receivedAt < BURST_WINDOW_MS).length + 1;
  if (recent >= BURST_COUNT) hints.push({ kind: 'burst', count: recent, seconds: BURST_WINDOW_MS / 1000 });
  const open = mine.filter((r) => r.status === 'pending' && r.expiresAt > now).length;
  if (open > 0) hints.push({ kind: 'overlap', open });
  const approved = mine.filter((r) => r.status === 'approved');
  const { location, ip } = request.context;
  if (approved.length > 0) {
    if (location && !approved.some((r) => r.context.location === location)) hints.push({ kind: 'new_place', location });
    else if (ip && !approved.some((r) => r.context.ip === ip)) hints.push({ kind: 'new_address', ip });
  }
  return hints;
}
