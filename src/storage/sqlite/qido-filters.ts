import { sql, type RawBuilder, type SqlBool } from 'kysely';
import { MatchKeyError, rangeBounds, type MatchKey } from '../../dicom/match-key.js';
import { normalizeFuzzyQuery } from '../../dicom/person-name.js';
import { ALIAS, type AttributeColumn } from './attribute-columns.js';
import type { MatchPredicates } from './sqlite-predicates.js';

type Condition = RawBuilder<SqlBool>;
type Values = Exclude<MatchKey, { kind: 'universal' | 'range' }>;

/**
 * The SQL condition for one non-universal matching key (PS3.4 C.2.2.2).
 * Throws MatchKeyError when the key's kind does not apply to the attribute
 * (a range on a name, a wild card on a number): the request is malformed.
 */
export function filterCondition(
  attribute: AttributeColumn,
  key: Exclude<MatchKey, { kind: 'universal' }>,
  fuzzy: boolean,
  predicates: MatchPredicates,
): Condition {
  const ref = (column: string) => sql.ref(`${ALIAS[attribute.level]}.${column}`);
  const c = attribute.column;
  switch (attribute.match) {
    case 'date':
    case 'time': {
      if (key.kind !== 'single' && key.kind !== 'range') throw mismatch(attribute, key);
      const column = attribute.match === 'time' ? `${c}_key` : c;
      const { from, to } = rangeBounds(attribute.match === 'time' ? 'TM' : 'DA', key);
      // C.2.2.2.5: an open end is unbounded; the bounds are inclusive.
      if (from !== undefined && from === to) return sql<SqlBool>`${ref(column)} = ${from}`;
      const parts: Condition[] = [];
      if (from !== undefined) parts.push(sql<SqlBool>`${ref(column)} >= ${from}`);
      if (to !== undefined) parts.push(sql<SqlBool>`${ref(column)} <= ${to}`);
      return and(parts);
    }
    case 'uid':
    case 'number': {
      if (key.kind !== 'single' && key.kind !== 'list') throw mismatch(attribute, key);
      const values = valuesOf(key).map((v) => (attribute.match === 'number' ? Number(v) : v));
      return values.length === 1 ? sql<SqlBool>`${ref(c)} = ${values[0]}` : sql<SqlBool>`${ref(c)} IN (${sql.join(values)})`;
    }
    case 'text':
      return textCondition(ref(c), onlyValues(attribute, key), predicates);
    case 'person-name':
      return personNameCondition(attribute, onlyValues(attribute, key), fuzzy, predicates, ref);
    case 'series-modality':
    case 'instance-sop-class': {
      // ModalitiesInStudy / SOPClassesInStudy match when any series / instance of the
      // study matches (PS3.18 10.6.1.2). Values are tested against the study's sorted
      // list column, which the writer keeps equal to its series and instances: it is
      // in the study list index, where an EXISTS probe per study costs ~30x more.
      const values = onlyValues(attribute, key);
      if (values.kind !== 'wildcard') return or(valuesOf(values).map((v) => predicates.listContains(ref(c), v)));
      if (attribute.match === 'instance-sop-class') throw mismatch(attribute, key);
      const inner = predicates.wildcard(sql.ref('m.modality'), values.pattern);
      return sql<SqlBool>`EXISTS (SELECT 1 FROM series AS m WHERE m.tenant = st.tenant AND m.study_pk = st.pk AND ${inner})`;
    }
    case 'none':
      throw mismatch(attribute, key);
  }
}

function onlyValues(attribute: AttributeColumn, key: Exclude<MatchKey, { kind: 'universal' }>): Values {
  if (key.kind === 'range') throw mismatch(attribute, key);
  return key;
}

function valuesOf(key: Values): string[] {
  return key.kind === 'single' ? [key.value] : key.kind === 'list' ? key.values : [key.pattern];
}

/** C.2.2.2.1 (case-sensitive), C.2.2.2.4 wild cards, C.2.2.2.8 any of several values. */
function textCondition(column: RawBuilder<unknown>, key: Values, predicates: MatchPredicates): Condition {
  if (key.kind === 'wildcard') return predicates.wildcard(column, key.pattern);
  if (key.kind === 'single') return sql<SqlBool>`${column} = ${key.value}`;
  return sql<SqlBool>`${column} IN (${sql.join(key.values)})`;
}

/**
 * Person names (C.2.2.2.1, C.2.2.2.4): case-insensitive, against each
 * component group. A value without '=' matches when any group matches; with
 * '=' ('Yamada^Tarou=山田^太郎') each non-empty query group must match its own
 * group. fuzzymatching=true (PS3.18 8.3.4.2): the query is a case-insensitive
 * prefix of some name component (see normalizePersonNameForFuzzy).
 */
function personNameCondition(
  attribute: AttributeColumn,
  key: Values,
  fuzzy: boolean,
  predicates: MatchPredicates,
  ref: (column: string) => RawBuilder<unknown>,
): Condition {
  const c = attribute.column;
  const groupColumns = [c, `${c}_ideographic`, `${c}_phonetic`];
  const one = (value: string, wild: boolean): Condition => {
    if (fuzzy) {
      const q = normalizeFuzzyQuery(value).replace(/[\^ ]+$/, '');
      return predicates.containsWildcard(ref(`${c}_fuzzy`), '^', q);
    }
    const match = (column: string, v: string) =>
      wild ? predicates.wildcardIgnoreCase(ref(column), v) : predicates.equalsIgnoreCase(ref(column), v);
    const groups = value.split('=').map(trimPersonNameGroup);
    if (groups.length === 1) return or(groupColumns.map((column) => match(column, groups[0]!)));
    const parts = groups.slice(0, 3).flatMap((g, i) => (g === '' ? [] : [match(groupColumns[i]!, g)]));
    return parts.length === 0 ? sql<SqlBool>`1 = 1` : and(parts);
  };
  if (key.kind === 'wildcard') return one(key.pattern, true);
  return or(valuesOf(key).map((v) => one(v, false)));
}

/** PS3.5 6.2.1: trailing '^' and spaces carry no meaning ('DOE^JOHN^^' is 'DOE^JOHN'). */
function trimPersonNameGroup(group: string): string {
  return group.replace(/[\^ ]+$/, '');
}

function and(parts: Condition[]): Condition {
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` AND `)})`;
}

function or(parts: Condition[]): Condition {
  return parts.length === 1 ? parts[0]! : sql<SqlBool>`(${sql.join(parts, sql` OR `)})`;
}

function mismatch(attribute: AttributeColumn, key: MatchKey): MatchKeyError {
  return new MatchKeyError(`${attribute.keyword} (${attribute.tag}) does not support ${key.kind} matching`);
}
