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
