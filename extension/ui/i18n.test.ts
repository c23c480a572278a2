import { describe, expect, it } from 'vitest';
import en from '../public/_locales/en/messages.json' with { type: 'json' };
import { t, tParts } from './i18n.ts';
import { ERROR_CODES, ERRORS } from '../../protocol/errors.ts';
import { wordsFor } from './error-words.ts';

describe('the extension’s words', () => {
  it('fills the substitutions in, in English where there is no browser', () => {
    expect(t('hintBurst', 3, 60)).toBe('3 requests in 60 s — did you start them all?');
    expect(t('promptExpiresInMore', 42, 1)).toBe('Expires in 42 s · 1 more waiting');
  });

  it('puts elements where the message has their substitutions, in the message’s order', () => {
    const bold = (text: string) => ({ bold: text });
    expect(tParts('setupIntro', bold('Contoso'))).toEqual(['Sign in to ', { bold: 'Contoso' }, " without a password. First confirm it's you with your password, once."]);
    expect(tParts('accountPasswordlessOnText', bold('On.'))).toEqual([{ bold: 'On.' }, ' Choose "Use an app instead" when you sign in, then approve here.']);
    expect(tParts<object | string>('confirmOtherOrigin', bold('a.test'), bold('b.test'), 'b.test').slice(0, 6)).toEqual([
      'This QR code was shown on ', { bold: 'a.test' }, ' but adds an account on ', { bold: 'b.test' }, '. Add it only if you trust ', 'b.test',
    ]);
  });

  it('keeps to the format browsers read: key names, a message and a note for translators each', () => {
    for (const [key, entry] of Object.entries(en)) {
      expect(key).toMatch(/^[A-Za-z0-9_@]+$/);
      expect(entry.message.trim(), key).not.toBe('');
      expect(entry.description.trim(), key).not.toBe('');
      // A message says which substitutions it takes ($1, then $2, …) and its note explains them.
      const used = [...entry.message.matchAll(/\$([1-9])/g)].map((m) => Number(m[1]));
      expect([...new Set(used)].sort(), key).toEqual(used.map((_, i) => i + 1).slice(0, new Set(used).size));
      for (const n of used) expect(entry.description, key).toContain(`$${n}`);
    }
  });

  it('has the words of every error code protocol/errors.ts gives words, in the table’s English, and no others', () => {
    const withWords = ERROR_CODES.filter((code) => ERRORS[code].words !== null);
    expect(withWords.length).toBeGreaterThan(10);
    for (const code of withWords) expect(wordsFor(code), code).toBe(ERRORS[code].words);
    const keys = Object.keys(en).filter((key) => key.startsWith('errorCode_'));
    expect(keys.sort()).toEqual(withWords.map((code) => `errorCode_${code}`).sort());
    expect(wordsFor('bad_request')).toBeNull();
  });
});
