// Field schemas of the browser API beside the wire fields in ../fields.ts: query-string
// values (which arrive as text), path ids, and the short status answers.
import * as v from 'valibot';
import { Id } from '../fields.ts';

export const IdParam = v.object({ id: Id });

/** Query-string numbers arrive as text. */
export const QNum = (min: number, max: number) =>
  v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'a whole number'), v.transform(Number), v.minValue(min), v.maxValue(max));

/** A date filter: epoch milliseconds or an ISO date (2026-11-28 or 2026-11-28T10:00Z). */
export const QTime = v.pipe(
  v.string(),
  // Only these two forms: Date.parse alone also reads "-5" as a day in 2001.
  v.regex(/^(\d{1,16}|\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?)$/, 'a time is epoch milliseconds or an ISO date'),
  v.transform((s) => (/^\d+$/.test(s) ? Number(s) : Date.parse(s))),
  // Up to the largest time a Date holds (year 275760): fits both stores' 64-bit integers.
  v.check((n) => Number.isFinite(n) && n >= 0 && n <= 8.64e15, 'a time is epoch milliseconds or an ISO date'),
);

/** A trimmed, non-empty text filter. */
export const QText = (max: number) => v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(max));

/** Epoch milliseconds in an answer. */
export const Time = v.number();

/** `{ status: "deleted" }` and the like: what an action that returns nothing else answers. */
export const Done = <const S extends string>(status: S) => v.object({ status: v.literal(status) });
