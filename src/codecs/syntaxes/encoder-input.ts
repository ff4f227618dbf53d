/** From a native frame to what encoding libraries take: colour-by-pixel samples, only the stored bits meaningful. */
import type { NativeFrame } from '../codec.js';
import { unpackBits } from '../packed-bits.js';
import { withPlanarConfiguration } from '../sample-layout.js';
import { signExtended, storedBitPatterns } from '../stored-bits.js';

/**
 * The frame's samples colour-by-pixel, as `values` (sign-extended, for codecs
 * with signed samples: JPEG 2000) or as their Bits Stored `bit-patterns` (for
 * JPEG and JPEG-LS, which know only unsigned samples). 1-bit pixels come one byte each.
 */
export function encoderInput(frame: NativeFrame, form: 'values' | 'bit-patterns'): Uint8Array {
  const d = frame.description;
  if (d.bitsAllocated === 1) return unpackBits(frame.data, d.rows * d.columns * d.samplesPerPixel);
  const byPixel = withPlanarConfiguration(frame.data, d, d.planarConfiguration, 0);
  return form === 'values' ? signExtended(byPixel, d) : storedBitPatterns(byPixel, d);
}
