// The JSON Canonicalization Scheme (RFC 8785, "JCS"): one spelling for one JSON value, so a
// signer can sign an object and anyone can rebuild the same bytes from the same value.
//
// - Objects: members sorted by key, compared as arrays of UTF-16 code units (§3.2.3), which
//   is what Array.prototype.sort does to strings; no whitespace anywhere (§3.2.1).
// - Strings: JSON.stringify's escaping, which is the one RFC 8785 §3.2.2.2 prescribes
//   (\b \t \n \f \r \" \\, other controls below U+0020 as \u00xx in lowercase, the rest as is).
// - Numbers: the ECMAScript Number-to-String algorithm (§3.2.2.3), which JSON.stringify
//   implements; -0 is written 0. NaN and the infinities are not JSON.
// - Input must be I-JSON (RFC 7493, required by §3.1): a string with an unpaired surrogate
//   has no UTF-8 form and is refused.
//
// Handing it anything that is not JSON is a programming error: it throws a TypeError naming where.

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

// An unpaired surrogate: a high one not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function text(s: string, where: string): string {
  if (LONE_SURROGATE.test(s)) throw new TypeError(`canonical JSON: ${where} holds an unpaired surrogate (RFC 7493 §2.1)`);
  return JSON.stringify(s);
}

function write(value: unknown, where: string): string {
  if (value === null || value === true || value === false) return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonical JSON: ${where} is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return text(value, where);
  if (Array.isArray(value)) return '[' + value.map((item, i) => write(item, `${where}[${i}]`)).join(',') + ']';
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const keys = Object.keys(value).sort();
    const members = keys.map((k) => `${text(k, `a key of ${where}`)}:${write((value as Record<string, unknown>)[k], `${where}.${k}`)}`);
    return '{' + members.join(',') + '}';
  }
  throw new TypeError(`canonical JSON: ${where} is ${typeof value === 'object' ? 'an object that is not plain' : typeof value}, not JSON`);
}

/** The RFC 8785 canonical form of `value`: the exact text to sign. */
export function canonicalJson(value: JsonValue): string {
  return write(value, 'the value');
}
