import { sql, type RawBuilder, type SqlBool } from 'kysely';

/**
 * The only dialect-specific parts of QIDO matching. qido-query.ts builds
 * everything else from portable SQL, so a PostgreSQL store supplies its own
 * MatchPredicates (LIKE / ILIKE, lower()) and reuses the compiler.
 */
export interface MatchPredicates {
  /** Case-sensitive wild card match, DICOM '*' and '?' (PS3.4 C.2.2.2.4). */
  wildcard(column: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** Case-insensitive wild card match, for PN component groups. */
  wildcardIgnoreCase(column: RawBuilder<unknown>, pattern: string): RawBuilder<SqlBool>;
  /** Case-insensitive equality, for PN component groups (C.2.2.2.1 allows it). */
  equalsIgnoreCase(column: RawBuilder<unknown>, value: string): RawBuilder<SqlBool>;
  /** True when a backslash-separated list column (ModalitiesInStudy, ...) holds `value` as one of its values. */
  listContains(column: RawBuilder<unknown>, value: string): RawBuilder<SqlBool>;
  /** `pattern` is DICOM wild card syntax; the column holds upper-case keys, so a case-sensitive match. */
  containsWildcard(column: RawBuilder<unknown>, prefix: string, pattern: string): RawBuilder<SqlBool>;
}

/**
 * GLOB has no escape character: '[' and ']' are made literal by enclosing
 * them in a one-character class ('[[]', '[]]'). DICOM's '*' and '?' are
 * GLOB's own, and a DICOM value cannot ask for a literal '*' or '?' (C.2.2.2.4).
 */
export function globPattern(dicomPattern: string): string {
  return dicomPattern.replace(/[[\]]/g, (c) => `[${c}]`);
}

/** LIKE with ESCAPE '\': escape '\', '%', '_'; then '*' → '%', '?' → '_'. */
export function likePattern(dicomPattern: string): string {
  return dicomPattern.replace(/[\\%_*?]/g, (c) => (c === '*' ? '%' : c === '?' ? '_' : `\\${c}`));
}

export const SQLITE_PREDICATES: MatchPredicates = Object.freeze({
  wildcard: (column: RawBuilder<unknown>, pattern: string) => sql<SqlBool>`${column} GLOB ${globPattern(pattern)}`,
  // PN group columns are COLLATE NOCASE, so LIKE's prefix optimisation can use their
  // index (sqlite.org/optoverview.html#the_like_optimization).
  wildcardIgnoreCase: (column: RawBuilder<unknown>, pattern: string) =>
    sql<SqlBool>`${column} LIKE ${likePattern(pattern)} ESCAPE '\\'`,
  equalsIgnoreCase: (column: RawBuilder<unknown>, value: string) =>
    sql<SqlBool>`${column} = ${value} COLLATE NOCASE`,
  // Delimiters on both sides, so 'CT' never matches inside 'CTX'.
  listContains: (column: RawBuilder<unknown>, value: string) =>
    sql<SqlBool>`instr('\\' || ${column} || '\\', ${`\\${value}\\`}) > 0`,
  containsWildcard: (column: RawBuilder<unknown>, prefix: string, pattern: string) =>
    sql<SqlBool>`${column} GLOB ${`*${globPattern(prefix + pattern)}*`}`,
});
