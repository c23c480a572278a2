// Password hashing with scrypt (RFC 7914), stored as "scrypt$N$r$p$salt$hash".
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { Random } from '../deps.ts';

const N = 16384;
const R = 8;
const P = 1;
const KEYLEN = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEYLEN, { N: n, r, p, maxmem: 256 * n * r }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, R, P);
  return `scrypt$${N}$${R}$${P}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Constant-time check; false for a malformed stored hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p));
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** A hash that verifies nothing: checked against when the user does not exist, so timing does not reveal it. */
export const DUMMY_HASH = `scrypt$${N}$${R}$${P}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

/** Letters and digits a person reads aloud or copies from paper without confusing them (no i, l, o, 0, 1). */
const READABLE = 'abcdefghjkmnpqrstuvwxyz23456789';
/** An initial password for a printed sheet: "abcd-efgh-jkmn", about 59 bits from the CSPRNG. */
export function readablePassword(random: Random): string {
  const group = () => Array.from({ length: 4 }, () => READABLE[random.int(0, READABLE.length)]).join('');
  return `${group()}-${group()}-${group()}`;
}
/** What the domain hashes and checks passwords and passes with (Deps.passwords). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, stored: string): Promise<boolean>;
}

export const scryptHasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
