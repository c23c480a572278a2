// The one connection of a SQLite database, for the query builder and the transactions alike.
// A transaction holds it from BEGIN to COMMIT, and every query from outside waits until then.
// Kysely holds it for a transaction too (Kysely.connection()), but makes a query builder, a
// connection provider and a lock for each one, close to half of what an empty transaction
// cost, and a sign-in makes four: here the transactions share one builder, made once.
import { Kysely, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDatabase } from 'kysely';
import type { Schema } from '../schema.ts';

/** Who holds the connection, and who waits for it, in turn. */
class Turns {
  #held = false;
  readonly #waiting: (() => void)[] = [];

  async take(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiting.push(resolve));
  }

  /** To the next in line, who then holds it. */
  pass(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#held = false;
  }
}

/** Kysely's driver, which waits its turn for every connection it hands out. */
class TurnTakingDriver extends SqliteDriver {
  constructor(
    database: SqliteDatabase,
    private readonly turns: Turns,
  ) {
    super({ database });
  }

  override async acquireConnection(): Promise<DatabaseConnection> {
    await this.turns.take();
    return super.acquireConnection();
  }

  override async releaseConnection(): Promise<void> {
    await super.releaseConnection();
    this.turns.pass();
  }
}

export interface OneConnection {
  /** Queries that wait for any open transaction to end. */
  readonly db: Kysely<Schema>;
  /** Runs `fn` holding the connection: nothing from outside runs until it settles. */
  hold<T>(fn: (held: Kysely<Schema>) => Promise<T>): Promise<T>;
}

export function oneConnection(database: SqliteDatabase): OneConnection {
  const turns = new Turns();
  const db = new Kysely<Schema>({
    dialect: new (class extends SqliteDialect {
      override createDriver(): Driver {
        return new TurnTakingDriver(database, turns);
      }
    })({ database }),
  });
  // For whoever holds the connection: its queries run at once (its driver's own lock is never
  // contended, the holder's queries taking turns). Closing the database is db's to do.
  const held = new Kysely<Schema>({ dialect: new SqliteDialect({ database: { close() {}, prepare: (text) => database.prepare(text) } }) });
  return {
    db,
    async hold(fn) {
      await turns.take();
      try {
        return await fn(held);
      } finally {
        turns.pass();
      }
    },
  };
}
