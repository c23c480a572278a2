// Queries built and compiled once. Building and compiling a Kysely query costs more than
// running it on SQLite (bench/signin-storage.bench.ts), so the stores' hot queries are built
// on first use with placeholders for their arguments, and every later call runs the same
// SQL text with its own values, past the builder and its executor (Engine.query): SQLite's
// cached statement, PostgreSQL's named prepared statement.
//
// The builder's arguments are placeholders while it runs: it may pass them to the query as
// values, and test whether a field of an object argument is set (!== undefined), nothing
// else. Which fields are set is the query's shape (a patch's columns, a filter's terms);
// each shape is compiled once.
//
// A store is built more than once, over the root engine and over each engine lent to
// transactions (stores.ts), and its queries are the same: each is named by its store and its
// place in it (buildStore), and its compiled shapes are kept under that name in
// Engine.compiled, which the root engine shares with every other.
import type { Compilable } from 'kysely';
import type { CompiledShape, Engine } from './engine.ts';

/** Stands for one argument, or one field of an object argument, while the query is built. */
class Slot {
  constructor(
    readonly arg: number,
    readonly field?: string,
  ) {}
}

type Fill = CompiledShape['fill'][number];

/** The store being built, and how many queries it has prepared so far. */
let building: { store: string; queries: number } | null = null;

/**
 * Builds a store with `make`, naming each query it prepares `store#n` in the order it
 * prepares them: a store prepares the same queries in the same order every time it is built.
 */
export function buildStore<S>(store: string, make: () => S): S {
  const outer = building;
  building = { store, queries: 0 };
  try {
    return make();
  } finally {
    building = outer;
  }
}

export interface Prepared<P extends unknown[], O> {
  all(...args: P): Promise<O[]>;
  first(...args: P): Promise<O | undefined>;
  /** The rows an UPDATE, DELETE or INSERT changed. */
  changes(...args: P): Promise<number>;
}

export function prepared<P extends unknown[], O>(engine: Engine, build: (...args: P) => Compilable<O>): Prepared<P, O> {
  if (!building) throw new TypeError('prepared: a query is prepared while its store is built (buildStore), which names it');
  const name = `${building.store}#${building.queries++}`;
  const known = engine.compiled.get(name);
  const shapes = known ?? new Map<string, CompiledShape>();
  if (!known) engine.compiled.set(name, shapes);
  const run = (args: P, first = false) => {
    const shape = shapeOf(args);
    let c = shapes.get(shape);
    if (!c) shapes.set(shape, (c = compile(build, args)));
    const values: unknown[] = [];
    for (const f of c.fill) values.push(f(args));
    return engine.query(c.sql, values, first);
  };
  return {
    all: async (...args) => (await run(args)).rows as O[],
    first: async (...args) => (await run(args, true)).rows[0] as O | undefined,
    changes: async (...args) => (await run(args)).changes,
  };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function shapeOf(args: readonly unknown[]): string {
  let shape = '';
  for (const a of args) {
    if (!isRecord(a)) shape += a === undefined ? '-' : '?';
    else {
      shape += '{';
      for (const k in a) if (a[k] !== undefined) shape += k + ',';
      shape += '}';
    }
  }
  return shape;
}

function compile<P extends unknown[], O>(build: (...args: P) => Compilable<O>, args: P): CompiledShape {
  const slots: Slot[] = [];
  const slot = (arg: number, field?: string) => {
    const s = new Slot(arg, field);
    slots.push(s);
    return s;
  };
  const standIns = args.map((a, i) => {
    if (!isRecord(a)) return a === undefined ? undefined : slot(i);
    const fields: Record<string, Slot> = {};
    for (const k in a) if (a[k] !== undefined) fields[k] = slot(i, k);
    return fields;
  });
  const { sql, parameters } = build(...(standIns as P)).compile();
  const used = new Set(parameters.filter((p) => p instanceof Slot));
  const unused = slots.find((s) => !used.has(s));
  // A builder that read a placeholder instead of passing it on would bake one call's value into every later call.
  if (unused) throw new TypeError(`prepared: argument ${unused.arg}${unused.field ? `.${unused.field}` : ''} is not a value of the query: ${sql}`);
  const fill = parameters.map((p): Fill => {
    if (!(p instanceof Slot)) return () => p;
    const { arg, field } = p;
    return field === undefined ? (a) => a[arg] : (a) => (a[arg] as Record<string, unknown>)[field];
  });
  return { sql, fill };
}
