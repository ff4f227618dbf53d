import type { NativeFrame } from '../codec.js';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { DisplayImage } from './display-image.js';
import type { BulkValues } from './lookup-table.js';
import { applyModality, modalityRange, modalityTransform, type ModalityTransform } from './modality-lut.js';
import { graySamples, storedRange, firstNegativeIndex } from './stored-samples.js';
import { applyVoi, datasetVoi, type VoiTransform, type VoiWindow } from './voi-lut.js';

export interface GrayscaleOptions {
  readonly frameNumber: number;
  /** The window asked for (PS3.18 8.3.5.1.4); else the data set's, else the frame's range. */
  readonly window?: VoiWindow;
  readonly bulk: BulkValues;
}

const FLOAT_PIXEL_TAGS = ['7FE00008', '7FE00009'];

/**
 * MONOCHROME1/2 frames through the grayscale pipeline of PS3.4 N.2.1:
 * Modality LUT, VOI LUT, then the Presentation LUT, which for MONOCHROME1
 * inverts (minimum values are white). Integer frames of up to 16 bits are
 * mapped through one table indexed by the raw stored word: one pass, one lookup per pixel.
 */
export function renderGrayscale(frame: NativeFrame, ds: DicomJsonDataset, options: GrayscaleOptions): DisplayImage {
  const d = frame.description;
  const samples = graySamples(frame, FLOAT_PIXEL_TAGS.some((t) => ds[t] !== undefined));
  const signed = samples.kind === 'indexed' ? samples.signed : true;
  const modality = modalityTransform(ds, options.frameNumber, signed, options.bulk);
  const suggested = options.window ? undefined : datasetVoi(ds, options.frameNumber, signedModality(modality, signed), options.bulk);
  const voi: VoiTransform = options.window
    ? { kind: 'window', window: options.window }
    : (suggested ?? { kind: 'range', ...modalityRange(modality, storedRange(samples)) });
  const invert = d.photometricInterpretation === 'MONOCHROME1';
  const display = (stored: number): number => {
    const y = applyVoi(voi, applyModality(modality, stored));
    const v = Math.round((y < 0 ? 0 : y > 1 ? 1 : y) * 255);
    return invert ? 255 - v : v;
  };

  const out = new Uint8Array(d.rows * d.columns);
  if (samples.kind === 'indexed') {
    const table = new Uint8Array(2 ** samples.bitsStored);
    const negative = firstNegativeIndex(samples.bitsStored, samples.signed);
    for (let i = 0; i < table.length; i++) table[i] = display(i >= negative ? i - table.length : i);
    mapThroughTable(samples.raw, samples.shift, table, out);
  } else {
    const { values } = samples;
    for (let i = 0; i < out.length; i++) out[i] = display(values[i] as number);
  }
  return { width: d.columns, height: d.rows, channels: 1, data: out };
}

/** out[i] = table[masked raw word i]: the one pass over the pixels. */
function mapThroughTable(raw: Uint8Array | Uint16Array, shift: number, table: Uint8Array, out: Uint8Array): void {
  const mask = table.length - 1;
  // Separate loops keep each one monomorphic, which V8 compiles to a tight loop.
  if (raw instanceof Uint16Array) {
    for (let i = 0; i < out.length; i++) out[i] = table[((raw[i] as number) >> shift) & mask] as number;
  } else {
    for (let i = 0; i < out.length; i++) out[i] = table[((raw[i] as number) >> shift) & mask] as number;
  }
}

/** Whether modality values can be negative, which decides how a VOI LUT Descriptor's first value reads. */
function signedModality(modality: ModalityTransform, signedStored: boolean): boolean {
  return modality.kind === 'rescale' ? signedStored || modality.intercept < 0 || modality.slope < 0 : false;
}
