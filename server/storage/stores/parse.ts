// Reading rows back: what a column holds is checked, not trusted. PostgreSQL answers BIGINT
// as text, and JSON or enum columns hold whatever was written by any version of the code,
// so a value that is not what the record says throws here instead of travelling on.
export type Row = Record<string, unknown>;

export function num(v: unknown, field: string): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (v === null || v === undefined || !Number.isFinite(n)) throw new TypeError(`Stored ${field} is "${String(v)}", expected a number`);
  return n;
}
export const numOrNull = (v: unknown, field: string): number | null => (v === null || v === undefined ? null : num(v, field));
export const str = (v: unknown): string => String(v);
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
/** Flags are stored 0/1 on both engines. */
export const flag = (v: unknown): boolean => Number(v) === 1;
export const toFlag = (v: boolean): number => (v ? 1 : 0);

export function stringList(v: unknown, field: string): string[] {
  const list: unknown = JSON.parse(String(v));
  if (!Array.isArray(list) || !list.every((x) => typeof x === 'string')) throw new TypeError(`Stored ${field} is ${String(v)}, expected a list of strings`);
  return list;
}

/** A closed set of values, written as a record so that the compiler checks it lists every member of T. */
export function oneOf<T extends string>(members: Record<T, true>): (v: unknown, field: string) => T {
  const values: T[] = [];
  for (const key in members) values.push(key);
  return memberOf(values);
}

/** LIKE pattern for a substring, with the wildcards in it taken literally (escape character \). */
export const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => '\\' + c);
export const contains = (s: string): string => `%${escapeLike(s)}%`;

/** A closed set of values that the domain or the protocol already lists. */
export function memberOf<T extends string>(values: readonly T[]): (v: unknown, field: string) => T {
  const allowed = new Set<string>(values);
  const isMember = (s: string): s is T => allowed.has(s);
  return (v, field) => {
    const s = String(v);
    if (!isMember(s)) throw new TypeError(`Stored ${field} is "${s}", expected one of ${values.join(', ')}`);
    return s;
  };
}
