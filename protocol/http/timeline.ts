// A sign-in's protocol timeline: each step in the order it happened, from the browser's start
// to the session, with each signed message decoded and its signature checked again by the
// server when the timeline is read. It never holds a secret: no session id, no code, no
// cookie, and the number only once the request has ended.
import * as v from 'valibot';
import { Time } from './values.ts';

export const TIMELINE_STEPS = ['start', 'step', 'challenge', 'push', 'delivery', 'answer', 'number', 'session', 'end'] as const;

export const SignatureCheck = v.object({
  /** Whose key: "server" (the push) or "device" (the answer). */
  signer: v.picklist(['server', 'device']),
  /** The public key it was checked with (raw P-256 point, base64url). */
  publicKey: v.string(),
  /** unverifiable: the key is gone (a device deleted since) or the message cannot be read. */
  status: v.picklist(['valid', 'invalid', 'unverifiable']),
});
export type SignatureCheck = v.InferOutput<typeof SignatureCheck>;

export const TimelineStep = v.object({
  step: v.picklist(TIMELINE_STEPS),
  at: Time,
  /** What happened, in words. */
  title: v.string(),
  result: v.optional(v.picklist(['success', 'failure', 'pending'])),
  /** The number-match request this step concerns (the extension's request details show it too). */
  challengeId: v.optional(v.string()),
  device: v.optional(v.object({ id: v.string(), name: v.string() })),
  /** How a delivery reached the device. */
  via: v.optional(v.picklist(['channel', 'poll'])),
  /** The step decoded: the message's fields, or what the server knew then, as JSON. */
  fields: v.optional(v.record(v.string(), v.unknown())),
  /** The message as it went over the wire, JSON text exactly as sent or received. */
  wire: v.optional(v.string()),
  /** The exact text the signature covers (docs/protocol.md §4), one field a line. */
  signedText: v.optional(v.string()),
  signature: v.optional(SignatureCheck),
});
export type TimelineStep = v.InferOutput<typeof TimelineStep>;

export const SignInTimeline = v.object({
  /** The sign-in's id: the correlationId of the server's log lines and of the push. */
  correlationId: v.string(),
  upn: v.string(),
  result: v.picklist(['success', 'failure', 'in_progress']),
  /** The server's origin, which every signature covers. */
  origin: v.string(),
  steps: v.array(TimelineStep),
});
export type SignInTimeline = v.InferOutput<typeof SignInTimeline>;
