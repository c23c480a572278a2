// Reads that may touch many rows (a page of the sign-in log, the chart) run on a thread of
// their own with its own read-only connection: better-sqlite3 is synchronous, so on the main
// thread such a read would hold every sign-in of the process until it ends. WAL lets this
// connection read beside the writer and see every commit made before each statement starts.
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface Reader {
  all(sql: string, parameters: readonly unknown[]): Promise<unknown[]>;
  close(): Promise<void>;
}

// The thread's whole program, as text: it then runs the same from the sources (tsx, vitest)
// and from the bundle (dist/server/main.js), with no file of its own to find.
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.filename, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const statements = new Map();
parentPort.on('message', ({ id, sql, parameters }) => {
  try {
    let s = statements.get(sql);
    if (!s) {
      if (statements.size >= 100) statements.clear();
      statements.set(sql, (s = db.prepare(sql)));
    }
    parentPort.postMessage({ id, rows: s.all(parameters) });
  } catch (err) {
    parentPort.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
});
`;

type Answer = { id: number; rows: unknown[] } | { id: number; error: string };

/** The reader of one database file, started on its first read. */
export function sqliteReader(filename: string): Reader {
  let worker: Worker | null = null;
  let next = 0;
  const waiting = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  const failAll = (w: Worker, err: Error) => {
    if (worker !== w) return;
    worker = null;
    for (const pending of waiting.values()) pending.reject(err);
    waiting.clear();
  };
  const start = () => {
    const w = new Worker(THREAD, { eval: true, workerData: { filename, driver: createRequire(import.meta.url).resolve('better-sqlite3') } });
    w.on('message', (a: Answer) => {
      const pending = waiting.get(a.id);
      if (!pending) return;
      waiting.delete(a.id);
      if ('error' in a) pending.reject(new Error(`SQLite reader: ${a.error}`));
      else pending.resolve(a.rows);
      // Idle, the thread does not keep the process alive.
      if (waiting.size === 0) w.unref();
    });
    w.on('error', (err) => failAll(w, err));
    w.on('exit', (code) => failAll(w, new Error(`SQLite reader stopped (exit ${code})`)));
    return w;
  };
  return {
    all(sql, parameters) {
      const w = (worker ??= start());
      const id = next++;
      w.ref();
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, sql, parameters });
      });
    },
    async close() {
      const w = worker;
      if (!w) return;
      failAll(w, new Error('SQLite reader: the repository was closed'));
      await w.terminate();
    },
  };
}
