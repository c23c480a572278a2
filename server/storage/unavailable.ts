// Whether a failure is the database's absence rather than a fault of ours: the connection
// refused, lost or timed out, the server shutting down or refusing connections, the database
// read-only, the disk full or locked. Such a request answers 503 `unavailable` (try again
// later), never 500; it decided nothing, and nothing it did is acknowledged.

/** SQLSTATE classes and codes: 08 connection exception, 53 insufficient resources, 57P admin or crash shutdown, 25006 read-only transaction, 55000 a database not accepting connections. */
const PG_CODES = /^(08|53|57P0[1-4]$|25006$|55000$|3D000$)/;
const NET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/** pg's own errors carry no code, only these messages. */
const PG_MESSAGES = /^(Connection terminated|Client has encountered a connection error|Client was closed|timeout exceeded when trying to connect|Query read timeout)/;
const SQLITE_CODES = /^SQLITE_(BUSY|LOCKED|READONLY|IOERR|FULL|CANTOPEN|PROTOCOL)/;

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NET_CODES.has(code) || SQLITE_CODES.test(code) || (/^[0-9A-Z]{5}$/.test(code) && PG_CODES.test(code)))) return true;
  return PG_MESSAGES.test(err.message);
}

export const DATABASE_UNAVAILABLE = 'The server cannot reach its database right now, so this was not done. Try again in a moment.';
