// The activation code a person may read off one screen and type on another: Crockford
// base32 symbols (no I, L, O or U; case does not matter), 26 random ones and 2 check symbols,
// shown in groups of four. The canonical form (the one that is signed, hashed and put in the
// enrollment link) is the 28 symbols, uppercase, without separators.

/** Crockford's alphabet: digits, then the letters without I, L, O and U. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_SYMBOLS = 26; // 26 × 5 = 130 bits (DESIGN: ≥ 128; NIST SP 800-63B-4 asks ≥ 112)
export const ACTIVATION_CODE_LENGTH = RANDOM_SYMBOLS + 2;
/** One random byte per symbol: its low 5 bits, uniform because 256 is a multiple of 32. */
export const ACTIVATION_CODE_RANDOM_BYTES = RANDOM_SYMBOLS;
const GROUP = 4;
// A prime above every weighted change one slip can make (26 × 31 = 806): any single wrong
// symbol and any swap of two symbols changes the sum mod 1021, so the check catches it.
const MODULUS = 1021;

/** Typed look-alikes read as Crockford says: O as 0, I and L as 1. */
const READ_AS: Record<string, string> = { O: '0', I: '1', L: '1' };
// Spaces and dashes (ASCII or typographic) only group the symbols.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/gu;

function checkSymbols(values: readonly number[]): string {
  const sum = values.reduce((acc, value, i) => (acc + (i + 1) * value) % MODULUS, 0);
  return ALPHABET[Math.floor(sum / 32)]! + ALPHABET[sum % 32]!;
}

/** A new code from at least 26 CSPRNG bytes. */
export function activationCodeFrom(random: Uint8Array): string {
  if (random.length < RANDOM_SYMBOLS) throw new TypeError(`activationCodeFrom: "random" must hold ${RANDOM_SYMBOLS} bytes, got ${random.length}`);
  const values = Array.from(random.subarray(0, RANDOM_SYMBOLS), (b) => b & 31);
  return values.map((n) => ALPHABET[n]!).join('') + checkSymbols(values);
}

/** "0123-4567-…-RSQ9": the canonical code in groups of four, for people. */
export function formatActivationCode(code: string): string {
  return code.match(new RegExp(`.{1,${GROUP}}`, 'g'))?.join('-') ?? '';
}

/**
 * Reads a code as a person typed or pasted it: separators and case ignored, O/I/L read as
 * 0/1/1. Answers the canonical code, or what is wrong with it (never throws on input).
 */
export function readActivationCode(text: string): { code: string } | { problem: string } {
  const symbols = [...text.replace(SEPARATORS, '').toUpperCase()].map((c) => READ_AS[c] ?? c);
  const stray = symbols.find((c) => !ALPHABET.includes(c));
  if (stray !== undefined) return { problem: `an activation code has only digits and letters other than I, L, O and U, not “${stray}”` };
  if (symbols.length !== ACTIVATION_CODE_LENGTH) {
    return { problem: `an activation code has ${ACTIVATION_CODE_LENGTH} letters and digits, this one has ${symbols.length}` };
  }
  const values = symbols.slice(0, RANDOM_SYMBOLS).map((c) => ALPHABET.indexOf(c));
  if (checkSymbols(values) !== symbols.slice(RANDOM_SYMBOLS).join('')) return { problem: 'this activation code has a typo: compare it with the one on the screen' };
  return { code: symbols.join('') };
}
