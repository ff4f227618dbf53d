/** Colour-by-pixel and colour-by-plane (PS3.3 C.7.6.3.1.3), and 1-bit packing (PS3.5 8.1.1). */
import { describe, expect, it } from 'vitest';
import { packBits, unpackBits } from '../../src/codecs/packed-bits.js';
import type { PixelDescription } from '../../src/codecs/pixel-description.js';
import { withPlanarConfiguration } from '../../src/codecs/sample-layout.js';

const rgb = (bitsAllocated: number): PixelDescription => ({
  rows: 1,
  columns: 2,
  samplesPerPixel: 3,
  bitsAllocated,
  bitsStored: bitsAllocated,
  highBit: bitsAllocated - 1,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  photometricInterpretation: 'RGB',
  numberOfFrames: 1,
});

describe('withPlanarConfiguration', () => {
  it('moves 8-bit samples between the two layouts', () => {
    const byPixel = Uint8Array.from([1, 2, 3, 4, 5, 6]); // R1 G1 B1 R2 G2 B2
    const byPlane = withPlanarConfiguration(byPixel, rgb(8), 0, 1);
    expect([...byPlane]).toEqual([1, 4, 2, 5, 3, 6]);
    expect([...withPlanarConfiguration(byPlane, rgb(8), 1, 0)]).toEqual([...byPixel]);
  });

  it('moves whole 16-bit samples', () => {
    const byPixel = new Uint8Array(Uint16Array.from([0x101, 0x202, 0x303, 0x404, 0x505, 0x606]).buffer);
    const byPlane = withPlanarConfiguration(byPixel, rgb(16), 0, 1);
    expect([...new Uint16Array(byPlane.buffer)]).toEqual([0x101, 0x404, 0x202, 0x505, 0x303, 0x606]);
  });

  it('returns one-sample frames and frames already in place as they are', () => {
    const data = Uint8Array.from([1, 2]);
    expect(withPlanarConfiguration(data, { ...rgb(8), samplesPerPixel: 1 }, 0, 1)).toBe(data);
    expect(withPlanarConfiguration(data, rgb(8), 1, 1)).toBe(data);
  });
});

describe('1-bit pixels', () => {
  it('go least significant bit first', () => {
    expect([...packBits(Uint8Array.from([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]), 10)]).toEqual([0x01, 0x02]);
    expect([...unpackBits(Uint8Array.from([0x81]), 8)]).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
  });
});
