import { describe, expect, it } from 'vitest';
import { framesOf, readEncapsulatedPixelData, type EncapsulatedPixelData } from '../../src/dicom/encapsulated-frames.js';
import { FileWindow } from '../../src/dicom/file-window.js';
import { DicomReadError } from '../../src/dicom/dicom-read-error.js';

const JPEG = '1.2.840.10008.1.2.4.50';
const J2K = '1.2.840.10008.1.2.4.90';
const HTJ2K = '1.2.840.10008.1.2.4.201';
const RLE = '1.2.840.10008.1.2.5';
const H264 = '1.2.840.10008.1.2.4.102';

const SOI = [0xff, 0xd8, 0xff, 0xe0];
const SOC_SIZ = [0xff, 0x4f, 0xff, 0x51];
const RLE_HEADER = [1, 0, 0, 0, 64, 0, 0, 0];

function item(tag: number, body: number[] | Uint8Array): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt16LE(0xfffe, 0);
  h.writeUInt16LE(tag, 2);
  h.writeUInt32LE(body.length, 4);
  return Buffer.concat([h, Buffer.from(body)]);
}

/** An encapsulated Pixel Data value (PS3.5 A.4): BOT item, fragments, Sequence Delimitation Item. */
function encapsulated(bot: number[], fragments: number[][]): Buffer {
  const botBody = Buffer.alloc(bot.length * 4);
  bot.forEach((o, i) => botBody.writeUInt32LE(o, i * 4));
  return Buffer.concat([item(0xe000, botBody), ...fragments.map((f) => item(0xe000, f)), item(0xe0dd, [])]);
}

/** Fragment bodies: a start marker then filler, each of even length. */
const body = (start: number[], length: number): number[] => [...start, ...new Array<number>(length - start.length).fill(0x11)];

async function parse(bytes: Buffer): Promise<EncapsulatedPixelData> {
  return readEncapsulatedPixelData(FileWindow.overBuffer(bytes), 0);
}

const offsetsOf = (frames: { offset: number }[][]): number[][] => frames.map((f) => f.map((r) => r.offset));

describe('walking the items (PS3.5 A.4)', () => {
  it('reads the Basic Offset Table and each fragment value range', async () => {
    const data = await parse(encapsulated([0, 24], [body(SOI, 16), body(SOI, 10)]));
    expect(data.basicOffsets).toEqual([0, 24]);
    expect(data.fragments.map((f) => [f.relativeOffset, f.value.offset, f.value.length])).toEqual([
      [0, 24, 16],
      [24, 48, 10],
    ]);
    expect(data.value).toEqual({ offset: 0, length: 58 });
    expect(data.end).toBe(66);
  });

  it('fails with truncated when the delimiter is missing, malformed on a foreign tag', async () => {
    const whole = encapsulated([], [body(SOI, 16)]);
    await expect(parse(whole.subarray(0, whole.length - 8))).rejects.toMatchObject({ reason: 'truncated' });
    await expect(parse(whole.subarray(0, 20))).rejects.toMatchObject({ reason: 'truncated' });
    const foreign = Buffer.from(whole);
    foreign.writeUInt16LE(0x0008, 8); // the first fragment's tag group
    await expect(parse(foreign)).rejects.toBeInstanceOf(DicomReadError);
    await expect(parse(foreign)).rejects.toMatchObject({ reason: 'malformed' });
  });
});

describe('which fragments make each frame', () => {
  it('uses the Basic Offset Table when it matches the fragments', async () => {
    // Frame 1 = fragments 0-1, frame 2 = fragment 2 (no markers: only the table can tell).
    const data = await parse(encapsulated([0, 48], [body([], 16), body([], 16), body([], 16)]));
    expect(offsetsOf(framesOf(data, 2, JPEG))).toEqual([[24, 48], [72]]);
  });

  it('prefers the Extended Offset Table', async () => {
    const data = await parse(encapsulated([], [body([], 16), body([], 16), body([], 16)]));
    expect(offsetsOf(framesOf(data, 2, JPEG, [0, 24]))).toEqual([[16], [40, 64]]);
  });

  it('ignores an offset table that does not land on fragment starts', async () => {
    const data = await parse(encapsulated([0, 7], [body(SOI, 16), body(SOI, 16)]));
    expect(offsetsOf(framesOf(data, 2, JPEG))).toEqual([[24], [48]]);
  });

  it('one fragment per frame when the counts agree; all fragments for one frame', async () => {
    const three = await parse(encapsulated([], [body([], 8), body([], 8), body([], 8)]));
    expect(framesOf(three, 3, J2K).map((f) => f.length)).toEqual([1, 1, 1]);
    expect(framesOf(three, 1, J2K).map((f) => f.length)).toEqual([3]);
  });

  it.each([
    ['JPEG SOI', JPEG, SOI],
    ['J2K SOC+SIZ', J2K, SOC_SIZ],
    ['HTJ2K SOC+SIZ', HTJ2K, SOC_SIZ],
    ['RLE header', RLE, RLE_HEADER],
  ])('splits by %s markers when there is no usable table', async (_name, ts, marker) => {
    const data = await parse(encapsulated([], [body(marker, 16), body([], 16), body(marker, 16), body([], 16), body([], 16)]));
    expect(framesOf(data, 2, ts).map((f) => f.length)).toEqual([2, 3]);
  });

  it('video is one bitstream: a single entry holding every fragment', async () => {
    const data = await parse(encapsulated([], [body([], 16), body([], 16), body([], 16)]));
    expect(framesOf(data, 120, H264).map((f) => f.length)).toEqual([3]);
  });

  it('says so when the fragments cannot be told apart', async () => {
    const data = await parse(encapsulated([], [body(SOI, 16), body([], 16), body([], 16)]));
    expect(() => framesOf(data, 2, JPEG)).toThrow(/cannot tell/);
    expect(() => framesOf(data, 4, JPEG)).toThrow(/cannot hold/);
    const none = await parse(encapsulated([], []));
    expect(() => framesOf(none, 1, JPEG)).toThrow(/no fragments/);
  });
});
