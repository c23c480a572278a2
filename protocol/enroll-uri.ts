// The enrollment link carried by the QR code and pasted by hand:
// pushkey://enroll?v=1&origin=<server origin>&code=<activation code>&user=<upn>&tenant=<display name>
import * as v from 'valibot';
import { ActivationCode, Label, ServerOrigin } from './fields.ts';
import { PushkeyError } from './errors.ts';
import { parseWith } from './parse.ts';
import { PROTOCOL_VERSION } from './version.ts';

export const EnrollLink = v.object({
  origin: ServerOrigin,
  code: ActivationCode,
  user: Label(254),
  tenant: Label(128),
});
export type EnrollLink = v.InferOutput<typeof EnrollLink>;

export function buildEnrollUri(link: EnrollLink): string {
  const q = new URLSearchParams({ v: String(PROTOCOL_VERSION), origin: link.origin, code: link.code, user: link.user, tenant: link.tenant });
  return `pushkey://enroll?${q.toString()}`;
}

/** Parses a pushkey:// link; bad_request or unsupported_version with a message a person can act on. */
export function parseEnrollUri(text: string): EnrollLink {
  const trimmed = text.trim();
  const prefix = 'pushkey://enroll?';
  if (!trimmed.startsWith(prefix)) {
    throw new PushkeyError('bad_request', 'This is not a pushkey enrollment link (it must start with pushkey://enroll?)');
  }
  const q = new URLSearchParams(trimmed.slice(prefix.length));
  const version = q.get('v');
  if (version !== String(PROTOCOL_VERSION)) {
    throw new PushkeyError('unsupported_version', `Enrollment link version "${version ?? ''}" is not supported, expected "${PROTOCOL_VERSION}"`);
  }
  return parseWith(
    EnrollLink,
    { origin: q.get('origin') ?? '', code: q.get('code') ?? '', user: q.get('user') ?? '', tenant: q.get('tenant') ?? '' },
    'enrollment link',
  );
}
