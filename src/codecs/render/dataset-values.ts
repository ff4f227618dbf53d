import type { DicomJsonDataset, DicomJsonElement } from '../../dicom/json-model.js';

/** Numeric values of an element (DS/IS arrive as numbers, or as strings from lenient writers). */
export function numbersOf(el: DicomJsonElement | undefined): number[] {
  const out: number[] = [];
  for (const v of el?.Value ?? []) {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n === 'number' && Number.isFinite(n)) out.push(n);
  }
  return out;
}

export function firstNumber(el: DicomJsonElement | undefined): number | undefined {
  return numbersOf(el)[0];
}

export function firstString(el: DicomJsonElement | undefined): string | undefined {
  const v = el?.Value?.[0];
  return typeof v === 'string' ? v.trim() : undefined;
}

/** Item `index` of a sequence element. */
export function itemOf(el: DicomJsonElement | undefined, index = 0): DicomJsonDataset | undefined {
  if (el?.vr !== 'SQ') return undefined;
  const v = el.Value?.[index];
  // Values of an SQ element are always items (PS3.18 F.2.2).
  return v !== null && typeof v === 'object' ? (v as DicomJsonDataset) : undefined;
}

/**
 * A data set (the top level or a sequence item) with the tag path prefix its
 * elements have ('' at the top level, '52009230/3/00289132/0/' in an item), as
 * BulkDataURI tag paths are written.
 */
export interface ScopedDataset {
  readonly dataset: DicomJsonDataset;
  readonly pathPrefix: string;
}

/** Item `index` of sequence `tag` in `scope`, with its path prefix. */
export function scopedItem(scope: ScopedDataset, tag: string, index = 0): ScopedDataset | undefined {
  const dataset = itemOf(scope.dataset[tag], index);
  return dataset ? { dataset, pathPrefix: `${scope.pathPrefix}${tag}/${index}/` } : undefined;
}
