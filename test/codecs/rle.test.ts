/** RLE Lossless as PS3.5 Annex G defines it, on frames small enough to write by hand. */
import { describe, expect, it } from 'vitest';
import { CodecError } from '../../src/codecs/codec.js';
import type { PixelDescription } from '../../src/codecs/pixel-description.js';
import { codecFor } from '../../src/codecs/registry.js';
import { RLELossless } from '../../src/dicom/transfer-syntax.js';

const rle = codecFor(RLELossless)!;

function describe8(rows: number, columns: number, extra: Partial<PixelDescription> = {}): PixelDescription {
  return {
    rows,
    columns,
    samplesPerPixel: 1,
    bitsAllocated: 8,
    bitsStored: 8,
    highBit: 7,
    pixelRepresentation: 0,
    planarConfiguration: 0,
    photometricInterpretation: 'MONOCHROME2',
    numberOfFrames: 1,
    ...extra,
  };
}

/** A frame: the 64-byte header (G.5) listing the segments, then the segments. */
function frame(...segments: number[][]): Uint8Array {
  const header = new DataView(new ArrayBuffer(64));
  header.setUint32(0, segments.length, true);
  let offset = 64;
  segments.forEach((segment, k) => {
    header.setUint32(4 + 4 * k, offset, true);
    offset += segment.length;
  });
  return Uint8Array.from([...new Uint8Array(header.buffer), ...segments.flat()]);
}

describe('RLE decoding (PS3.5 G.3.2)', () => {
  it('copies literals, repeats runs and skips the -128 no-op', async () => {
    // 1 + 1 literal bytes, a run of 3 (header -2), a no-op, 2 + 1 literal bytes.
    const decoded = await rle.decode(frame([0x01, 10, 20, 0xfe, 7, 0x80, 0x02, 1, 2, 3]), describe8(2, 4));
    expect([...decoded.data]).toEqual([10, 20, 7, 7, 7, 1, 2, 3]);
  });

  it('takes the most significant byte first and returns little endian samples', async () => {
    const d = describe8(1, 2, { bitsAllocated: 16, bitsStored: 16, highBit: 15 });
    const decoded = await rle.decode(frame([0x01, 0x01, 0x03], [0x01, 0x02, 0x04]), d);
    expect([...decoded.data]).toEqual([0x02, 0x01, 0x04, 0x03]);
  });

  it('lays colour out as the Planar Configuration says', async () => {
    const segments = [[0x01, 1, 2], [0x01, 3, 4], [0x01, 5, 6]];
    const rgb = { samplesPerPixel: 3, photometricInterpretation: 'RGB' };
    const byPixel = await rle.decode(frame(...segments), describe8(1, 2, { ...rgb, planarConfiguration: 0 }));
    const byPlane = await rle.decode(frame(...segments), describe8(1, 2, { ...rgb, planarConfiguration: 1 }));
    expect([...byPixel.data]).toEqual([1, 3, 5, 2, 4, 6]);
    expect([...byPlane.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fails with CodecError when the header and the description disagree', async () => {
    await expect(rle.decode(frame([0x01, 1, 2]), describe8(1, 2, { bitsAllocated: 16, bitsStored: 16, highBit: 15 }))).rejects.toThrow(CodecError);
  });

  it('fails with CodecError when a segment is short', async () => {
    await expect(rle.decode(frame([0x01, 1, 2]), describe8(2, 2))).rejects.toThrow(/decodes to 2 bytes; 4 expected/);
  });

  it('fails with CodecError on a frame without a header', async () => {
    await expect(rle.decode(new Uint8Array(10), describe8(2, 2))).rejects.toThrow(CodecError);
  });
});

describe('RLE encoding (PS3.5 G.3.1, G.5)', () => {
  it('encodes each row on its own, so runs never cross a row', async () => {
    const encoded = await rle.encode!({ data: new Uint8Array(8).fill(9), description: describe8(2, 4) });
    expect([...encoded.data.subarray(64)]).toEqual([257 - 4, 9, 257 - 4, 9]);
  });

  it('pads every segment to an even length and records its offset', async () => {
    const d = describe8(1, 2, { bitsAllocated: 16, bitsStored: 16, highBit: 15 });
    const encoded = await rle.encode!({ data: Uint8Array.from([1, 0, 2, 0]), description: d });
    const header = new DataView(encoded.data.buffer, encoded.data.byteOffset, 64);
    expect(header.getUint32(0, true)).toBe(2);
    // Segment 1 (high bytes): a run of two zeros, 2 bytes; segment 2: a 2-byte literal, 3 bytes and a pad.
    expect([header.getUint32(4, true), header.getUint32(8, true)]).toEqual([64, 66]);
    expect([...encoded.data.subarray(64)]).toEqual([0xff, 0, 0x01, 1, 2, 0]);
  });

  it('records Planar Configuration 1 for colour (PS3.5 G.2)', async () => {
    const d = describe8(1, 2, { samplesPerPixel: 3, photometricInterpretation: 'RGB' });
    const encoded = await rle.encode!({ data: Uint8Array.from([1, 3, 5, 2, 4, 6]), description: d });
    expect(encoded.description.planarConfiguration).toBe(1);
    const decoded = await rle.decode(encoded.data, encoded.description);
    expect([...decoded.data]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('breaks literals of more than 128 bytes and runs of more than 128', async () => {
    const row = Uint8Array.from({ length: 300 }, (_, i) => (i < 130 ? i : 0));
    const encoded = await rle.encode!({ data: row, description: describe8(1, 300) });
    expect([...(await rle.decode(encoded.data, encoded.description)).data]).toEqual([...row]);
    const segment = encoded.data.subarray(64);
    expect(segment[0]).toBe(127); // 128 literal bytes
    expect(segment[129]).toBe(1); // then 2
  });

  it('refuses frames needing more than 15 segments', () => {
    expect(rle.cannotEncode!(describe8(1, 1, { samplesPerPixel: 3, photometricInterpretation: 'RGB', bitsAllocated: 64, bitsStored: 64, highBit: 63 }))).toMatch(/15 segments/);
  });
});
