/**
 * Where the frames of a Pixel Data value lie (PS3.5 8.1.1 for native data,
 * A.4 for encapsulated), from the Image Pixel Module attributes (PS3.3 C.7.6.3).
 */
import { DicomReadError } from './dicom-read-error.js';
import { framesOf, type EncapsulatedPixelData } from './encapsulated-frames.js';
import type { DicomJsonDataset } from './json-model.js';
import type { NativePixelLayout, PixelLayout } from './pixel-layout.js';
import { EXTENDED_OFFSET_TABLE, tagHex, type RawElement } from './raw-element-reader.js';
import type { TransferSyntax } from './transfer-syntax.js';

function firstNumber(ds: DicomJsonDataset, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0];
  if (typeof v === 'number') return v;
  // IS values that did not parse (e.g. '1A') are kept as strings; take their leading digits.
  if (typeof v === 'string') {
    const n = Number.parseInt(v, 10);
    return Number.isNaN(n) ? undefined : n;
  }
  return undefined;
}

/** (0028,0008) Number of Frames; absent or unusable means one frame (PS3.3 C.7.6.6). */
function numberOfFrames(ds: DicomJsonDataset): number {
  const n = firstNumber(ds, '00280008');
  return n !== undefined && Number.isSafeInteger(n) && n >= 1 ? n : 1;
}

/** The 64-bit offsets of (7FE0,0001) Extended Offset Table (PS3.3 C.7.6.3.1.8), little endian (OV). */
function extendedOffsets(elements: readonly RawElement[]): number[] | undefined {
  const el = elements.find((e) => e.tag === EXTENDED_OFFSET_TABLE);
  if (!el?.value || el.value.length === 0) return undefined;
  const v = new DataView(el.value.buffer, el.value.byteOffset, el.value.byteLength);
  const out: number[] = [];
  for (let at = 0; at + 8 <= el.value.length; at += 8) out.push(Number(v.getBigUint64(at, true)));
  return out;
}

export function pixelLayoutOf(
  pixel: RawElement,
  ds: DicomJsonDataset,
  elements: readonly RawElement[],
  ts: TransferSyntax,
  encapsulated: EncapsulatedPixelData | undefined,
): PixelLayout {
  const frames = numberOfFrames(ds);
  const value = { offset: pixel.offset, length: pixel.length };
  if (ts.encapsulated !== (encapsulated !== undefined)) {
    // Frames could only be served as something they are not.
    throw new DicomReadError(
      'malformed',
      `Pixel Data is ${encapsulated ? '' : 'not '}encapsulated under ${ts.name}, which says otherwise (PS3.5 A.4)`,
    );
  }
  if (encapsulated) {
    return {
      kind: 'encapsulated',
      tag: '7FE00010',
      value,
      numberOfFrames: frames,
      frames: framesOf(encapsulated, frames, ts.uid, extendedOffsets(elements)),
    };
  }
  const rows = firstNumber(ds, '00280010');
  const columns = firstNumber(ds, '00280011');
  const bitsAllocated = firstNumber(ds, '00280100');
  const samples = firstNumber(ds, '00280002') ?? 1;
  if (rows === undefined || columns === undefined || bitsAllocated === undefined) {
    throw new DicomReadError('malformed', 'Pixel Data without Rows, Columns or Bits Allocated (PS3.3 C.7.6.3)');
  }
  if (bitsAllocated !== 1 && bitsAllocated % 8 !== 0) {
    throw new DicomReadError('malformed', `Bits Allocated ${bitsAllocated} is neither 1 nor a multiple of 8 (PS3.5 8.1.1)`);
  }
  // PS3.3 C.7.6.3.1.2: native YBR_FULL_422 stores two Y values then one CB and
  // one CR per pair of pixels, i.e. two samples per pixel instead of three.
  const photometric = ds['00280004']?.Value?.[0];
  const subsampled = samples === 3 && (photometric === 'YBR_FULL_422' || photometric === 'YBR_PARTIAL_422');
  const pixels = rows * columns * (subsampled ? 2 : samples);
  // PS3.5 8.1.1: 1-bit frames are packed back to back, so frame N may start mid-byte.
  const packedBits = bitsAllocated === 1;
  const frameLength = packedBits ? Math.ceil(pixels / 8) : (pixels * bitsAllocated) / 8;
  const needed = packedBits ? Math.ceil((pixels * frames) / 8) : frameLength * frames;
  if (pixel.length < needed) {
    throw new DicomReadError(
      'malformed',
      `Pixel Data holds ${pixel.length} bytes; ${frames} frame(s) of ${rows}x${columns}x${samples} at ${bitsAllocated} bits need ${needed}`,
    );
  }
  const layout: NativePixelLayout = {
    kind: 'native',
    tag: tagHex(pixel.tag) as NativePixelLayout['tag'],
    value,
    numberOfFrames: frames,
    frameLength,
    packedBits,
    bitsPerFrame: pixels * bitsAllocated,
    bigEndian: !ts.littleEndian,
    bitsAllocated,
  };
  return layout;
}
