import type { DicomJsonDataset, DicomJsonElement, PersonNameJson } from '../../dicom/json-model.js';
import { normalizeBound } from '../../dicom/match-key.js';
import { normalizePersonNameForFuzzy } from '../../dicom/person-name.js';
import type { QueryLevel } from '../index-store.js';
import { attributesOf, type AttributeColumn } from './attribute-columns.js';

/** A row's column values as SQLite stores them. */
export type ColumnValues = Record<string, string | number | null>;

/**
 * The column values of one level read from an instance's dataset (computed
 * attributes excluded). Only the first value of an attribute is indexed:
 * every attribute in the table has VM 1.
 */
export function columnValuesFrom(level: QueryLevel, dataset: DicomJsonDataset): ColumnValues {
  const values: ColumnValues = {};
  for (const attribute of attributesOf(level)) {
    if (attribute.computed) continue;
    Object.assign(values, columnValuesOf(attribute, dataset[attribute.tag]));
  }
  return values;
}

function columnValuesOf(attribute: AttributeColumn, element: DicomJsonElement | undefined): ColumnValues {
  const c = attribute.column;
  const first = element?.Value?.[0];
  switch (attribute.match) {
    case 'person-name': {
      const pn = isPersonName(first) ? first : {};
      const fuzzy = normalizePersonNameForFuzzy(pn);
      return {
        [c]: pn.Alphabetic ?? null,
        [`${c}_ideographic`]: pn.Ideographic ?? null,
        [`${c}_phonetic`]: pn.Phonetic ?? null,
        [`${c}_fuzzy`]: fuzzy === '' ? null : fuzzy,
      };
    }
    case 'time': {
      const tm = scalarText(first);
      return { [c]: tm, [`${c}_key`]: tm === null ? null : normalizeBound('TM', tm, 'lower') };
    }
    case 'date': {
      const da = scalarText(first);
      // Legacy ACR-NEMA 'YYYY.MM.DD' is indexed as 'YYYYMMDD' so ranges compare.
      return { [c]: da === null ? null : da.replace(/\./g, '') };
    }
    case 'number': {
      const n = typeof first === 'number' ? first : Number(scalarText(first) ?? NaN);
      return { [c]: Number.isFinite(n) ? Math.trunc(n) : null };
    }
    case 'none':
      if (attribute.vr === 'SQ') return { [c]: requestAttributes(element) };
      return { [c]: scalarText(first) };
    default:
      return { [c]: scalarText(first) };
  }
}

function scalarText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (typeof value === 'number') return String(value);
  return null;
}

function isPersonName(value: unknown): value is PersonNameJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** PS3.18 Table 10.6.3-3 returns only these two attributes of each Request Attributes item. */
const REQUEST_ATTRIBUTE_KEYS = ['00400009', '00401001'] as const;

function requestAttributes(element: DicomJsonElement | undefined): string | null {
  const items = (element?.Value ?? []).filter(
    (item): item is DicomJsonDataset => typeof item === 'object' && item !== null,
  );
  const kept = items
    .map((item) => {
      const out: DicomJsonDataset = {};
      for (const tag of REQUEST_ATTRIBUTE_KEYS) if (item[tag]) out[tag] = item[tag]!;
      return out;
    })
    .filter((item) => Object.keys(item).length > 0);
  return kept.length === 0 ? null : JSON.stringify(kept);
}

/**
 * The DICOM JSON element for an attribute from a result row (PS3.18 F.2):
 * PN as {Alphabetic, Ideographic, Phonetic}, IS/US as numbers, backslash lists
 * as several values, sequences as items. A missing value is an element with
 * no Value: PS3.18 10.6.3 returns required attributes even when empty.
 */
export function elementFromRow(
  attribute: AttributeColumn,
  row: Record<string, unknown>,
  prefix = '',
): DicomJsonElement {
  const c = prefix + attribute.column;
  const raw = row[c];
  const vr = attribute.vr;
  if (attribute.match === 'person-name') {
    const pn: PersonNameJson = {};
    if (typeof raw === 'string') pn.Alphabetic = raw;
    const ideographic = row[`${c}_ideographic`];
    const phonetic = row[`${c}_phonetic`];
    if (typeof ideographic === 'string') pn.Ideographic = ideographic;
    if (typeof phonetic === 'string') pn.Phonetic = phonetic;
    return Object.keys(pn).length === 0 ? { vr } : { vr, Value: [pn] };
  }
  if (raw === null || raw === undefined || raw === '') return { vr };
  if (vr === 'SQ') return { vr, Value: JSON.parse(String(raw)) as DicomJsonDataset[] };
  if (typeof raw === 'number') return { vr, Value: [raw] };
  if (attribute.computed) return { vr, Value: String(raw).split('\\') };
  return { vr, Value: [String(raw)] };
}
