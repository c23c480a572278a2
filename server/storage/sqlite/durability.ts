// Durable commits that do not stall the event loop. SQLite's synchronous=FULL flushes the WAL
// inside each COMMIT, and better-sqlite3 runs COMMIT on the one event loop: every request of
// the process waits for every fsync, one commit at a time. Instead the connection runs at
// NORMAL (a commit is appended to the WAL, SQLite itself still syncs around checkpoints) and
// this flushes the WAL file off the loop (libuv's thread pool) before a commit is acknowledged:
// what FULL syncs at each commit, made durable before anyone is told it happened. One flush
// covers every commit appended before it started, so commits that land while a flush is under
// way share the next one (group commit): concurrent sign-ins pay one fsync between them.
// A read may see a commit a moment before its flush ends; anything answered on it that writes
// (a session, say) is appended after it, so its own flush covers both, in the WAL's order.
import { open, type FileHandle } from 'node:fs/promises';

export interface Durability {
  /** Call after each commit (COMMIT, or a write outside a transaction): returns its mark. */
  committed(): number;
  /** The mark of the newest commit so far. */
  readonly latest: number;
  /** Resolves once every commit up to `mark` is on the disk; rejects when the flush failed. */
  flushed(mark: number): Promise<void>;
  close(): Promise<void>;
}

/** `flush`: fdatasync of the WAL file (injectable so that tests can hold a flush open). */
export function walDurability(walPath: string, flush: (file: FileHandle) => Promise<void> = (file) => file.datasync()): Durability {
  let latest = 0;
  let synced = 0;
  let file: Promise<FileHandle> | null = null;
  let inFlight: Promise<void> | null = null;

  // The WAL exists once anything was committed, and stays the same file while a connection is open.
  const handle = () => (file ??= open(walPath, 'r'));
  const flushOnce = (): Promise<void> => {
    const upTo = latest;
    const run = handle()
      .then(flush)
      .then(
        () => {
          synced = Math.max(synced, upTo);
        },
        (err: unknown) => {
          // The next caller tries again, on the file opened anew: a flush that failed proved nothing about what it covered.
          const failed = file;
          file = null;
          void failed?.then((f) => f.close()).catch(() => {});
          throw flushFailed(err);
        },
      )
      .finally(() => {
        inFlight = null;
      });
    inFlight = run;
    return run;
  };

  return {
    committed: () => ++latest,
    get latest() {
      return latest;
    },
    async flushed(mark) {
      // A flush already under way may have started before this commit: wait for it, then start one that covers it.
      while (synced < mark) await (inFlight ?? flushOnce());
    },
    async close() {
      await inFlight?.catch(() => {});
      const f = file;
      file = null;
      await (await f?.catch(() => null))?.close();
    },
  };
}

/** The error SQLite's own FULL gives when its fsync fails, so that the request answers as any lost database does (unavailable.ts). */
function flushFailed(cause: unknown): Error {
  const err = new Error(`the write-ahead log could not be flushed to the disk: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  return Object.assign(err, { code: 'SQLITE_IOERR_FSYNC' });
}
