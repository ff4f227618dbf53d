/**
 * The bits of a sample outside Bits Stored (PS3.3 C.7.6.3.1): codecs that know
 * only unsigned samples (JPEG, JPEG-LS) carry a signed value as its stored
 * bit pattern; native data may hold anything above High Bit. These helpers
 * move between the two forms, assuming High Bit = Bits Stored - 1.
 */
import { bytesPerSample, type PixelDescription } from './pixel-description.js';

/**
 * A copy of `data` with every 8, 16 or 32-bit little endian sample masked to
 * Bits Stored or, when `signed`, sign-extended from it. One plain loop per
 * case: this runs over every decoded sample.
 */
function mapSamples(data: Uint8Array, d: PixelDescription, signed: boolean): Uint8Array {
  const out = data.slice();
  const count = Math.floor(out.length / bytesPerSample(d));
  // A fresh copy is aligned, so typed views cost nothing (the host is little endian, as Node's are).
  const words =
    bytesPerSample(d) === 1
      ? out
      : bytesPerSample(d) === 2
        ? new Uint16Array(out.buffer, 0, count)
        : new Uint32Array(out.buffer, 0, count);
  // Shifting up to bit 31 and back arithmetically copies the sign bit down; the typed array keeps the low bits.
  const unused = 32 - d.bitsStored;
  const mask = 2 ** d.bitsStored - 1;
  if (signed) for (let i = 0; i < count; i++) words[i] = (words[i]! << unused) >> unused;
  else for (let i = 0; i < count; i++) words[i] = words[i]! & mask;
  return out;
}

/** True when samples have bits above Bits Stored to clear or fill (1-bit and 64-bit data have none we touch). */
function hasUnusedBits(d: PixelDescription): boolean {
  return [8, 16, 32].includes(d.bitsAllocated) && d.bitsStored > 0 && d.bitsStored < d.bitsAllocated;
}

/**
 * Samples as values: signed ones sign-extended from Bits Stored, unsigned ones
 * with the bits above it clear. `data` itself is returned when there is nothing to change.
 */
export function signExtended(data: Uint8Array, d: PixelDescription): Uint8Array {
  if (!hasUnusedBits(d)) return data;
  return mapSamples(data, d, d.pixelRepresentation === 1);
}

/** Samples as their Bits Stored bit patterns, everything above cleared: what JPEG and JPEG-LS encode. */
export function storedBitPatterns(data: Uint8Array, d: PixelDescription): Uint8Array {
  if (!hasUnusedBits(d)) return data;
  return mapSamples(data, d, false);
}
