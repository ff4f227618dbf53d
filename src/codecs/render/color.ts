import type { NativeFrame } from '../codec.js';
import { RenderError, type DisplayImage } from './display-image.js';

/**
 * Three-sample frames to interleaved 8-bit RGB: RGB as is, YBR_FULL and
 * YBR_FULL_422 converted with the equations of PS3.3 C.7.6.3.1.2. YBR_ICT and
 * YBR_RCT exist only inside JPEG 2000 codestreams, whose decoders return RGB
 * (PS3.5 8.2.4), so a native frame still labelled with them holds RGB.
 */
export function renderColor(frame: NativeFrame): DisplayImage {
  const d = frame.description;
  const count = d.rows * d.columns;
  const photometric = d.photometricInterpretation;
  if (!['RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_ICT', 'YBR_RCT'].includes(photometric)) {
    throw new RenderError('not-renderable', `photometric interpretation ${photometric} is not supported for rendering`);
  }
  const image = (data: Uint8Array): DisplayImage => ({ width: d.columns, height: d.rows, channels: 3, data });
  // Native YBR_FULL_422 keeps one Cb and Cr per two pixels: Y1 Y2 Cb Cr (PS3.3 C.7.6.3.1.2).
  if (photometric === 'YBR_FULL_422' && d.bitsAllocated === 8 && frame.data.length < count * 3) {
    return image(ybr422ToRgb(frame.data, d.columns, d.rows));
  }
  const rgb = interleaved8(frame);
  if (photometric === 'YBR_FULL' || photometric === 'YBR_FULL_422') ybrToRgbInPlace(rgb);
  return image(rgb);
}

/** Samples as 8-bit, pixel-interleaved; deeper samples keep their most significant stored bits. */
function interleaved8(frame: NativeFrame): Uint8Array {
  const d = frame.description;
  const count = d.rows * d.columns;
  const bytesPerSample = d.bitsAllocated / 8;
  if (![1, 2, 4].includes(bytesPerSample)) {
    throw new RenderError('not-renderable', `colour samples of ${d.bitsAllocated} bits are not supported`);
  }
  if (frame.data.length < count * 3 * bytesPerSample) {
    throw new RenderError('not-renderable', `the frame has ${frame.data.length} bytes; ${count} RGB pixels need ${count * 3 * bytesPerSample}`);
  }
  // A copy (the typed-array constructor copies; Buffer#slice would not): YBR converts in place.
  if (bytesPerSample === 1 && d.planarConfiguration === 0) return new Uint8Array(frame.data.subarray(0, count * 3));
  const view = new DataView(frame.data.buffer, frame.data.byteOffset, count * 3 * bytesPerSample);
  const stored = Math.min(d.bitsStored, d.bitsAllocated);
  const shift = Math.max(0, d.highBit + 1 - stored);
  const mask = 2 ** stored - 1;
  const down = Math.max(0, stored - 8);
  const sample = (index: number): number => {
    const word = bytesPerSample === 1 ? view.getUint8(index) : bytesPerSample === 2 ? view.getUint16(index * 2, true) : view.getUint32(index * 4, true);
    return Math.floor(((word >>> shift) & mask) / 2 ** down);
  };
  const out = new Uint8Array(count * 3);
  for (let i = 0; i < count; i++) {
    for (let c = 0; c < 3; c++) {
      // Planar configuration 1: all red samples, then all green, then all blue (C.7.6.3.1.3).
      out[i * 3 + c] = sample(d.planarConfiguration === 1 ? c * count + i : i * 3 + c);
    }
  }
  return out;
}

const clamp8 = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function ybrToRgbInPlace(p: Uint8Array): void {
  for (let i = 0; i < p.length; i += 3) {
    const y = p[i] as number;
    const cb = (p[i + 1] as number) - 128;
    const cr = (p[i + 2] as number) - 128;
    p[i] = clamp8(y + 1.402 * cr);
    p[i + 1] = clamp8(y - 0.3441 * cb - 0.7141 * cr);
    p[i + 2] = clamp8(y + 1.772 * cb);
  }
}

function ybr422ToRgb(data: Uint8Array, columns: number, rows: number): Uint8Array {
  const out = new Uint8Array(columns * rows * 3);
  const expected = Math.ceil(columns / 2) * 4 * rows;
  if (data.length < expected) {
    throw new RenderError('not-renderable', `the YBR_FULL_422 frame has ${data.length} bytes; ${expected} expected`);
  }
  let src = 0;
  for (let y = 0; y < rows; y++) {
    for (let x = 0; x < columns; x += 2) {
      const cb = (data[src + 2] as number) - 128;
      const cr = (data[src + 3] as number) - 128;
      for (let k = 0; k < 2 && x + k < columns; k++) {
        const luma = data[src + k] as number;
        const o = (y * columns + x + k) * 3;
        out[o] = clamp8(luma + 1.402 * cr);
        out[o + 1] = clamp8(luma - 0.3441 * cb - 0.7141 * cr);
        out[o + 2] = clamp8(luma + 1.772 * cb);
      }
      src += 4;
    }
  }
  return out;
}
