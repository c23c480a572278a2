// One LISTEN connection that outlives the database's restarts: when the database ends it
// (restart, failover, pg_terminate_backend), another is opened after a jittered backoff and
// LISTENs again. Whoever listens hears when the channel went quiet and when it came back,
// because anything sent in between was missed: the push bus resyncs its subscribers, the
// settings cache forgets what it held.
import pg from 'pg';
import type { Logger } from 'pino';
import { CONNECT_TIMEOUT_MS } from './connect.ts';

export const CHANNEL_RE = /^[a-z_][a-z0-9_]*$/;

// Exponential backoff with full jitter (at most 5 s), so a restarted database is not met by
// every instance in the same instant.
export const jitteredBackoff = (attempt: number): number => Math.random() * Math.min(5_000, 100 * 2 ** attempt);

export interface ListenOptions {
  /** Each notification's payload, in the order the database sent them. */
  onNotification(payload: string): void;
  /** The connection was lost: until `onResumed`, nothing sent on the channel arrives. */
  onLost?(): void;
  /** Listening again after a loss. */
  onResumed?(): void;
  log: Logger;
  /** What the log lines call this listener ("bus", "settings"). */
  name: string;
  /** How long to wait before the `attempt`th try to listen again (0 for the first). */
  reconnectDelayMs?: (attempt: number) => number;
}

export interface Listener {
  /** False while the LISTEN connection is down. */
  listening(): boolean;
  close(): Promise<void>;
}

/** Resolves once listening; a first connection that fails rejects (the instance cannot start without it). */
export async function listenWithReconnect(connectionString: string, channel: string, opts: ListenOptions): Promise<Listener> {
  if (!CHANNEL_RE.test(channel)) throw new TypeError(`listen: bad channel name "${channel}"`);
  const { log, name, reconnectDelayMs = jitteredBackoff } = opts;
  let closing = false;
  let client: pg.Client | undefined;
  let attempts = 0;
  let retry: ReturnType<typeof setTimeout> | undefined;

  async function listen(): Promise<void> {
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    c.on('notification', (msg) => {
      if (msg.channel === channel && msg.payload) opts.onNotification(msg.payload);
    });
    c.on('error', (err) => {
      if (!closing) log.warn({ err }, `${name}: the LISTEN connection failed`);
    });
    c.on('end', () => {
      if (closing || client !== c) return;
      client = undefined;
      opts.onLost?.();
      reconnect();
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    // Closed while this one was opening: it must not listen on.
    if (closing) return void (await c.end().catch(() => {}));
    client = c;
  }

  function reconnect(): void {
    retry = setTimeout(() => {
      if (closing) return;
      listen().then(
        () => {
          if (closing) return;
          attempts = 0;
          log.info(`${name}: listening again`);
          opts.onResumed?.();
        },
        (err: unknown) => {
          if (closing) return;
          log.warn({ err }, `${name}: reconnecting failed, trying again`);
          reconnect();
        },
      );
    }, reconnectDelayMs(attempts++));
  }

  await listen();
  return {
    listening: () => client !== undefined,
    async close() {
      closing = true;
      clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
