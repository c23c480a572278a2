// How long any connection to PostgreSQL may take to open: a database that does not answer
// fails the request (503) instead of holding it forever.
export const CONNECT_TIMEOUT_MS = 5_000;
