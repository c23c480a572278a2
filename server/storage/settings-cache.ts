// Settings in memory, for an engine whose database changes only through it or in ways it can
// see: a sign-in reads the policies and the tenant name about ten times, and they change
// when an admin saves one. SQLite's `data_version` tells when another connection (another
// process on the same file) committed; then everything cached is dropped. PostgreSQL's other
// instances write without telling this one, so it has no cache (Engine.settings is null).
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
}

export class SettingsCache implements SettingsView {
  readonly #values = new Map<string, string | null>();
  #writes = 0;
  #version: number;

  /** `dataVersion`: changes whenever another connection committed to the database. */
  constructor(private readonly dataVersion: () => number) {
    this.#version = dataVersion();
  }

  /** The cached value (null: known to be absent), or undefined when it must be read. */
  #get(key: string): string | null | undefined {
    const version = this.dataVersion();
    if (version !== this.#version) {
      this.#version = version;
      this.#drop();
    }
    return this.#values.get(key);
  }

  async read(key: string, read: () => Promise<string | null>): Promise<string | null> {
    const cached = this.#get(key);
    if (cached !== undefined) return cached;
    const writes = this.#writes;
    const version = this.#version;
    const value = await read();
    if (writes === this.#writes && version === this.#version) {
      if (this.#values.size >= MAX) this.#values.clear();
      this.#values.set(key, value);
    }
    return value;
  }

  writing(key: string): void {
    this.#writes++;
    this.#values.delete(key);
  }

  #drop(): void {
    this.#writes++;
    this.#values.clear();
  }

  /** The view of one transaction: what it wrote is read from the database until it ends. */
  within(): SettingsView {
    const written = new Set<string>();
    return {
      read: (key, read) => (written.has(key) ? read() : this.read(key, read)),
      writing: (key) => {
        written.add(key);
        this.writing(key);
      },
    };
  }
}
