import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATION_CODE_LENGTH, ACTIVATION_CODE_RANDOM_BYTES, activationCodeFrom, formatActivationCode, readActivationCode } from './activation-code.ts';

const seq = (start: number, length: number) => Uint8Array.from({ length }, (_, i) => start + i);
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

// Golden vector (docs/protocol.md §6.1 and §12): bytes 40 41 … 59 → symbols 0 … 25, then the check.
const GOLDEN = '0123456789ABCDEFGHJKMNPQRSQ9';
const GOLDEN_GROUPED = '0123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9';

describe('activation code', () => {
  it('encodes the golden vector', () => {
    expect(activationCodeFrom(seq(0x40, 26))).toBe(GOLDEN);
    expect(formatActivationCode(GOLDEN)).toBe(GOLDEN_GROUPED);
  });

  it('carries at least 128 random bits in an alphabet without I, L, O and U', () => {
    expect(ACTIVATION_CODE_RANDOM_BYTES * 5).toBeGreaterThanOrEqual(128);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 26, maxLength: 26 }), (bytes) => {
        const code = activationCodeFrom(bytes);
        expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{28}$/);
        expect(code).toHaveLength(ACTIVATION_CODE_LENGTH);
      }),
    );
  });

  it('uses every random bit it keeps: two byte strings with different low 5 bits give different codes', () => {
    const a = seq(0, 26);
    const b = seq(0, 26);
    b[25] = 26;
    expect(activationCodeFrom(a)).not.toBe(activationCodeFrom(b));
    expect(activationCodeFrom(a)).toBe(activationCodeFrom(a.map((x) => x | 0xe0)));
  });

  it('refuses too few random bytes, naming the field (a programming error)', () => {
    expect(() => activationCodeFrom(new Uint8Array(16))).toThrow(TypeError);
    expect(() => activationCodeFrom(new Uint8Array(16))).toThrow(/"random"/);
  });

  it('reads the grouped, lowercase, spaced and typographic-dash forms back to the canonical code', () => {
    for (const typed of [GOLDEN, GOLDEN_GROUPED, GOLDEN_GROUPED.toLowerCase(), ' 0123 4567 89ab cdef ghjk mnpq rsq9\n', '0123–4567—89AB‐CDEF GHJK-MNPQ-RSQ9', '0123-4567-89AB-CDEF-GHJK-MNPQ-RS-Q9']) {
      expect(readActivationCode(typed), typed).toEqual({ code: GOLDEN });
    }
  });

  it('reads a typed O as 0 and I or L as 1', () => {
    expect(readActivationCode('O123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9')).toEqual({ code: GOLDEN });
    expect(readActivationCode('0I23-4567-89AB-CDEF-GHJK-MNPQ-RSQ9')).toEqual({ code: GOLDEN });
    expect(readActivationCode('0l23-4567-89ab-cdef-ghjk-mnpq-rsq9')).toEqual({ code: GOLDEN });
  });

  it('round-trips every code through its grouped form (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 26, maxLength: 26 }), (bytes) => {
        const code = activationCodeFrom(bytes);
        expect(readActivationCode(formatActivationCode(code))).toEqual({ code });
        expect(readActivationCode(formatActivationCode(code).toLowerCase())).toEqual({ code });
      }),
    );
  });

  it('catches every single mistyped symbol and every swap of two random symbols', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 26, maxLength: 26 }), fc.nat(27), fc.nat(25), fc.nat(31), (bytes, i, j, n) => {
        const code = [...activationCodeFrom(bytes)];
        const wrong = [...code];
        wrong[i] = ALPHABET[n]!;
        if (wrong[i] !== code[i]) expect(readActivationCode(wrong.join(''))).toHaveProperty('problem', expect.stringMatching(/typo/));
        const swapped = [...code];
        const k = i % 26;
        [swapped[k], swapped[j]] = [code[j]!, code[k]!];
        if (swapped.join('') !== code.join('')) expect(readActivationCode(swapped.join(''))).toHaveProperty('problem');
      }),
    );
  });

  it('says what is wrong: a symbol outside the alphabet, or the wrong length', () => {
    expect(readActivationCode('U123-4567-89AB-CDEF-GHJK-MNPQ-RSQ9')).toEqual({ problem: expect.stringContaining('“U”') });
    expect(readActivationCode('0123-4567-89AB-CDEF-GHJK-MNPQ-RSQ')).toEqual({ problem: expect.stringContaining('this one has 27') });
    expect(readActivationCode('')).toEqual({ problem: expect.stringContaining('this one has 0') });
    // The base64url codes of protocol 1.0 (10 minutes of life) are not read as new ones.
    expect(readActivationCode('QEFCQ0RFRkdISUpLTE1OTw')).toHaveProperty('problem');
    expect(readActivationCode('0123_4567_89AB_CDEF_GHJK_MNPQ_RSQ9')).toEqual({ problem: expect.stringContaining('“_”') });
  });
});
