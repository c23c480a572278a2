// The push bus across instances: PostgreSQL LISTEN/NOTIFY. Every instance LISTENs on one
// channel; publish NOTIFYs, and each instance (this one included) delivers the event to
// its own sockets and waiting browsers. A sign-in handled by instance 1 thus reaches a
// device connected to instance 2.
import pg from 'pg';
import type { BusEvent, PushBus } from '../../domain/authenticator/push-bus.ts';
import type { Logger } from 'pino';
import { CONNECT_TIMEOUT_MS } from '../../storage/postgres/connect.ts';
import { CHANNEL_RE, listenWithReconnect } from '../../storage/postgres/listener.ts';

/**
 * `channel` separates tenants (or test runs) that share one database; `reconnectDelayMs` says
 * how long to wait before the `attempt`th try to listen again (0 for the first).
 */
export async function postgresBus(connectionString: string, log: Logger, opts: { channel?: string; reconnectDelayMs?: (attempt: number) => number } = {}): Promise<PushBus> {
  const { channel = 'pushkey_bus', reconnectDelayMs } = opts;
  if (!CHANNEL_RE.test(channel)) throw new TypeError(`postgresBus: bad channel name "${channel}"`);
  const publisher = new pg.Pool({ connectionString, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client the database ends (restart, failover, idle timeout) would otherwise crash the
  // process with an unhandled 'error'; the next publish takes a new one.
  publisher.on('error', (err) => log.warn({ err }, 'bus: an idle publisher connection was closed by the database'));
  // A checked-out one has no pool listener: its publish fails (logged below) and the pool drops it.
  publisher.on('connect', (client) => client.on('error', () => {}));
  const handlers = new Set<(e: BusEvent) => void>();
  const deliver = (event: BusEvent) => {
    for (const h of handlers) h(event);
  };
  const listener = await listenWithReconnect(connectionString, channel, {
    log,
    name: 'bus',
    ...(reconnectDelayMs ? { reconnectDelayMs } : {}),
    onNotification(payload) {
      let event: BusEvent;
      try {
        event = JSON.parse(payload) as BusEvent;
      } catch {
        return log.warn('bus: unreadable notification');
      }
      deliver(event);
    },
    // Once listening again, anything published meanwhile may have been missed: the local subscribers resync.
    onResumed: () => deliver({ type: 'resync' }),
  });

  return {
    publish(event) {
      // NOTIFY payloads are limited to 8000 bytes; a push is well under 1 KiB.
      publisher.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]).catch((err: unknown) => log.error({ err }, 'bus: publish failed'));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    /** False while the LISTEN connection is down: this instance would miss other instances' pushes. */
    listening: () => listener.listening(),
    async close() {
      handlers.clear();
      await listener.close();
      await publisher.end().catch(() => {});
    },
  };
}
