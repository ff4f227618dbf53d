/** Reading JPEG 2000 main headers (ISO 15444-1 A.5) and cutting what follows the last tile-part. */
import { describe, expect, it } from 'vitest';
import { readJ2kHeader, trimAfterLastTilePart } from '../../src/codecs/j2k-codestream.js';
import { readReferenceFrames } from './reference.js';

/** SOC, a one-component SIZ, one SOT of `psot` bytes (the tile-part body is zeros), then `tail`. */
function codestream(psot: number, tail: number[]): Uint8Array {
  const siz = [0xff, 0x51, 0, 41, 0, 0, ...Array(32).fill(0), 0, 1, 0x8f, 1, 1];
  const sot = [0xff, 0x90, 0, 10, 0, 0, (psot >>> 24) & 0xff, (psot >>> 16) & 0xff, (psot >>> 8) & 0xff, psot & 0xff, 0, 1];
  return Uint8Array.from([0xff, 0x4f, ...siz, ...sot, ...Array(psot - sot.length).fill(0), ...tail]);
}

describe('readJ2kHeader', () => {
  it('reads components, precision and sign from SIZ', () => {
    expect(readJ2kHeader(codestream(14, [0xff, 0xd9]))).toEqual({ components: 1, precision: 16, signed: true });
  });

  it('finds the codestream inside a JP2 wrapper', async () => {
    const read = (await readReferenceFrames('files/pydicom/GDCMJ2K_TextGBR.dcm'))!;
    expect(readJ2kHeader(read.frames[0]!)).toEqual({ components: 3, precision: 8, signed: false });
  });

  it('gives undefined for what is not a codestream', () => {
    expect(readJ2kHeader(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0]))).toBeUndefined();
  });
});

describe('trimAfterLastTilePart', () => {
  it('cuts a segment between the last tile-part and EOC, and closes with EOC', () => {
    const padded = codestream(14, [0xff, 0x64, 0, 4, 0x50, 0x41, 0xff, 0xd9]);
    const trimmed = trimAfterLastTilePart(padded);
    expect(trimmed.length).toBe(padded.length - 6);
    expect([...trimmed.subarray(-2)]).toEqual([0xff, 0xd9]);
  });

  it('leaves a codestream that ends in EOC, or one it cannot follow, as it is', () => {
    const clean = codestream(14, [0xff, 0xd9]);
    expect(trimAfterLastTilePart(clean)).toBe(clean);
    const truncated = codestream(14, []).subarray(0, 60);
    expect(trimAfterLastTilePart(truncated)).toBe(truncated);
  });
});
