// What tells one instance that another changed a setting (a policy, the tenant name), so that
// each may keep the settings in memory (settings-cache.ts): every write of a setting announces
// itself on a channel of the schema's own (NOTIFY inside the writing transaction is delivered
// at its commit, never before), and every instance counts what it hears. While the channel is
// down nothing can be heard, so the version is unknown and nothing is cached; once it is back,
// the count moves on and what was cached before is dropped.
import type pg from 'pg';
import type { Logger } from 'pino';
import { listenWithReconnect } from './listener.ts';

export interface SettingsVersion {
  /** Moves on whenever some instance wrote a setting; null while that cannot be heard. */
  version(): number | null;
  /** The channel the writes announce themselves on. */
  readonly channel: string;
  /** Announces writes outside a transaction, once they committed (a lost announcement is bounded by the cache's age limit). */
  announce(pool: pg.Pool, keys: string): void;
  close(): Promise<void>;
}

export async function settingsVersion(connectionString: string, schema: string | undefined, log: Logger, reconnectDelayMs?: (attempt: number) => number): Promise<SettingsVersion> {
  const channel = `${schema ?? 'pushkey'}_settings`;
  let heard = 0;
  let deaf = false;
  const listener = await listenWithReconnect(connectionString, channel, {
    log,
    name: 'settings',
    ...(reconnectDelayMs ? { reconnectDelayMs } : {}),
    onNotification: () => void heard++,
    onLost: () => void (deaf = true),
    onResumed() {
      heard++;
      deaf = false;
    },
  });
  return {
    channel,
    version: () => (deaf ? null : heard),
    announce(pool, keys) {
      pool.query('SELECT pg_notify($1, $2)', [channel, keys]).catch((err: unknown) => log.warn({ err }, 'settings: a change could not be announced to the other instances'));
    },
    close: () => listener.close(),
  };
}

/** A notification's payload: which keys changed (for whoever reads the traffic; every one drops the whole cache). */
export const announced = (keys: Iterable<string>): string => [...keys].join(',').slice(0, 1_000) || 'settings';
