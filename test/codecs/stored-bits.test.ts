/** Bits above Bits Stored (PS3.3 C.7.6.3.1): sign extension and bit patterns. */
import { describe, expect, it } from 'vitest';
import type { PixelDescription } from '../../src/codecs/pixel-description.js';
import { signExtended, storedBitPatterns } from '../../src/codecs/stored-bits.js';

const d12 = (pixelRepresentation: 0 | 1): PixelDescription => ({
  rows: 1,
  columns: 3,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  highBit: 11,
  pixelRepresentation,
  planarConfiguration: 0,
  photometricInterpretation: 'MONOCHROME2',
  numberOfFrames: 1,
});
const words = (...values: number[]) => new Uint8Array(Uint16Array.from(values).buffer);
const asWords = (bytes: Uint8Array) => [...new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length / 2)];

describe('signExtended', () => {
  it('copies the sign bit of signed samples upwards', () => {
    expect(asWords(signExtended(words(0x0800, 0x07ff, 0x0fff), d12(1)))).toEqual([0xf800, 0x07ff, 0xffff]);
  });

  it('clears bits above High Bit of unsigned samples (an overlay plane, say)', () => {
    expect(asWords(signExtended(words(0xf123, 0x0fff, 0x1000), d12(0)))).toEqual([0x0123, 0x0fff, 0x0000]);
  });

  it('returns the data itself when every bit is stored', () => {
    const data = words(1, 2, 3);
    expect(signExtended(data, { ...d12(1), bitsStored: 16, highBit: 15 })).toBe(data);
  });

  it('leaves its input alone', () => {
    const data = words(0x0800, 0, 0);
    signExtended(data, d12(1));
    expect(asWords(data)).toEqual([0x0800, 0, 0]);
  });

  it('handles 32-bit samples', () => {
    const data = new Uint8Array(Uint32Array.from([0x0080_0000, 0xff00_0001]).buffer);
    const d = { ...d12(1), columns: 2, bitsAllocated: 32, bitsStored: 24, highBit: 23 };
    expect([...new Uint32Array(signExtended(data, d).buffer)]).toEqual([0xff80_0000, 0x0000_0001]);
  });
});

describe('storedBitPatterns', () => {
  it('keeps only Bits Stored of signed samples: what JPEG and JPEG-LS carry', () => {
    expect(asWords(storedBitPatterns(words(0xffff, 0xf800, 0x0001), d12(1)))).toEqual([0x0fff, 0x0800, 0x0001]);
  });
});
