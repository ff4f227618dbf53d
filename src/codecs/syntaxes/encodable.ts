/** Whether a library can encode a frame: the limits each codec declares, checked in one place. */
import { isChromaSubsampled, type PixelDescription } from '../pixel-description.js';

export interface EncoderLimits {
  readonly bitsAllocated: readonly number[];
  /** Largest Bits Stored the library takes. */
  readonly maxBitsStored: number;
  /** Bits Stored the library needs at least (JPEG-LS: 2). */
  readonly minBitsStored?: number;
  /** Photometric interpretations accepted for three samples; one-sample frames are always accepted. */
  readonly colour: readonly string[];
  /** Bits Allocated values at which three samples are accepted. */
  readonly colourBitsAllocated: readonly number[];
  /** False when signed 8-bit samples would be taken as unsigned. */
  readonly signed8Bit: boolean;
  /** Lossy encoders refuse palette indices: near values index unrelated colours. */
  readonly lossy: boolean;
}

/** Why frames described by `d` cannot be encoded within `limits`, or undefined. */
export function encodeRefusal(d: PixelDescription, limits: EncoderLimits): string | undefined {
  if (!limits.bitsAllocated.includes(d.bitsAllocated)) return `Bits Allocated ${d.bitsAllocated} is not supported`;
  if (d.bitsStored > limits.maxBitsStored || d.bitsStored < (limits.minBitsStored ?? 1) || d.bitsStored > d.bitsAllocated) {
    return `Bits Stored ${d.bitsStored} is not supported`;
  }
  // Encapsulated samples are low-aligned: a High Bit elsewhere would be lost.
  if (d.highBit !== d.bitsStored - 1) return `High Bit ${d.highBit} is not Bits Stored - 1`;
  if (d.samplesPerPixel !== 1 && d.samplesPerPixel !== 3) return `Samples per Pixel ${d.samplesPerPixel} is not supported`;
  if (isChromaSubsampled(d)) return `${d.photometricInterpretation} native data must be upsampled first`;
  if (d.samplesPerPixel === 3 && !limits.colour.includes(d.photometricInterpretation)) {
    return `${d.photometricInterpretation} colour is not supported`;
  }
  if (d.samplesPerPixel === 3 && !limits.colourBitsAllocated.includes(d.bitsAllocated)) {
    return `colour at Bits Allocated ${d.bitsAllocated} is not supported`;
  }
  if (!limits.signed8Bit && d.pixelRepresentation === 1 && d.bitsAllocated === 8) return 'signed 8-bit samples are not supported';
  if (limits.lossy && d.photometricInterpretation === 'PALETTE COLOR') return 'lossy compression of palette indices is refused';
  return undefined;
}
