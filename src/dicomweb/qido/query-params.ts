import type { Tag } from '../../dicom/json-model.js';
import { lookupTag, parseTagOrKeyword } from '../../dicom/dictionary.js';
import { MatchKeyError, parseMatchKey } from '../../dicom/match-key.js';
import type { QidoQuery, QueryFilter, QueryLevel } from '../../storage/index-store.js';
import type { TenantId, Uid } from '../../storage/ids.js';
import { errors } from '../errors.js';

export type RawQuery = Record<string, string | string[] | undefined>;

export interface QueryLimits {
  defaultLimit: number;
  maxLimit: number;
}

/** Result of parsing: the query plus keys that name attributes we recognise but cannot match on. */
export interface ParsedQuery {
  query: QidoQuery;
  /** The client asked for more than maxLimit; the page was capped. */
  limitCapped: boolean;
  /** Dotted sequence paths and private tags: ignored, reported in a Warning (PS3.18 8.3.4.1). */
  ignoredKeys: string[];
  /** Parameters that name no attribute: ignored as PS3.18 8.3 says, reported in a Warning. */
  ignoredParameters: string[];
}

function values(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  return Array.isArray(raw) ? raw : [raw];
}

function nonNegativeInteger(name: string, raw: string | string[] | undefined): number | undefined {
  const all = values(raw);
  if (all.length === 0) return undefined;
  if (all.length > 1) throw errors.badQuery(`${name} given more than once`);
  if (!/^[0-9]{1,9}$/.test(all[0]!)) throw errors.badQuery(`${name} must be a non-negative integer`);
  return Number(all[0]);
}

function parseBoolean(name: string, raw: string | string[] | undefined): boolean {
  const all = values(raw);
  if (all.length === 0) return false;
  const value = all[all.length - 1]!.toLowerCase();
  if (value !== 'true' && value !== 'false') throw errors.badQuery(`${name} must be true or false`);
  return value === 'true';
}

/** includefield: comma lists, repeated, keywords or tags, or `all` (PS3.18 8.3.4.3). */
function parseIncludeFields(raw: string | string[] | undefined): Tag[] | 'all' {
  const tags: Tag[] = [];
  for (const item of values(raw).flatMap((v) => v.split(','))) {
    const name = item.trim();
    if (name === '') continue;
    if (name === 'all') return 'all';
    const tag = parseTagOrKeyword(name.split('.')[0]!);
    if (!tag) throw errors.badQuery(`includefield names an unknown attribute: ${name}`);
    tags.push(tag);
  }
  return tags;
}

/**
 * Turns a QIDO-RS query string (already percent-decoded) into a QidoQuery.
 * Attribute keys are keywords or tags (PS3.18 8.3.4.1). Any other parameter is
 * ignored, as PS3.18 8.3 requires, and named in a Warning so that a typo that
 * widened the search does not go unnoticed.
 */
export function parseQidoQuery(
  raw: RawQuery,
  scope: { tenant: TenantId; level: QueryLevel; studyUid?: Uid; seriesUid?: Uid },
  limits: QueryLimits,
): ParsedQuery {
  const filters: QueryFilter[] = [];
  const ignoredKeys: string[] = [];
  const ignoredParameters: string[] = [];
  for (const [name, rawValue] of Object.entries(raw)) {
    const lower = name.toLowerCase();
    if (['limit', 'offset', 'fuzzymatching', 'includefield'].includes(lower)) continue;
    const path = name.split('.');
    const tag = parseTagOrKeyword(path[0]!);
    if (!tag) {
      ignoredParameters.push(name);
      continue;
    }
    const entry = lookupTag(tag);
    if (path.length > 1 || !entry) {
      ignoredKeys.push(name);
      continue;
    }
    const all = values(rawValue);
    if (all.length > 1) throw errors.badQuery(`${name} given more than once`);
    try {
      filters.push({ tag, key: parseMatchKey(entry.vr, all[0] ?? '') });
    } catch (err) {
      if (err instanceof MatchKeyError) throw errors.badQuery(`${name}: ${err.message}`);
      throw err;
    }
  }

  const requested = nonNegativeInteger('limit', raw.limit);
  const limit = Math.min(requested ?? limits.defaultLimit, limits.maxLimit);
  return {
    query: {
      ...scope,
      filters,
      fuzzy: parseBoolean('fuzzymatching', raw.fuzzymatching),
      includeFields: parseIncludeFields(raw.includefield),
      limit,
      offset: nonNegativeInteger('offset', raw.offset) ?? 0,
    },
    limitCapped: requested !== undefined && requested > limits.maxLimit,
    ignoredKeys,
    ignoredParameters,
  };
}
