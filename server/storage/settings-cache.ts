// Settings in memory, for an engine whose database changes only through it or in ways it can
// see: a sign-in reads the policies and the tenant name about ten times, and they change
// when an admin saves one. SQLite's `data_version` tells when another connection (another
// process on the same file) committed; then everything cached is dropped. On PostgreSQL every
// instance announces the settings it wrote (NOTIFY, at commit) and counts what it hears from
// the others (postgres/settings-version.ts); while it cannot hear them it caches nothing.
//
// A value is cached only when no write of any setting happened while it was being read, so a
// read that raced a write never caches what the write replaced. A transaction reads its own
// writes from the database and drops them from the cache as it writes them: a reader outside
// it waits for it to end (SQLite has one connection), then reads and caches what it left.

/** Enough for every policy, the tenant name and a burst of per-user keys; beyond it, start over. */
const MAX = 1_000;

export interface SettingsView {
  /** Reads `key` through `read`, caching the answer when nothing was written meanwhile. */
  read(key: string, read: () => Promise<string | null>): Promise<string | null>;
  /** Before a write of `key`. */
  writing(key: string): void;
  /** After a write of `key`: committed, outside a transaction; inside one, it commits with it. */
  written(key: string): void;
}

/** The settings of one transaction, which knows what it wrote (PostgreSQL announces it at commit). */
export interface TransactionSettings extends SettingsView {
  readonly wrote: ReadonlySet<string>;
}

export interface SettingsCacheOptions {
  /** After a write of `key` outside a transaction committed. */
  committed?: (key: string) => void;
  /** How long a value may be served from memory (ms, monotonic): the bound on staleness should an announcement be lost. */
  maxAgeMs?: number;
}

export class SettingsCache implements SettingsView {
  readonly #values = new Map<string, { value: string | null; at: number }>();
  #writes = 0;
  #version: number | null;

  /**
   * `dataVersion`: changes whenever another writer committed to the database; null while that
   * cannot be known (then every read goes to the database).
   */
  constructor(
    private readonly dataVersion: () => number | null,
    private readonly opts: SettingsCacheOptions = {},
  ) {
    this.#version = dataVersion();
  }

  /** The cached value (null: known to be absent), or undefined when it must be read. */
  #get(key: string): string | null | undefined {
    const version = this.dataVersion();
    if (version !== this.#version || version === null) {
      this.#version = version;
      this.#drop();
      return undefined;
    }
    const cached = this.#values.get(key);
    if (cached && this.opts.maxAgeMs !== undefined && performance.now() - cached.at > this.opts.maxAgeMs) return undefined;
    return cached?.value;
  }

  async read(key: string, read: () => Promise<string | null>): Promise<string | null> {
    const cached = this.#get(key);
    if (cached !== undefined) return cached;
    const writes = this.#writes;
    const version = this.#version;
    const at = performance.now();
    const value = await read();
    if (writes === this.#writes && version !== null && version === this.dataVersion()) {
      if (this.#values.size >= MAX) this.#values.clear();
      this.#values.set(key, { value, at });
    }
    return value;
  }

  writing(key: string): void {
    this.#writes++;
    this.#values.delete(key);
  }

  written(key: string): void {
    this.writing(key);
    this.opts.committed?.(key);
  }

  #drop(): void {
    this.#writes++;
    this.#values.clear();
  }

  /** The view of one transaction: what it wrote is read from the database until it ends. */
  within(): TransactionSettings {
    const wrote = new Set<string>();
    const writing = (key: string) => {
      wrote.add(key);
      this.writing(key);
    };
    return { wrote, read: (key, read) => (wrote.has(key) ? read() : this.read(key, read)), writing, written: writing };
  }
}
