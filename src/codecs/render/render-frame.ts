import type { NativeFrame } from '../codec.js';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import { renderColor } from './color.js';
import { RenderError, type DisplayImage } from './display-image.js';
import { renderGrayscale } from './grayscale.js';
import type { BulkValues } from './lookup-table.js';
import { renderPalette } from './palette-color.js';
import type { VoiWindow } from './voi-lut.js';

export interface RenderOptions {
  /** 1-based number of the frame, for the per-frame functional groups of enhanced objects. */
  readonly frameNumber: number;
  /** The window asked for; applies to grayscale images only (PS3.4 N.2.1.3). */
  readonly window?: VoiWindow;
  /** LUT data the data set holds only as BulkDataURI: the paths bulkLutPaths() names. */
  readonly bulk?: BulkValues;
}

/**
 * A decoded frame to 8-bit display pixels, following the pixel transformation
 * sequence of PS3.4 N.2 as far as the image itself defines it. `ds` is the
 * instance's DICOM JSON; the frame's own description (which a decoder may have
 * changed, e.g. YBR_FULL_422 to RGB) decides how its samples are read.
 */
export function renderFrame(frame: NativeFrame, ds: DicomJsonDataset, options: RenderOptions): DisplayImage {
  const d = frame.description;
  const bulk = options.bulk ?? new Map<string, Uint8Array>();
  const photometric = d.photometricInterpretation;
  if (d.rows < 1 || d.columns < 1) throw new RenderError('not-renderable', `the frame is ${d.rows}x${d.columns}`);
  if (photometric === 'MONOCHROME1' || photometric === 'MONOCHROME2') {
    if (d.samplesPerPixel !== 1) throw new RenderError('not-renderable', `${photometric} with ${d.samplesPerPixel} samples per pixel`);
    return renderGrayscale(frame, ds, { frameNumber: options.frameNumber, window: options.window, bulk });
  }
  if (photometric === 'PALETTE COLOR') return renderPalette(frame, ds, bulk);
  if (d.samplesPerPixel !== 3) {
    throw new RenderError('not-renderable', `photometric interpretation ${photometric} with ${d.samplesPerPixel} samples per pixel`);
  }
  return renderColor(frame);
}
