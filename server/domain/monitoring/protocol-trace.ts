// Each sign-in's protocol trace, written where the steps happen: the pushes as sealed (in the
// unit of work that stores the request), each delivery (the channel's send, or the signed
// poll that fetched it) and the device's answer as received (in the unit of work that
// consumes the request). One row per event, the message's JSON exactly as it went or came,
// so that its timeline (timeline.ts) can verify the very bytes again. Only sign-ins are
// traced: a test notification or a passwordless setup has no flow.
import type { DeviceResponse, PushRequest } from '../../../protocol/messages.ts';
import { newId, type Deps } from '../deps.ts';
import type { Challenge, ProtocolEvent } from '../types.ts';

type Traced = Pick<Challenge, 'id' | 'flowId'>;

/** The pushes sealed for a new request, one per device; inside the unit of work that stores it. */
export async function tracePushes(d: Deps, c: Traced, pushes: readonly PushRequest[]): Promise<void> {
  if (!c.flowId) return;
  const at = d.clock.now();
  for (const p of pushes) await append(d, { flowId: c.flowId, challengeId: c.id, at, kind: 'push', deviceId: p.deviceId, via: null, payload: JSON.stringify(p) });
}

/**
 * A push handed to a device: on its channel (the very frame traced as sealed, so no payload),
 * or in the answer to a signed poll or on reconnecting (a frame signed afresh, kept whole).
 */
export async function traceDelivery(d: Deps, flowId: string, request: PushRequest, via: 'channel' | 'poll', resealed: boolean): Promise<void> {
  await append(d, { flowId, challengeId: request.challengeId, at: d.clock.now(), kind: 'delivery', deviceId: request.deviceId, via, payload: resealed ? JSON.stringify(request) : null });
}

/** The answer that ended the request, as the device sent it; inside the unit of work that consumes it. */
export async function traceAnswer(d: Deps, c: Traced, r: DeviceResponse, at: number): Promise<void> {
  if (!c.flowId) return;
  await append(d, { flowId: c.flowId, challengeId: c.id, at, kind: 'answer', deviceId: r.deviceId, via: null, payload: JSON.stringify(r) });
}

const append = (d: Deps, e: Omit<ProtocolEvent, 'id'>): Promise<void> => d.repo.appendProtocolEvent({ id: newId(d), ...e });
