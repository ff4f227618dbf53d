import type { PixelDescription } from '../pixel-description.js';

/**
 * What a decoder of an encapsulated syntax returns for frames described by
 * `d`: samples low-aligned (High Bit = Bits Stored - 1, as codecs return
 * them) in 8 or 16-bit words (old writers put Bits Allocated 12 on 12-bit
 * JPEG), the planar configuration kept, and the photometric interpretation
 * the decoded samples really have.
 */
export function decodedAs(d: PixelDescription, photometricInterpretation = d.photometricInterpretation): PixelDescription {
  const bitsAllocated = d.bitsAllocated > 8 && d.bitsAllocated < 16 ? 16 : d.bitsAllocated;
  return { ...d, bitsAllocated, highBit: Math.max(d.bitsStored - 1, 0), photometricInterpretation };
}
