// The words people read, from _locales/<language>/messages.json (English is the default
// locale and the one written first): the browser picks the person's language and falls back to
// English for a message a translation lacks. Translating means adding a folder beside
// extension/public/_locales/en with the same keys; `$1`…`$9` in a message are its substitutions.
// chrome.i18n is read directly, not through the polyfill, so the same code runs where there is
// no extension (unit tests): there, and for a key the browser does not know, the English text is used.
import en from '../public/_locales/en/messages.json' with { type: 'json' };

export type MessageKey = keyof typeof en;

const fillIn = (message: string, subs: readonly string[]): string => message.replace(/\$([1-9])/g, (_, n: string) => subs[Number(n) - 1] ?? '');

/** The person's language's words for `key`, with `subs` in place of `$1`, `$2`, … */
export function t(key: MessageKey, ...subs: (string | number)[]): string {
  const strings = subs.map(String);
  const i18n = (globalThis as { chrome?: { i18n?: typeof chrome.i18n } }).chrome?.i18n;
  return i18n?.getMessage(key, strings) || fillIn(en[key].message, strings);
}

// Private-use characters mark where each part goes: they never occur in a message, and the
// browser passes them through as it does any substitution.
const MARK = '\uE000';
const MARKED = new RegExp(`${MARK}(\\d)${MARK}`);

/**
 * The words for `key` with `parts` (elements, say a bold name) in place of `$1`, `$2`, …, as a
 * list to render: a translation may move them, so the sentence is never cut where English has them.
 */
export function tParts<T>(key: MessageKey, ...parts: T[]): (string | T)[] {
  const pieces = t(key, ...parts.map((_, i) => `${MARK}${i}${MARK}`)).split(MARKED);
  // split() with a capturing group alternates text and the captured part numbers.
  return pieces.map((piece, i) => (i % 2 === 1 ? parts[Number(piece)]! : piece)).filter((piece) => piece !== '');
}
