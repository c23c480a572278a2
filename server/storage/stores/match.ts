// Shared WHERE fragments whose plain SQL would differ between the engines.
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * `column` LIKE `pattern` ignoring case, with \ as the escape character. Written as
 * lower() LIKE lower() because SQLite's LIKE ignores ASCII case and PostgreSQL's does not
 * (and SQLite has no ILIKE): both engines fold ASCII letters; PostgreSQL folds the rest too.
 */
export const likeIgnoringCase = (column: string, pattern: string): RawBuilder<SqlBool> =>
  sql<SqlBool>`lower(${sql.ref(column)}) like lower(${pattern}) escape '\\'`;

/** 1 for each row matching `condition`, 0 otherwise, summed (count(*) FILTER is PostgreSQL only). */
export const countWhere = (condition: RawBuilder<SqlBool>): RawBuilder<string | number> => sql<string | number>`coalesce(sum(case when ${condition} then 1 else 0 end), 0)`;

/**
 * `column` starts with `prefix`, ignoring case, as a range over lower(column) in byte order:
 * the index on lower(column) in that order serves it on both engines (a LIKE would need
 * SQLite's case-sensitive LIKE, or PostgreSQL's pattern operators). U+10FFFF is the largest
 * character there is, so every string that starts with the prefix sorts below prefix + it.
 */
export const startsWithIgnoringCase = (column: string, prefix: string, bytewise: 'BINARY' | 'C'): RawBuilder<SqlBool> => {
  const folded = sql`lower(${sql.ref(column)})${sql.raw(bytewise === 'C' ? ' collate "C"' : '')}`;
  return sql<SqlBool>`${folded} >= lower(${prefix}) and ${folded} < lower(${prefix}) || ${'\u{10FFFF}'}`;
};
