import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { firstNumber, firstString, scopedItem } from './dataset-values.js';
import { macroScope } from './frame-scope.js';
import { lookup, readLut, type BulkValues, type LookupTable } from './lookup-table.js';

/** VOI LUT Function (0028,1056) defined terms, PS3.3 C.11.2.1.3. */
export type VoiFunction = 'LINEAR' | 'LINEAR_EXACT' | 'SIGMOID';
export const VOI_FUNCTIONS: readonly VoiFunction[] = ['LINEAR', 'LINEAR_EXACT', 'SIGMOID'];

export interface VoiWindow {
  readonly center: number;
  readonly width: number;
  readonly fn: VoiFunction;
}

/**
 * The VOI LUT stage (PS3.3 C.11.2): modality values to display values in 0..1.
 * `range` maps the frame's own smallest..largest modality value linearly, for
 * images that carry neither a window nor a VOI LUT.
 */
export type VoiTransform =
  | { readonly kind: 'window'; readonly window: VoiWindow }
  | { readonly kind: 'lut'; readonly lut: LookupTable }
  | { readonly kind: 'range'; readonly lo: number; readonly hi: number };

const FRAME_VOI_LUT = '00289132';
const WINDOW_CENTER = '00281050';
const WINDOW_WIDTH = '00281051';
const VOI_LUT_FUNCTION = '00281056';
const VOI_LUT_SEQUENCE = '00283010';

/**
 * The VOI the data set suggests for the frame: its first Window Center/Width
 * (with its VOI LUT Function), else its first VOI LUT Sequence item. The Frame
 * VOI LUT functional group of enhanced objects takes the place of the top level.
 */
export function datasetVoi(
  ds: DicomJsonDataset,
  frameNumber: number,
  signedInput: boolean,
  bulk: BulkValues,
): Exclude<VoiTransform, { kind: 'range' }> | undefined {
  const scope = macroScope(ds, frameNumber, FRAME_VOI_LUT);
  const center = firstNumber(scope.dataset[WINDOW_CENTER]);
  const width = firstNumber(scope.dataset[WINDOW_WIDTH]);
  const named = firstString(scope.dataset[VOI_LUT_FUNCTION])?.toUpperCase();
  const fn = VOI_FUNCTIONS.find((f) => f === named) ?? 'LINEAR';
  // LINEAR needs a width of at least 1, the others a positive one (C.11.2.1.2): else no usable window.
  if (center !== undefined && width !== undefined && width >= (fn === 'LINEAR' ? 1 : Number.MIN_VALUE)) {
    return { kind: 'window', window: { center, width, fn } };
  }
  const item = scopedItem(scope, VOI_LUT_SEQUENCE);
  const lut = item && readLut(item, { descriptor: '00283002', data: '00283006' }, bulk, signedInput, 'VOI LUT');
  return lut ? { kind: 'lut', lut } : undefined;
}

/** The window functions of PS3.3 C.11.2.1.2 and C.11.2.1.3.1 with ymin 0 and ymax 1. */
export function applyWindow(w: VoiWindow, x: number): number {
  const { center: c, width } = w;
  switch (w.fn) {
    case 'LINEAR': {
      const half = (width - 1) / 2;
      if (x <= c - 0.5 - half) return 0;
      if (x > c - 0.5 + half) return 1;
      return (x - (c - 0.5)) / (width - 1) + 0.5;
    }
    case 'LINEAR_EXACT':
      if (x <= c - width / 2) return 0;
      if (x > c + width / 2) return 1;
      return (x - c) / width + 0.5;
    case 'SIGMOID':
      return 1 / (1 + Math.exp((-4 * (x - c)) / width));
  }
}

/** Display value in 0..1 of modality value `x`. */
export function applyVoi(t: VoiTransform, x: number): number {
  switch (t.kind) {
    case 'window':
      return applyWindow(t.window, x);
    case 'lut':
      return lookup(t.lut, x) / (2 ** t.lut.bits - 1);
    case 'range':
      return t.hi > t.lo ? (x - t.lo) / (t.hi - t.lo) : 0;
  }
}
