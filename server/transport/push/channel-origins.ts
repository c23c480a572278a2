// Who may open the device channel. A browser always sends Origin on a WebSocket handshake
// and a page cannot forge it, so a page elsewhere (cross-site WebSocket hijacking) is
// refused before the socket exists. The extension's worker sends its own origin
// (chrome-extension://<id>, moz-extension://<uuid>); the site is this server's origin. A
// client that is not a browser (the software authenticator, a device in CI) sends none and is
// let through: the signed hello authenticates it like every device, and Origin would prove
// nothing about it anyway.

/** The default: any extension origin, plus the server's own (always allowed). */
export const DEFAULT_CHANNEL_ORIGINS = ['chrome-extension://*', 'moz-extension://*'] as const;

/**
 * Whether a handshake's Origin may open the channel. Each pattern is an exact origin, or
 * `scheme://*` for every origin of that scheme (an extension's id is a host).
 */
export function channelOriginAllowed(origin: string | undefined, serverOrigin: string, patterns: readonly string[]): boolean {
  if (origin === undefined) return true;
  if (origin === serverOrigin) return true;
  return patterns.some((p) => (p.endsWith('://*') ? origin.startsWith(p.slice(0, -1)) && origin.length > p.length - 1 : origin === p));
}

/** Parses CHANNEL_ORIGINS: comma-separated exact origins or `scheme://*`; an entry of another shape is refused by name. */
export function parseChannelOrigins(text: string): string[] {
  const entries = text.split(',').map((s) => s.trim()).filter(Boolean);
  for (const e of entries) {
    if (!/^[a-z][a-z0-9+.-]*:\/\/(\*|[^/*\s]+)$/.test(e)) throw new Error(`CHANNEL_ORIGINS: "${e}" is neither an origin (scheme://host[:port]) nor scheme://*`);
  }
  return entries;
}
