/**
 * The bits of a sample outside Bits Stored (PS3.3 C.7.6.3.1): codecs that know
 * only unsigned samples (JPEG, JPEG-LS) carry a signed value as its stored
 * bit pattern; native data may hold anything above High Bit. These helpers
 * move between the two forms, assuming High Bit = Bits Stored - 1.
 */
import { bytesPerSample, type PixelDescription } from './pixel-description.js';

type Transform = (word: number) => number;

/** Applies `transform` to every 8, 16 or 32-bit little endian sample of a copy of `data`. */
function mapSamples(data: Uint8Array, d: PixelDescription, transform: Transform): Uint8Array {
  const out = data.slice();
  const count = Math.floor(out.length / bytesPerSample(d));
  // A fresh copy is aligned, so typed views cost nothing (the host is little endian, as Node's are).
  const words =
    bytesPerSample(d) === 1
      ? out
      : bytesPerSample(d) === 2
        ? new Uint16Array(out.buffer, 0, count)
        : new Uint32Array(out.buffer, 0, count);
  for (let i = 0; i < count; i++) words[i] = transform(words[i]!);
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
  const unused = 32 - d.bitsStored;
  const mask = 2 ** d.bitsStored - 1;
  // Shifting up to bit 31 and back arithmetically copies the sign bit down; the typed array keeps the low bits.
  return mapSamples(data, d, d.pixelRepresentation === 1 ? (w) => (w << unused) >> unused : (w) => w & mask);
}

/** Samples as their Bits Stored bit patterns, everything above cleared: what JPEG and JPEG-LS encode. */
export function storedBitPatterns(data: Uint8Array, d: PixelDescription): Uint8Array {
  if (!hasUnusedBits(d)) return data;
  const mask = 2 ** d.bitsStored - 1;
  return mapSamples(data, d, (w) => w & mask);
}
