import type { DicomJsonDataset, DicomJsonElement } from '../../dicom/json-model.js';
import { numbersOf, type ScopedDataset } from './dataset-values.js';
import { RenderError } from './display-image.js';

/**
 * Binary values that the DICOM JSON only references by BulkDataURI (large LUT
 * data), read by the caller from the stored file: keyed by tag path
 * ('00281201', '00283010/0/00283006'), little endian.
 */
export type BulkValues = ReadonlyMap<string, Uint8Array>;

/** A LUT as PS3.3 C.11.1.1 describes it: entries for inputs firstMapped, firstMapped+1, ... */
export interface LookupTable {
  readonly firstMapped: number;
  /** Bits per entry (third descriptor value): outputs range over 0 .. 2^bits-1. */
  readonly bits: number;
  readonly entries: Uint16Array;
}

/** The entry for input `x`: inputs below the first or past the last map to the first or last entry. */
export function lookup(lut: LookupTable, x: number): number {
  const i = Math.round(x) - lut.firstMapped;
  const last = lut.entries.length - 1;
  return lut.entries[i < 0 ? 0 : i > last ? last : i] as number;
}

/** Tags whose values are LUT data (palette, segmented palette, LUT Data in modality and VOI LUT items). */
const LUT_DATA_TAGS = new Set(['00281201', '00281202', '00281203', '00281221', '00281222', '00281223', '00283006']);
const PER_FRAME_FUNCTIONAL_GROUPS = '52009230';

/**
 * Tag paths of the LUT data that rendering frame `frameNumber` may need and
 * that the JSON holds only as BulkDataURI: the caller reads these from the
 * stored file and passes them as BulkValues. Per-frame items of other frames
 * are not visited.
 */
export function bulkLutPaths(ds: DicomJsonDataset, frameNumber: number): string[] {
  const paths: string[] = [];
  const walk = (dataset: DicomJsonDataset, prefix: string): void => {
    for (const [tag, el] of Object.entries(dataset)) {
      if (el.vr === 'SQ') {
        (el.Value ?? []).forEach((item, i) => {
          if (prefix === '' && tag === PER_FRAME_FUNCTIONAL_GROUPS && i !== frameNumber - 1) return;
          if (item !== null && typeof item === 'object') walk(item as DicomJsonDataset, `${prefix}${tag}/${i}/`);
        });
      } else if (el.BulkDataURI !== undefined && LUT_DATA_TAGS.has(tag)) {
        paths.push(prefix + tag);
      }
    }
  };
  walk(ds, '');
  return paths;
}

/** The bytes of a binary or numeric (US/SS) element, little endian. */
export function valueBytes(el: DicomJsonElement, path: string, bulk: BulkValues): Uint8Array | undefined {
  if (el.InlineBinary !== undefined) return Buffer.from(el.InlineBinary, 'base64');
  if (el.BulkDataURI !== undefined) {
    const bytes = bulk.get(path);
    // The caller reads every path bulkLutPaths() names: a miss is a bug, not bad data.
    if (!bytes) throw new Error(`bulk data ${path} was not supplied to the renderer`);
    return bytes;
  }
  const words = numbersOf(el);
  if (words.length === 0) return undefined;
  const out = new Uint8Array(words.length * 2);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint16(i * 2, w & 0xffff, true));
  return out;
}

/** Little endian 16-bit words, whatever the alignment of `bytes`. */
export function words16(bytes: Uint8Array): Uint16Array {
  const out = new Uint16Array(bytes.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = (bytes[2 * i] as number) | ((bytes[2 * i + 1] as number) << 8);
  return out;
}

/**
 * The three values of a LUT Descriptor (PS3.3 C.11.1.1): entry count (0 means
 * 65536), first input value mapped, bits per entry. The first mapped value is
 * signed when the LUT's input is (the descriptor is US or SS by context).
 */
export function readDescriptor(el: DicomJsonElement | undefined, signedInput: boolean, what: string) {
  const [count, first, bits] = numbersOf(el);
  if (count === undefined || first === undefined || bits === undefined) {
    throw new RenderError('not-renderable', `${what}: LUT Descriptor needs three values`);
  }
  const entries = count & 0xffff || 65536;
  let firstMapped = first;
  if (signedInput && first > 0x7fff) firstMapped = first - 0x10000;
  else if (!signedInput && first < 0) firstMapped = first + 0x10000;
  if (bits < 1 || bits > 16) throw new RenderError('not-renderable', `${what}: LUT Descriptor gives ${bits} bits per entry`);
  return { entries, firstMapped, bits };
}

/**
 * A LUT from its descriptor and data elements in `scope`, or undefined when
 * the data element is absent. 8-bit entries may be packed two per 16-bit word
 * (as PS3.3 C.7.6.3.1.6 allows for palettes): recognised by the data length.
 */
export function readLut(
  scope: ScopedDataset,
  tags: { descriptor: string; data: string },
  bulk: BulkValues,
  signedInput: boolean,
  what: string,
): LookupTable | undefined {
  const dataEl = scope.dataset[tags.data];
  const bytes = dataEl && valueBytes(dataEl, scope.pathPrefix + tags.data, bulk);
  if (!bytes || bytes.length === 0) return undefined;
  const { entries, firstMapped, bits } = readDescriptor(scope.dataset[tags.descriptor], signedInput, what);
  const packed = bits <= 8 && bytes.length < 2 * entries;
  const data = packed ? Uint16Array.from(bytes.subarray(0, entries)) : words16(bytes).subarray(0, entries);
  return { firstMapped, bits, entries: data };
}
