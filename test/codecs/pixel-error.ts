/** How far decoded frames are from originals, sample by sample. */
import { expect } from 'vitest';
import type { NativeFrame } from '../../src/codecs/codec.js';
import { signExtended } from '../../src/codecs/stored-bits.js';
import { manifestForm } from './reference.js';

/** Samples as numbers, whatever their width. */
function sampleValues(frame: NativeFrame): Float64Array {
  const d = frame.description;
  const data = signExtended(manifestForm(frame, false), d);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const width = d.bitsAllocated / 8;
  const out = new Float64Array(data.length / width);
  const signed = d.pixelRepresentation === 1;
  for (let i = 0; i < out.length; i++) {
    if (width === 1) out[i] = signed ? view.getInt8(i) : view.getUint8(i);
    else out[i] = signed ? view.getInt16(i * 2, true) : view.getUint16(i * 2, true);
  }
  return out;
}

/** Largest absolute error and PSNR (peak: the original's Bits Stored range) of decoded frames against originals. */
export function errorStats(decoded: readonly NativeFrame[], original: readonly NativeFrame[]): { maxError: number; psnr: number } {
  let maxError = 0;
  let squares = 0;
  let count = 0;
  decoded.forEach((frame, f) => {
    const a = sampleValues(frame);
    const b = sampleValues(original[f]!);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < a.length; i++) {
      const e = a[i]! - b[i]!;
      maxError = Math.max(maxError, Math.abs(e));
      squares += e * e;
      count++;
    }
  });
  const peak = 2 ** original[0]!.description.bitsStored - 1;
  return { maxError, psnr: squares === 0 ? Infinity : 10 * Math.log10((peak * peak) / (squares / count)) };
}
