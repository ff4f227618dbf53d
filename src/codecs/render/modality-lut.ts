import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { firstNumber, scopedItem } from './dataset-values.js';
import { macroScope } from './frame-scope.js';
import { lookup, readLut, type BulkValues, type LookupTable } from './lookup-table.js';

/** The Modality LUT stage (PS3.3 C.11.1): stored values to modality values (HU, ...). */
export type ModalityTransform =
  | { readonly kind: 'rescale'; readonly slope: number; readonly intercept: number }
  | { readonly kind: 'lut'; readonly lut: LookupTable };

const PIXEL_VALUE_TRANSFORMATION = '00289145';
const RESCALE_INTERCEPT = '00281052';
const RESCALE_SLOPE = '00281053';
const MODALITY_LUT_SEQUENCE = '00283000';

/**
 * The frame's modality transformation: the first Modality LUT Sequence item,
 * else Rescale Slope/Intercept (from the Pixel Value Transformation functional
 * group of enhanced objects, else the top level), else identity. PS3.3 C.11.1
 * allows only one of the two; files that carry both (an identity rescale beside
 * a real LUT) display as intended, and as DCMTK shows them, with the LUT.
 */
export function modalityTransform(
  ds: DicomJsonDataset,
  frameNumber: number,
  signedStored: boolean,
  bulk: BulkValues,
): ModalityTransform {
  const item = scopedItem({ dataset: ds, pathPrefix: '' }, MODALITY_LUT_SEQUENCE);
  const lut = item && readLut(item, { descriptor: '00283002', data: '00283006' }, bulk, signedStored, 'Modality LUT');
  if (lut) return { kind: 'lut', lut };
  const scope = macroScope(ds, frameNumber, PIXEL_VALUE_TRANSFORMATION);
  const slope = firstNumber(scope.dataset[RESCALE_SLOPE]);
  const intercept = firstNumber(scope.dataset[RESCALE_INTERCEPT]);
  // A zero slope would flatten the image: it is an encoding error, read as 1.
  return { kind: 'rescale', slope: slope === undefined || slope === 0 ? 1 : slope, intercept: intercept ?? 0 };
}

export function applyModality(t: ModalityTransform, stored: number): number {
  return t.kind === 'rescale' ? stored * t.slope + t.intercept : lookup(t.lut, stored);
}

/** The range of modality values that stored values min..max map to. */
export function modalityRange(t: ModalityTransform, { min, max }: { min: number; max: number }): { lo: number; hi: number } {
  if (t.kind === 'rescale') {
    const a = applyModality(t, min);
    const b = applyModality(t, max);
    return { lo: Math.min(a, b), hi: Math.max(a, b) };
  }
  let lo = Infinity;
  let hi = -Infinity;
  // A LUT need not be monotonic: look at every entry the stored range reaches.
  const { entries, firstMapped } = t.lut;
  const clamp = (i: number) => Math.min(entries.length - 1, Math.max(0, i));
  for (let i = clamp(Math.round(min) - firstMapped); i <= clamp(Math.round(max) - firstMapped); i++) {
    const v = entries[i] as number;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return { lo, hi };
}
