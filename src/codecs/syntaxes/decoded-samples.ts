/** From what a decoding library returns to a native frame (PS3.5 8.1.1) as the codec's description says. */
import { CodecError, type NativeFrame } from '../codec.js';
import { packBits } from '../packed-bits.js';
import { bytesPerSample, type PixelDescription } from '../pixel-description.js';
import { withPlanarConfiguration } from '../sample-layout.js';
import { signExtended } from '../stored-bits.js';

/** Unsigned 1-byte samples in 2-byte little endian words (an 8-bit codestream under Bits Allocated 16). */
function widened(samples: Uint8Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  for (let i = 0; i < samples.length; i++) out[i * 2] = samples[i]!;
  return out;
}

/**
 * `samples` as decoded (`width` bytes each, little endian, colour-by-pixel
 * unless `layout` is 1) in the form `d` describes: 1-bit data packed, samples
 * Bits Allocated wide and sign-extended, colour laid out as d.planarConfiguration says.
 * `values` says the library already returned sample values as `d` describes them
 * (no bits above Bits Stored, signed ones extended): then they are not rewritten.
 */
export function nativeFromDecoded(samples: Uint8Array, width: number, layout: 0 | 1, d: PixelDescription, values = false): NativeFrame {
  if (d.bitsAllocated === 1) return { data: packBits(samples, d.rows * d.columns * d.samplesPerPixel), description: d };
  const container = bytesPerSample(d);
  let data = samples;
  if (width !== container) {
    if (width !== 1 || container !== 2) {
      throw new CodecError(`the codestream holds ${width * 8}-bit samples; Bits Allocated is ${d.bitsAllocated}`);
    }
    data = widened(samples);
  }
  data = withPlanarConfiguration(values ? data : signExtended(data, d), d, layout, d.planarConfiguration);
  return { data, description: d };
}
