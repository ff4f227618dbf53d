/**
 * Person Name (PN) values, PS3.5 6.2.1: up to three component groups separated
 * by '=' (alphabetic, ideographic, phonetic), each of up to five components
 * separated by '^' (family, given, middle, prefix, suffix).
 *
 * Input is one already-decoded value (split multi-valued elements on '\'
 * first; decode bytes with charset.ts first: '^' and '=' bytes can be part of
 * a multi-byte character before decoding).
 */
import type { PersonNameJson } from './json-model.js';

const GROUP_KEYS = ['Alphabetic', 'Ideographic', 'Phonetic'] as const;

/**
 * PS3.5 6.2.1.1: trailing component delimiters may be omitted, and trailing
 * spaces are padding (NULs too, from careless writers). Stripping them makes
 * 'Doe^John^^^' and 'Doe^John' the same name, as PS3.18 F.2.2 expects.
 */
function trimGroup(group: string): string {
  return group.replace(/[\^ \0]+$/, '');
}

/** PS3.18 F.2.2: the JSON form; empty groups are omitted. */
export function parsePersonName(value: string): PersonNameJson {
  const groups = value.split('=');
  const pn: PersonNameJson = {};
  // A fourth or later group is not valid PN; it is ignored rather than guessed at.
  GROUP_KEYS.forEach((key, i) => {
    const g = trimGroup(groups[i] ?? '');
    if (g !== '') pn[key] = g;
  });
  return pn;
}

/**
 * The five components of one group, each trimmed, missing ones ''. Components
 * past the fifth are not valid PN and are dropped.
 */
export function personNameComponents(group: string): string[] {
  const parts = group.split('^');
  const components: string[] = [];
  for (let i = 0; i < 5; i++) components.push((parts[i] ?? '').trim());
  return components;
}

/**
 * The key stored for fuzzymatching=true (PS3.18 8.3.4.6; its semantics are ours
 * to define, PS3.4 C.2.2.2.1). For every group present, in the order
 * Alphabetic, Ideographic, Phonetic: its five components joined with '^' and
 * wrapped in '^'; groups joined with '='. Then NFC-normalised and upper-cased.
 *
 *   {Alphabetic: 'Doe^John', Ideographic: '山田^太郎'}  →  '^DOE^JOHN^^^^=^山田^太郎^^^^'
 *
 * Every component therefore starts right after a '^', so "the query is a
 * case-insensitive prefix of some component" is the SQL
 *   key LIKE '%^' || q || '%'   (with q = normalizeFuzzyQuery(query), LIKE
 *   metacharacters '%' and '_' in q escaped).
 * A query containing '^' ('DOE^JO') then matches family-then-given in order.
 * '=' never occurs in a component, so a match cannot straddle two groups.
 * Upper-case q in JS, not with SQL upper(): SQLite's upper() is ASCII-only.
 */
export function normalizePersonNameForFuzzy(pn: PersonNameJson): string {
  const groups: string[] = [];
  for (const key of GROUP_KEYS) {
    const g = pn[key];
    if (g === undefined || g === '') continue;
    groups.push(`^${personNameComponents(g).join('^')}^`);
  }
  return groups.join('=').normalize('NFC').toUpperCase();
}

/** The query side of normalizePersonNameForFuzzy: NFC, upper case, padding removed. */
export function normalizeFuzzyQuery(query: string): string {
  return query.trim().normalize('NFC').toUpperCase();
}
