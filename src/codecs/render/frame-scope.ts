import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { scopedItem, type ScopedDataset } from './dataset-values.js';

const SHARED_FUNCTIONAL_GROUPS = '52009229';
const PER_FRAME_FUNCTIONAL_GROUPS = '52009230';

/**
 * Where the attributes of one functional group macro (e.g. Pixel Value
 * Transformation 0028,9145 or Frame VOI LUT 0028,9132) apply to a frame of an
 * enhanced multi-frame object (PS3.3 C.7.6.16.1): the frame's item of the
 * Per-Frame Functional Groups Sequence overrides the Shared one. Classic
 * objects have neither and keep the same attributes at the top level, which
 * is the answer when no functional group holds the macro.
 */
export function macroScope(ds: DicomJsonDataset, frameNumber: number, macroTag: string): ScopedDataset {
  const top: ScopedDataset = { dataset: ds, pathPrefix: '' };
  for (const [groups, index] of [
    [PER_FRAME_FUNCTIONAL_GROUPS, frameNumber - 1],
    [SHARED_FUNCTIONAL_GROUPS, 0],
  ] as const) {
    const group = scopedItem(top, groups, index);
    const macro = group && scopedItem(group, macroTag);
    if (macro) return macro;
  }
  return top;
}
