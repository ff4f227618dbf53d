import type { NativeFrame } from '../codec.js';
import { RenderError } from './display-image.js';
import { unpackBits } from '../packed-bits.js';

/**
 * One-sample pixels as stored, before any transformation (PS3.5 8.1.1, PS3.3 C.7.6.3.1).
 *
 * - `indexed`: integers of at most 16 bits. The stored value of pixel i is
 *   `(raw[i] >> shift) & (2^bitsStored - 1)`, two's complement when `signed`, so
 *   a table of 2^bitsStored entries can map every pixel in one lookup.
 * - `real`: 32-bit integers (already masked and sign-extended) and float pixel data.
 */
export type GraySamples =
  | {
      readonly kind: 'indexed';
      readonly raw: Uint8Array | Uint16Array;
      readonly bitsStored: number;
      readonly shift: number;
      readonly signed: boolean;
    }
  | { readonly kind: 'real'; readonly values: Float32Array | Float64Array };

function expectBytes(frame: NativeFrame, bytes: number): void {
  if (frame.data.length < bytes) {
    const d = frame.description;
    throw new RenderError(
      'not-renderable',
      `the frame has ${frame.data.length} bytes; ${d.rows}x${d.columns}x${d.samplesPerPixel} samples of ${d.bitsAllocated} bits need ${bytes}`,
    );
  }
}

/** The first `length` bytes in a buffer of their own (Buffer#slice would share the pool's). */
const copy = (data: Uint8Array, length: number): Uint8Array => new Uint8Array(data.subarray(0, length));

/** 16-bit little endian words without copying when the buffer is aligned (Node runs little endian hosts). */
function uint16View(data: Uint8Array, count: number): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, count);
  return new Uint16Array(copy(data, count * 2).buffer);
}

/** The samples of a one-sample frame (grayscale or palette indices). `floatPixels`: the data is Float or Double Float Pixel Data. */
export function graySamples(frame: NativeFrame, floatPixels: boolean): GraySamples {
  const d = frame.description;
  const count = d.rows * d.columns;
  const { bitsAllocated: allocated } = d;
  expectBytes(frame, Math.ceil((count * allocated) / 8));
  if (floatPixels) {
    // Float (7FE0,0008) and Double Float (7FE0,0009) Pixel Data: IEEE values, no bits stored.
    const bytes = copy(frame.data, count * (allocated / 8));
    if (allocated === 32) return { kind: 'real', values: new Float32Array(bytes.buffer) };
    if (allocated === 64) return { kind: 'real', values: new Float64Array(bytes.buffer) };
    throw new RenderError('not-renderable', `float pixel data of ${allocated} bits`);
  }
  const stored = Math.min(d.bitsStored, allocated);
  const signed = d.pixelRepresentation === 1;
  // High Bit is normally Bits Stored - 1; otherwise the value sits higher in the word.
  const shift = d.highBit + 1 - stored;
  const validShift = shift >= 0 && shift + stored <= allocated ? shift : 0;
  switch (allocated) {
    case 1:
      return { kind: 'indexed', raw: unpackBits(frame.data, count), bitsStored: 1, shift: 0, signed: false };
    case 8:
      return { kind: 'indexed', raw: frame.data.subarray(0, count), bitsStored: stored, shift: validShift, signed };
    case 16:
      return { kind: 'indexed', raw: uint16View(frame.data, count), bitsStored: stored, shift: validShift, signed };
    case 32:
      return { kind: 'real', values: int32Values(frame.data, count, stored, validShift, signed) };
    default:
      throw new RenderError('not-renderable', `Bits Allocated ${allocated} is not supported`);
  }
}

function int32Values(data: Uint8Array, count: number, stored: number, shift: number, signed: boolean): Float64Array {
  const view = new DataView(data.buffer, data.byteOffset, count * 4);
  const out = new Float64Array(count);
  const unused = 32 - stored;
  for (let i = 0; i < count; i++) {
    // Move the stored bits to the top, then back down: arithmetic shift sign-extends, logical does not.
    const word = view.getUint32(i * 4, true) >>> shift;
    out[i] = signed ? (word << unused) >> unused : (word << unused) >>> unused;
  }
  return out;
}

/** Smallest and largest stored value of the frame. */
export function storedRange(samples: GraySamples): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  if (samples.kind === 'real') {
    for (const v of samples.values) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    return { min, max };
  }
  const { raw, shift, bitsStored, signed } = samples;
  const mask = 2 ** bitsStored - 1;
  let lo = mask;
  let hi = 0;
  if (!signed) {
    for (let i = 0; i < raw.length; i++) {
      const v = ((raw[i] as number) >> shift) & mask;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    return { min: lo, max: hi };
  }
  const half = 2 ** (bitsStored - 1);
  for (let i = 0; i < raw.length; i++) {
    const u = ((raw[i] as number) >> shift) & mask;
    const v = u >= half ? u - 2 * half : u;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}

/**
 * Table index i (a masked raw word) stands for stored value i, or, when the
 * data is signed, i - 2^bitsStored from this index on (two's complement).
 */
export function firstNegativeIndex(bitsStored: number, signed: boolean): number {
  return signed ? 2 ** (bitsStored - 1) : Infinity;
}
