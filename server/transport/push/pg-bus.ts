// The push bus across instances: PostgreSQL LISTEN/NOTIFY. Every instance LISTENs on one
// channel; publish NOTIFYs, and each instance (this one included) delivers the event to
// its own sockets and waiting browsers. A sign-in handled by instance 1 thus reaches a
// device connected to instance 2.
import pg from 'pg';
import type { BusEvent, PushBus } from '../../domain/authenticator/push-bus.ts';
import type { Logger } from 'pino';


/** `channel` separates tenants (or test runs) that share one database. */
export async function postgresBus(connectionString: string, log: Logger, channel = 'pushkey_bus'): Promise<PushBus> {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`postgresBus: bad channel name "${channel}"`);
  const listener = new pg.Client({ connectionString });
  const publisher = new pg.Pool({ connectionString, max: 2 });
  // An idle client the database ends (restart, failover, idle timeout) would otherwise crash the
  // process with an unhandled 'error'; the next publish takes a new one.
  publisher.on('error', (err) => log.warn({ err }, 'bus: an idle publisher connection was closed by the database'));
  const handlers = new Set<(e: BusEvent) => void>();
  let closing = false;

  listener.on('notification', (msg) => {
    if (msg.channel !== channel || !msg.payload) return;
    let event: BusEvent;
    try {
      event = JSON.parse(msg.payload) as BusEvent;
    } catch {
      return log.warn('bus: unreadable notification');
    }
    for (const h of handlers) h(event);
  });
  listener.on('error', (err) => {
    if (!closing) log.error({ err }, 'bus: listener connection failed');
  });
  await listener.connect();
  await listener.query(`LISTEN ${channel}`);

  return {
    publish(event) {
      // NOTIFY payloads are limited to 8000 bytes; a push is well under 1 KiB.
      publisher.query('SELECT pg_notify($1, $2)', [channel, JSON.stringify(event)]).catch((err: unknown) => log.error({ err }, 'bus: publish failed'));
    },
    subscribe(handler) {
      handlers.add(handler);
      return () => void handlers.delete(handler);
    },
    async close() {
      closing = true;
      handlers.clear();
      await listener.end().catch(() => {});
      await publisher.end().catch(() => {});
    },
  };
}
