import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { Tag } from '../../dicom/json-model.js';
import type { QidoQuery, QueryLevel } from '../index-store.js';
import {
  ALIAS,
  CONSTANT_ATTRIBUTES,
  LEVEL_DEPTH,
  MODULE_TAGS,
  attributesOf,
  findAttribute,
  outputColumns,
  type AttributeColumn,
} from './attribute-columns.js';
import { filterCondition } from './qido-filters.js';
import type { MatchPredicates } from './sqlite-predicates.js';
import type { CompiledQuery, IndexDatabase } from './schema.js';

/** A QidoQuery compiled to one SELECT plus what to do with its rows. */
export interface QidoPlan {
  readonly compiled: CompiledQuery;
  readonly level: QueryLevel;
  /** Attributes read from columns; result column = `${ALIAS[level]}_${column}`. */
  readonly columns: readonly AttributeColumn[];
  readonly constants: ReadonlyArray<{ tag: Tag; vr: string; value: string }>;
  /** Tags copied from the stored metadata of the match's representative instance. */
  readonly representativeTags: readonly Tag[];
  /** Asked for by name (key or includefield): returned empty when the representative lacks them. */
  readonly requestedTags: ReadonlySet<Tag>;
  /** Instance level, includefield=all: the whole stored metadata (minus bulk data). */
  readonly wholeMetadata: boolean;
  readonly unsupportedKeys: readonly Tag[];
}

const TAG = /^[0-9A-F]{8}$/;

/**
 * Compiles a QIDO-RS search (PS3.18 10.6) to SQL. Matching follows PS3.4
 * C.2.2.2 (see qido-filters.ts); returned attributes follow PS3.18 Table
 * 10.6.3-3, plus the keys of the query (C.2.2.2.3: a key is also returned)
 * and includefield.
 */
export function compileQido(db: Kysely<IndexDatabase>, predicates: MatchPredicates, q: QidoQuery): QidoPlan {
  const depth = LEVEL_DEPTH[q.level];
  const conditions: RawBuilder<SqlBool>[] = [];
  const unsupportedKeys: Tag[] = [];
  const requested = new Set<Tag>();

  // Tenancy first: every table in the FROM clause is pinned to the tenant.
  for (const level of (['study', 'series', 'instance'] as const).slice(0, depth + 1)) {
    conditions.push(sql<SqlBool>`${sql.ref(`${ALIAS[level]}.tenant`)} = ${q.tenant}`);
  }
  if (q.studyUid !== undefined) conditions.push(sql<SqlBool>`st.study_uid = ${q.studyUid}`);
  if (q.seriesUid !== undefined) conditions.push(sql<SqlBool>`se.series_uid = ${q.seriesUid}`);

  for (const filter of q.filters) {
    const tag = filter.tag.toUpperCase();
    const attribute = findAttribute(tag);
    requested.add(tag);
    if (filter.key.kind === 'universal') continue;
    if (!attribute || LEVEL_DEPTH[attribute.level] > depth || attribute.match === 'none') {
      unsupportedKeys.push(filter.tag);
      continue;
    }
    conditions.push(filterCondition(attribute, filter.key, q.fuzzy, predicates));
  }

  const columns = new Map<Tag, AttributeColumn>();
  for (const a of defaultColumns(q)) columns.set(a.tag, a);
  const representative = new Set<Tag>();
  let wholeMetadata = false;
  if (q.includeFields === 'all') {
    for (const a of attributesOf(q.level)) columns.set(a.tag, a);
    if (q.level === 'instance') wholeMetadata = true;
  } else {
    for (const tag of q.includeFields) requested.add(tag.toUpperCase());
  }
  const wanted = new Set(requested);
  if (q.includeFields === 'all' && q.level !== 'instance') for (const tag of MODULE_TAGS[q.level]) wanted.add(tag);
  for (const tag of wanted) {
    const a = findAttribute(tag);
    if (a && LEVEL_DEPTH[a.level] <= depth) columns.set(tag, a);
    else if (TAG.test(tag) && !wholeMetadata && !isConstant(q.level, tag) && belongsToLevel(q.level, tag)) representative.add(tag);
  }

  const selected = [...columns.values()];
  let query = fromClause(db, q.level)
    .select(
      selected.flatMap((a) =>
        outputColumns(a).map((c) => sql.ref(`${ALIAS[a.level]}.${c}`).as(`${ALIAS[a.level]}_${c}`)),
      ),
    )
    .select(sql.ref(`${ALIAS[q.level]}.pk`).as('match_pk'));
  query = query.where((eb) => eb.and(conditions));
  for (const [column, direction] of orderOf(q)) query = query.orderBy(sql.ref(column), direction);
  // One row past the page tells whether the result is truncated (PS3.18 10.6.3.2).
  query = query.limit(Math.max(0, q.limit) + 1).offset(Math.max(0, q.offset));

  return {
    compiled: query.compile(),
    level: q.level,
    columns: selected,
    constants: CONSTANT_ATTRIBUTES.filter((c) => c.levels.includes(q.level)),
    representativeTags: [...representative],
    requestedTags: requested,
    wholeMetadata,
    unsupportedKeys,
  };
}

/**
 * PS3.18 10.6.3.3: a study or series search returns attributes of its level and
 * above only. Public tags outside the level's modules are dropped; private tags
 * (odd groups) have no known level and are returned from the representative instance.
 */
function belongsToLevel(level: QueryLevel, tag: Tag): boolean {
  if (level === 'instance' || parseInt(tag.slice(0, 4), 16) % 2 === 1) return true;
  return MODULE_TAGS.study.includes(tag) || (level === 'series' && MODULE_TAGS.series.includes(tag));
}

function isConstant(level: QueryLevel, tag: Tag): boolean {
  return CONSTANT_ATTRIBUTES.some((c) => c.tag === tag && c.levels.includes(level));
}

/**
 * PS3.18 10.6.3.3: series and instance results carry the attributes of the
 * levels above unless the path already fixes them; the UIDs of every level
 * are always returned, the HTTP layer builds RetrieveURLs from them.
 */
function defaultColumns(q: QidoQuery): AttributeColumn[] {
  const fixedByPath: Record<QueryLevel, boolean> = {
    study: q.studyUid !== undefined,
    series: q.seriesUid !== undefined,
    instance: false,
  };
  const out: AttributeColumn[] = [];
  for (const level of (['study', 'series', 'instance'] as const).slice(0, LEVEL_DEPTH[q.level] + 1)) {
    const full = level === q.level || !fixedByPath[level];
    for (const a of attributesOf(level)) {
      if (a.returnedByDefault && (full || a.tag === UNIQUE_KEY[level])) out.push(a);
    }
  }
  return out;
}

/** PS3.4 C.6.1.1: the unique key of each level. */
const UNIQUE_KEY: Readonly<Record<QueryLevel, Tag>> = { study: '0020000D', series: '0020000E', instance: '00080018' };

/**
 * Stable orders, each ending in primary keys so pages never overlap:
 * studies newest first (study date and time, then latest stored); series and
 * instances by their numbers within their parent. Without a parent in the
 * path, series and instances are grouped by parent in storage order, which
 * the (tenant, study_pk, series_number) and (tenant, series_pk,
 * instance_number) indexes deliver without sorting the whole tenant.
 */
function orderOf(q: QidoQuery): ReadonlyArray<[string, 'asc' | 'desc']> {
  if (q.level === 'study') {
    return [
      ['st.study_date', 'desc'],
      ['st.study_time', 'desc'],
      ['st.pk', 'desc'],
    ];
  }
  const series: Array<[string, 'asc' | 'desc']> = [
    ['se.series_number', 'asc'],
    ['se.pk', 'asc'],
  ];
  if (q.level === 'series') return q.studyUid !== undefined ? series : [['se.study_pk', 'asc'], ...series];
  const instances: Array<[string, 'asc' | 'desc']> = [
    ['i.instance_number', 'asc'],
    ['i.pk', 'asc'],
  ];
  if (q.seriesUid !== undefined) return instances;
  if (q.studyUid !== undefined) return [...series, ...instances];
  return [['i.series_pk', 'asc'], ...instances];
}

function fromClause(db: Kysely<IndexDatabase>, level: QueryLevel) {
  if (level === 'study') return db.selectFrom('studies as st');
  const series = db.selectFrom('series as se').innerJoin('studies as st', 'st.pk', 'se.study_pk');
  if (level === 'series') return series;
  return db
    .selectFrom('instances as i')
    .innerJoin('series as se', 'se.pk', 'i.series_pk')
    .innerJoin('studies as st', 'st.pk', 'i.study_pk');
}

/**
 * json_extract of several top-level tags as one JSON array (SQLite parses the
 * metadata once, in C, instead of shipping the whole text to JavaScript).
 */
export function metadataPaths(tags: readonly Tag[], column: string): RawBuilder<string> {
  const paths = tags.map((tag) => sql`${`$."${tag}"`}`);
  return sql<string>`json_array(${sql.join(
    paths.map((p) => sql`json_extract(${sql.ref(column)}, ${p})`),
  )})`;
}
