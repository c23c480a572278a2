// Field schemas shared by every message: one definition of what an id, a key, a
// signature or an origin looks like on the wire.
import * as v from 'valibot';
import { readActivationCode } from './activation-code.ts';
import { SEMVER_RE } from './version.ts';

const b64u = (chars: number, what: string) =>
  v.pipe(v.string(), v.regex(new RegExp(`^[A-Za-z0-9_-]{${chars}}$`), `${what} must be ${chars} base64url characters`));

/** 128-bit random ids (challenge, device, account, flow): 22 base64url characters. */
export const Id = b64u(22, 'an id');
/** Nonces are 128 to 256 random bits. */
export const Nonce = v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{22,43}$/, 'a nonce must be 22 to 43 base64url characters'));
/** Raw uncompressed P-256 point (65 bytes). The curve check happens in keys.ts. */
export const PublicKey = b64u(87, 'a public key');
/** IEEE P1363 ECDSA P-256 signature, r||s (64 bytes). */
export const Signature = b64u(86, 'a signature');
/**
 * Activation code as typed or pasted (groups, case, O/I/L look-alikes); the output is the
 * canonical form that is signed and hashed (activation-code.ts).
 */
export const ActivationCode = v.pipe(
  v.string(),
  v.maxLength(128, 'an activation code is at most 128 characters'),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const read = readActivationCode(dataset.value);
    if ('code' in read) return read.code;
    addIssue({ message: read.problem });
    return NEVER;
  }),
);
export const Timestamp = v.pipe(v.number(), v.safeInteger('a time must be whole milliseconds'), v.minValue(0));
export const ClientVersion = v.pipe(v.string(), v.regex(SEMVER_RE, 'a version looks like 1.2.3'));
export const Capabilities = v.pipe(
  v.array(v.pipe(v.string(), v.regex(/^[a-z_]{1,32}$/, 'a capability is a lowercase word'))),
  v.maxLength(16, 'at most 16 capabilities'),
);
/** A printable one-line label chosen by a person or a server (no control characters). */
export const Label = (max: number) =>
  v.pipe(
    v.string(),
    v.regex(/^[^\p{Cc}]*$/u, 'no control characters allowed'),
    v.maxLength(max, `at most ${max} characters`),
  );
/**
 * What a person calls a device (chosen at enrollment, renamed in My Account): trimmed, 1 to 64
 * printable characters. Beyond a label's rule, no line separators, private-use or unpaired
 * surrogate characters and no direction controls, which could make one name pass for another.
 */
export const DeviceName = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'a device name is required'),
  v.maxLength(64, 'a device name is at most 64 characters'),
  v.regex(/^[^\p{Cc}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]*$/u, 'a device name has only printable characters'),
);
/** The number the person types: digits only, 2 to 8 of them. */
export const MatchNumber = v.pipe(v.string(), v.regex(/^\d{2,8}$/, 'the number is 2 to 8 digits'));
/** A web origin exactly as URL#origin prints it: scheme, host and optional port, no path. */
export const Origin = v.pipe(
  v.string(),
  v.maxLength(255),
  v.check((s) => {
    try {
      const u = new URL(s);
      return (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === s;
    } catch {
      return false;
    }
  }, 'an origin looks like https://host[:port] with no path'),
);
/**
 * Where plain http may be trusted: this computer, or a local network (a classroom lab). On any
 * other host, whoever sits on the path could swap the server key the device pins at
 * enrollment and read the password sent for passwordless setup.
 */
export function isLocalHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || /\.(localhost|local|lan|internal|home\.arpa)$/.test(h)) return true;
  const v4 = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(h);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    // loopback, RFC 1918 private ranges, link-local
    return a === 127 || a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254);
  }
  // IPv6 loopback, unique local (fc00::/7), link-local (fe80::/10)
  return h === '::1' || /^f[cd][0-9a-f]{0,2}:/.test(h) || /^fe[89ab][0-9a-f]?:/.test(h);
}

/** A server a device may enroll with: https, or plain http only on a local host ({@link isLocalHost}). */
export const ServerOrigin = v.pipe(
  Origin,
  // URL.canParse: valibot runs this check even when Origin's own check failed.
  v.check((s) => !URL.canParse(s) || s.startsWith('https:') || isLocalHost(new URL(s).hostname), 'a server on the internet must use https:// (plain http only on this computer or a local network)'),
);

export const Kind = v.picklist(['passwordless', 'mfa', 'passwordless_setup', 'test']);
export const Decision = v.picklist(['approve', 'deny', 'report']);
/** How the device verified the person before this answer: `pin`, its app lock (something they know). */
export const UserVerification = v.picklist(['pin']);
