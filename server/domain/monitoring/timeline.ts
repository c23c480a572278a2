// A sign-in's protocol timeline, read from its log entry, its requests and its protocol trace
// (protocol-trace.ts): the browser's start, each request created, each push as sealed (decoded,
// its server signature checked now), each delivery, the device's answer as received (decoded,
// its device signature checked now, over the bytes rebuilt from the stored request), the
// number compared, and the session issued or the failure. What a reader could use is never in
// it: the log holds no session id, TAP or SMS code; the number shows only once the request ended.
import * as v from 'valibot';
import { PushkeyError } from '../../../protocol/errors.ts';
import { fromB64u } from '../../../protocol/encoding.ts';
import { DeviceResponse, PushRequest } from '../../../protocol/messages.ts';
import { claimedContent, openPush } from '../../../protocol/push.ts';
import { pushBytes, pushV2Bytes } from '../../../protocol/signed-bytes.ts';
import type { SignatureCheck, SignInTimeline, TimelineStep } from '../../../protocol/http/timeline.ts';
import { answerBytes, effectiveStatus } from '../authenticator/challenges.ts';
import { verifyDeviceSignature, verifyWithRawKey } from '../authenticator/device-keys.ts';
import type { Deps } from '../deps.ts';
import type { Challenge, Device, ProtocolEvent, SignInEntry, User } from '../types.ts';
import { getSignIn } from './signin-log.ts';

export type { SignInTimeline, TimelineStep } from '../../../protocol/http/timeline.ts';

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);

/** Reads stored JSON with a schema; null when it no longer parses (a stored row edited by hand). */
function readStored<S extends v.GenericSchema>(schema: S, payload: string | null): v.InferOutput<S> | null {
  if (payload === null) return null;
  try {
    const parsed = v.safeParse(schema, JSON.parse(payload));
    return parsed.success ? parsed.output : null;
  } catch {
    return null;
  }
}

/** The push's own fields, decoded, and the text its signature covers; its signature checked with the server key. */
async function decodePush(d: Deps, payload: string | null): Promise<Pick<TimelineStep, 'fields' | 'wire' | 'signedText' | 'signature'>> {
  const check = (status: SignatureCheck['status']): SignatureCheck => ({ signer: 'server', publicKey: d.serverKey.publicKey, status });
  const frame = readStored(PushRequest, payload);
  if (!frame) return { ...(payload === null ? {} : { wire: payload }), signature: check('unverifiable') };
  const serverKey = fromB64u(d.serverKey.publicKey)!;
  const valid = (await openPush(d.origin, frame, (signature, bytes) => verifyWithRawKey(serverKey, bytes, signature))) !== null;
  const content = claimedContent(frame);
  // v2: the signed text as it is, every field a newer server added included.
  const fields = frame.v === 2 ? parseObject(frame.signed) : content;
  const signedText =
    frame.v === 2 ? text(pushV2Bytes({ origin: d.origin, signed: frame.signed })) : content ? text(pushBytes({ origin: d.origin, ...content, ...content.context })) : undefined;
  return { wire: payload!, ...(fields ? { fields: { version: frame.v ?? 1, ...fields } } : {}), ...(signedText === undefined ? {} : { signedText }), signature: check(content ? (valid ? 'valid' : 'invalid') : 'unverifiable') };
}

function parseObject(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const HIDDEN = '(hidden until the request ends)';

/**
 * The device's answer, decoded, and its signature checked with the device's key over the bytes
 * rebuilt from the stored request (origin, id, nonce: never from the answer's own copies).
 */
function decodeAnswer(d: Deps, c: Challenge, device: Device | null, payload: string | null, ended: boolean): Pick<TimelineStep, 'fields' | 'wire' | 'signedText' | 'signature'> {
  const r = readStored(DeviceResponse, payload);
  const hide = (s: string) => (ended ? s : HIDDEN);
  if (!r) return { signature: { signer: 'device', publicKey: device?.publicKey ?? '', status: 'unverifiable' } };
  const bytes = answerBytes(d, c, r);
  const status: SignatureCheck['status'] = !device || device.id !== r.deviceId ? 'unverifiable' : verifyDeviceSignature(device, bytes, r.signature) ? 'valid' : 'invalid';
  const shown = { ...r, number: r.number === '' ? '' : hide(r.number) };
  return {
    fields: shown,
    wire: ended ? payload! : JSON.stringify(shown),
    signedText: ended ? text(bytes) : HIDDEN,
    signature: { signer: 'device', publicKey: device?.publicKey ?? '', status },
  };
}

const STATUS_TITLE: Record<string, string> = {
  approved: 'Number matched: approved',
  number_mismatch: 'Number did not match: request cancelled',
  denied: 'Denied in the app: no number compared',
  reported: 'Reported as not me: no number compared',
  update_required: 'Authenticator too old: no number compared',
};

/** Every step of one request, from its creation to its end. */
async function requestSteps(d: Deps, c: Challenge, events: ProtocolEvent[], devices: Map<string, Device | null>): Promise<TimelineStep[]> {
  const now = d.clock.now();
  const status = effectiveStatus(c, now);
  const ended = status !== 'pending';
  const deviceOf = (id: string) => ({ id, name: devices.get(id)?.name ?? '(device removed)' });
  const steps: TimelineStep[] = [
    {
      step: 'challenge',
      at: c.createdAt,
      title: `Challenge created (${c.kind === 'mfa' ? 'push after the password' : c.kind})`,
      challengeId: c.id,
      fields: { challengeId: c.id, kind: c.kind, nonce: c.nonce, app: c.app, ip: c.ip, location: c.location, browser: c.browser, expiresAt: c.expiresAt, status, number: ended ? c.number : HIDDEN },
    },
  ];
  let answer: { r: DeviceResponse | null; at: number } | null = null;
  for (const e of events) {
    if (e.kind === 'push') {
      steps.push({ step: 'push', at: e.at, title: 'Signed push sealed for the device', challengeId: c.id, device: deviceOf(e.deviceId), ...(await decodePush(d, e.payload)) });
    } else if (e.kind === 'delivery') {
      const how = e.via === 'poll' ? 'fetched by the device (signed poll)' : 'sent on the device channel';
      steps.push({
        step: 'delivery',
        at: e.at,
        title: `Push ${how}`,
        challengeId: c.id,
        device: deviceOf(e.deviceId),
        ...(e.via ? { via: e.via } : {}),
        // A frame signed afresh for this delivery is shown and checked like the first.
        ...(e.payload === null ? {} : await decodePush(d, e.payload)),
      });
    } else {
      const decoded = decodeAnswer(d, c, devices.get(e.deviceId) ?? null, e.payload, ended);
      steps.push({ step: 'answer', at: e.at, title: "Device's signed answer received", challengeId: c.id, device: deviceOf(e.deviceId), ...decoded });
      answer = { r: readStored(DeviceResponse, e.payload), at: e.at };
    }
  }
  if (ended && c.answeredAt !== null && STATUS_TITLE[status]) {
    const typed = answer?.r?.decision === 'approve' ? answer.r.number : null;
    steps.push({
      step: 'number',
      at: answer?.at ?? c.answeredAt,
      title: STATUS_TITLE[status]!,
      result: status === 'approved' ? 'success' : 'failure',
      challengeId: c.id,
      fields: { shown: c.number, typed, match: typed !== null && typed === c.number, status },
    });
  } else if (ended && status !== 'approved') {
    steps.push({ step: 'number', at: c.answeredAt ?? c.expiresAt, title: status === 'expired' ? 'No answer before the request expired' : 'Request withdrawn', result: 'failure', challengeId: c.id, fields: { status } });
  }
  return steps;
}

/** The steps of the sign-in log that are not a request's (the password, a pass, a passkey, the end). */
function logSteps(entry: SignInEntry): TimelineStep[] {
  return entry.steps
    .filter((s) => s.challengeId === undefined)
    .map((s): TimelineStep => ({ step: 'step', at: s.at, title: `${s.method}: ${s.detail}`, result: s.result }));
}

/** Any sign-in's timeline, for those who read the sign-in logs. */
export async function signInTimeline(d: Deps, id: string): Promise<SignInTimeline> {
  const entry = await getSignIn(d, id);
  if (!entry) throw new PushkeyError('not_found', 'No such sign-in.');
  return timelineOf(d, entry);
}

/**
 * The timeline of one of `user`'s own sign-ins (My Account). Another user's sign-in answers
 * exactly as one that does not exist, so that nobody learns which ids are real.
 */
export async function ownSignInTimeline(d: Deps, user: Pick<User, 'id'>, id: string): Promise<SignInTimeline> {
  const entry = await getSignIn(d, id);
  if (!entry || entry.userId !== user.id) throw new PushkeyError('not_found', 'No such sign-in.');
  return timelineOf(d, entry);
}

async function timelineOf(d: Deps, entry: SignInEntry): Promise<SignInTimeline> {
  const events = await d.repo.listProtocolEvents(entry.id);
  const challengeIds = [...new Set([...entry.steps.flatMap((s) => (s.challengeId ? [s.challengeId] : [])), ...events.map((e) => e.challengeId)])];
  const challenges = (await Promise.all(challengeIds.map((cid) => d.repo.getChallenge(cid)))).filter((c): c is Challenge => c !== null && c.flowId === entry.id);
  const devices = new Map<string, Device | null>();
  for (const deviceId of new Set(events.map((e) => e.deviceId))) devices.set(deviceId, await d.repo.getDevice(deviceId));

  const steps: TimelineStep[] = [
    { step: 'start', at: entry.at, title: 'Browser started the sign-in', fields: { upn: entry.upn, app: entry.app, ip: entry.ip, location: entry.location, browser: entry.browser, os: entry.os } },
    ...logSteps(entry),
  ];
  for (const c of challenges) steps.push(...(await requestSteps(d, c, events.filter((e) => e.challengeId === c.id), devices)));
  const last = entry.steps.at(-1);
  if (entry.result === 'success') {
    steps.push({ step: 'session', at: last?.at ?? entry.at, title: 'Session issued to the browser that started the sign-in', result: 'success', fields: { methods: entry.methods, requirement: entry.requirement } });
  } else if (entry.result === 'failure') {
    steps.push({ step: 'end', at: last?.at ?? entry.expiresAt, title: `Sign-in failed: ${entry.reason ?? entry.failureCode ?? ''}`, result: 'failure', fields: { failureCode: entry.failureCode, reason: entry.reason } });
  }
  // In the order they happened; steps of the same millisecond keep the order they were told in.
  const ordered = steps.map((s, i) => [s, i] as const).sort((a, b) => a[0].at - b[0].at || a[1] - b[1]).map(([s]) => s);
  return { correlationId: entry.id, upn: entry.upn, result: entry.result, origin: d.origin, steps: ordered };
}
