// Protocol and client versions.

/** The wire protocol spoken by this code. Bumped only for incompatible changes. */
export const PROTOCOL_VERSION = 1;

/** Capabilities a client may announce. `number_match` is required by every server (DESIGN: old clients are refused). */
export const CAPABILITIES = ['number_match', 'passwordless', 'report'] as const;
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
