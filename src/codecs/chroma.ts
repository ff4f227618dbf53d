/**
 * Native YBR_FULL_422 (PS3.3 C.7.6.3.1.2) holds Y1 Y2 CB CR per pair of
 * pixels. Encoders take three samples per pixel, so such frames are expanded
 * to YBR_FULL first, each pair's CB and CR serving both pixels. (YBR_PARTIAL_422
 * has no full-resolution counterpart in DICOM and is left alone.)
 */
import type { NativeFrame } from './codec.js';
import { bytesPerSample, type PixelDescription } from './pixel-description.js';

export function isExpandable(d: PixelDescription): boolean {
  return d.samplesPerPixel === 3 && d.photometricInterpretation === 'YBR_FULL_422';
}

export function expandedDescription(d: PixelDescription): PixelDescription {
  return { ...d, photometricInterpretation: 'YBR_FULL', planarConfiguration: 0 };
}

export function expanded(frame: NativeFrame): NativeFrame {
  const width = bytesPerSample(frame.description);
  const src = frame.data;
  const out = new Uint8Array((src.length / 4) * 6);
  // Per pair of pixels, in samples: Y1 Y2 CB CR → Y1 CB CR Y2 CB CR.
  const order = [0, 2, 3, 1, 2, 3];
  for (let pair = 0, o = 0; (pair + 4) * width <= src.length; pair += 4) {
    for (const s of order) {
      out.set(src.subarray((pair + s) * width, (pair + s + 1) * width), o);
      o += width;
    }
  }
  return { data: out, description: expandedDescription(frame.description) };
}
