// Protocol and client versions.

/**
 * The enrollment link's version (`v=` in pushkey://enroll). Bumped only for incompatible
 * changes; the v2 push is negotiated per device with the push_canonical capability instead.
 */
export const PROTOCOL_VERSION = 1;

/**
 * Capabilities a client may announce. `number_match` is required by every server (DESIGN: old
 * clients are refused); `push_canonical` asks for pushes in v2, whose context can grow (protocol/push.ts).
 */
export const CAPABILITIES = ['number_match', 'passwordless', 'report', 'push_canonical'] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const SEMVER_RE = /^\d{1,6}\.\d{1,6}\.\d{1,6}$/;

/** Compares dotted versions `a.b.c`; negative when a < b. Both must match SEMVER_RE. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
