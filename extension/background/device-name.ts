// The device name the add-account screen proposes, before the person edits it: the browser
// and the OS ("Chromium on Linux"), which is what an extension may know about its profile
// without extra permissions, and a number when another account of the same server here
// already uses that name ("Chromium on Linux 2"), so My Account can tell the two apart.
// Pure: the worker hands in what navigator and runtime.getPlatformInfo said.

/** What navigator.userAgentData says (Chromium), or nothing (Firefox, Safari). */
export interface BrowserHints {
  brands?: readonly { brand: string }[] | undefined;
  userAgent: string;
  /** runtime.getPlatformInfo().os: linux, mac, win, cros, android, … */
  os: string;
}

const OS_NAMES: Record<string, string> = { linux: 'Linux', mac: 'macOS', win: 'Windows', cros: 'ChromeOS', android: 'Android', openbsd: 'OpenBSD', fuchsia: 'Fuchsia' };

// Most specific first: Edge, Opera and Brave also list "Chromium"; Chrome lists both.
const BRANDS = ['Microsoft Edge', 'Opera', 'Brave', 'Vivaldi', 'Google Chrome', 'Chromium'];
const SHORT: Record<string, string> = { 'Microsoft Edge': 'Edge', 'Google Chrome': 'Chrome' };
// Without client hints, the User-Agent's product tokens, most specific first.
const UA_TOKENS: [RegExp, string][] = [
  [/\bEdg\//, 'Edge'],
  [/\bOPR\//, 'Opera'],
  [/\bFirefox\//, 'Firefox'],
  [/\bChrome\//, 'Chrome'],
  [/\bSafari\//, 'Safari'],
];

export function browserName(hints: Pick<BrowserHints, 'brands' | 'userAgent'>): string {
  const listed = new Set((hints.brands ?? []).map((b) => b.brand));
  const brand = BRANDS.find((b) => listed.has(b));
  if (brand) return SHORT[brand] ?? brand;
  return UA_TOKENS.find(([re]) => re.test(hints.userAgent))?.[1] ?? 'Browser';
}

export const defaultDeviceName = (hints: BrowserHints): string => `${browserName(hints)} on ${OS_NAMES[hints.os] ?? hints.os}`;

/** `base`, or `base 2`, `base 3`, … : the first that none of `taken` has (case ignored). */
export function firstFreeName(base: string, taken: readonly string[]): string {
  const used = new Set(taken.map((t) => t.trim().toLowerCase()));
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) if (!used.has(`${base} ${n}`.toLowerCase())) return `${base} ${n}`;
}
