/**
 * Moving colour samples between the two layouts of PS3.3 C.7.6.3.1.3:
 * colour-by-pixel (Planar Configuration 0: R1 G1 B1 R2 ...) and
 * colour-by-plane (1: R1 R2 ... G1 G2 ... B1 B2 ...).
 */
import { bytesPerSample, type PixelDescription } from './pixel-description.js';

type Layout = 0 | 1;

/**
 * `data` (laid out as `from` says) laid out as `to` says. One-sample frames
 * have one layout only and come back unchanged, as do frames already in `to`.
 */
export function withPlanarConfiguration(data: Uint8Array, d: PixelDescription, from: Layout, to: Layout): Uint8Array {
  const samples = d.samplesPerPixel;
  if (from === to || samples === 1) return data;
  const width = bytesPerSample(d);
  const pixels = d.rows * d.columns;
  const out = new Uint8Array(pixels * samples * width);
  // Offsets of sample s of pixel p in each layout, in units of one sample.
  const byPixel = (p: number, s: number) => p * samples + s;
  const byPlane = (p: number, s: number) => s * pixels + p;
  const [src, dst] = from === 0 ? [byPixel, byPlane] : [byPlane, byPixel];
  if (width === 1) {
    for (let s = 0; s < samples; s++) for (let p = 0; p < pixels; p++) out[dst(p, s)] = data[src(p, s)]!;
    return out;
  }
  for (let s = 0; s < samples; s++) {
    for (let p = 0; p < pixels; p++) out.set(data.subarray(src(p, s) * width, src(p, s) * width + width), dst(p, s) * width);
  }
  return out;
}
