import { open, type FileHandle } from 'node:fs/promises';
import type { ByteRange, PixelLayout } from '../dicom/pixel-layout.js';
import { ExplicitVRLittleEndian } from '../dicom/transfer-syntax.js';

/** One frame's bytes and the transfer syntax they are encoded in. */
export interface Frame {
  number: number;
  data: Buffer;
  transferSyntaxUid: string;
}

export class FrameRangeError extends RangeError {}

async function readRange(file: FileHandle, range: ByteRange): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(range.length);
  const { bytesRead } = await file.read(buffer, 0, range.length, range.offset);
  if (bytesRead !== range.length) throw new Error('stored file is shorter than its index says');
  return buffer;
}

/** 1-bit frames are packed back to back and may start mid-byte (PS3.5 8.1.1). */
async function readPackedBitsFrame(file: FileHandle, layout: Extract<PixelLayout, { kind: 'native' }>, index: number) {
  const startBit = index * layout.bitsPerFrame;
  const shift = startBit % 8;
  const offset = layout.value.offset + Math.floor(startBit / 8);
  const available = layout.value.offset + layout.value.length - offset;
  const raw = await readRange(file, { offset, length: Math.min(layout.frameLength + 1, available) });
  if (shift === 0) return raw.subarray(0, layout.frameLength);
  // Bits are little-endian within a byte: pixel k is bit (k % 8) of byte k/8.
  const out = Buffer.alloc(layout.frameLength);
  for (let i = 0; i < out.length; i++) out[i] = ((raw[i]! >> shift) | ((raw[i + 1] ?? 0) << (8 - shift))) & 0xff;
  return out;
}

/** Throws FrameRangeError unless every 1-based frame number exists (checked before any byte is sent). */
export function checkFrameNumbers(layout: PixelLayout, numbers: readonly number[]): void {
  for (const n of numbers) {
    if (!Number.isInteger(n) || n < 1 || n > layout.numberOfFrames) {
      throw new FrameRangeError(`frame ${n} does not exist (the instance has ${layout.numberOfFrames})`);
    }
  }
}

async function readFrame(file: FileHandle, layout: PixelLayout, storedTransferSyntaxUid: string, number: number): Promise<Frame> {
  const index = number - 1;
  if (layout.kind === 'encapsulated') {
    const parts = await Promise.all((layout.frames[index] ?? []).map((f) => readRange(file, f)));
    return { number, data: Buffer.concat(parts), transferSyntaxUid: storedTransferSyntaxUid };
  }
  let data: Buffer;
  if (layout.packedBits) {
    data = await readPackedBitsFrame(file, layout, index);
  } else {
    data = await readRange(file, { offset: layout.value.offset + index * layout.frameLength, length: layout.frameLength });
    if (layout.bigEndian) swapToLittleEndian(data, layout.bitsAllocated);
  }
  return { number, data, transferSyntaxUid: ExplicitVRLittleEndian };
}

/**
 * Reads frames (1-based numbers) straight from a stored file at the offsets
 * computed at ingest, one at a time, without loading the instance. Native
 * frames come out little endian (Explicit VR Little Endian), as PS3.18
 * 8.7.3.3.2 prescribes for uncompressed bulk data; encapsulated frames as stored.
 */
export async function* readFrames(
  path: string,
  layout: PixelLayout,
  storedTransferSyntaxUid: string,
  numbers: readonly number[],
): AsyncGenerator<Frame> {
  checkFrameNumbers(layout, numbers);
  const file = await open(path, 'r');
  try {
    for (const number of numbers) yield await readFrame(file, layout, storedTransferSyntaxUid, number);
  } finally {
    await file.close();
  }
}

/** In place: Big Endian words to Little Endian (OW and 32-bit data; 8-bit data has no order). */
export function swapToLittleEndian(data: Buffer, bitsAllocated: number): void {
  const usable = data.length - (data.length % (bitsAllocated / 8));
  if (bitsAllocated === 16) data.subarray(0, usable).swap16();
  else if (bitsAllocated === 32) data.subarray(0, usable).swap32();
  else if (bitsAllocated === 64) data.subarray(0, usable).swap64();
}
