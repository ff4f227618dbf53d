/**
 * RLE Lossless (PS3.5 8.2.2, Annex G): per frame a 64-byte header, then one
 * PackBits segment per byte plane, most significant byte of each sample first.
 */
import { RLELossless } from '../../dicom/transfer-syntax.js';
import { CodecError, type EncodedFrame, type FrameCodec, type NativeFrame } from '../codec.js';
import { bytesPerSample, isChromaSubsampled, nativeFrameLength, type PixelDescription } from '../pixel-description.js';
import { decodeSegment, encodeRow, worstCaseRow } from '../rle-segment.js';

const HEADER_LENGTH = 64;
const MAX_SEGMENTS = 15;

/**
 * Where the byte plane of segment k goes in a native frame: its first byte and
 * the distance between consecutive pixels. Segment k holds byte k % width of
 * sample k / width, counted from the most significant byte (G.2), while
 * native samples are little endian.
 */
function plane(d: PixelDescription, k: number): { first: number; stride: number } {
  const width = bytesPerSample(d);
  const sample = Math.floor(k / width);
  const byte = width - 1 - (k % width);
  if (d.planarConfiguration === 1) return { first: sample * d.rows * d.columns * width + byte, stride: width };
  return { first: sample * width + byte, stride: d.samplesPerPixel * width };
}

/** Bytes in each plane: one per pixel, or the packed frame for 1-bit data. */
function planeLength(d: PixelDescription): number {
  return d.bitsAllocated === 1 ? nativeFrameLength(d) : d.rows * d.columns;
}

function segmentCount(d: PixelDescription): number {
  return bytesPerSample(d) * d.samplesPerPixel;
}

function decode(frame: Uint8Array, d: PixelDescription): NativeFrame {
  if (frame.length < HEADER_LENGTH) throw new CodecError(`an RLE frame of ${frame.length} bytes has no header`);
  const header = new DataView(frame.buffer, frame.byteOffset, HEADER_LENGTH);
  const count = header.getUint32(0, true);
  if (count !== segmentCount(d)) throw new CodecError(`the RLE header lists ${count} segments; the pixel description needs ${segmentCount(d)}`);
  const out = new Uint8Array(nativeFrameLength(d));
  const segment = new Uint8Array(planeLength(d));
  for (let k = 0; k < count; k++) {
    const start = header.getUint32(4 + 4 * k, true);
    const end = k + 1 < count ? header.getUint32(8 + 4 * k, true) : frame.length;
    if (start < HEADER_LENGTH || end < start || end > frame.length) throw new CodecError(`RLE segment ${k + 1} lies outside the frame`);
    const written = decodeSegment(frame.subarray(start, end), segment);
    if (written !== segment.length) throw new CodecError(`RLE segment ${k + 1} decodes to ${written} bytes; ${segment.length} expected`);
    const { first, stride } = plane(d, k);
    if (stride === 1) out.set(segment, first);
    else for (let p = 0, o = first; p < segment.length; p++, o += stride) out[o] = segment[p]!;
  }
  return { data: out, description: d };
}

function encode(frame: NativeFrame): EncodedFrame {
  // PS3.5 G.2 note: colour RLE is by plane, so the encoded frame says Planar Configuration 1.
  const d: PixelDescription = frame.description.samplesPerPixel > 1 ? { ...frame.description, planarConfiguration: 1 } : frame.description;
  const count = segmentCount(d);
  // 1-bit frames are one plane of packed bytes with no row boundaries to respect.
  const rows = d.bitsAllocated === 1 ? 1 : d.rows;
  const rowLength = planeLength(d) / rows;
  const out = new Uint8Array(HEADER_LENGTH + count * (rows * worstCaseRow(rowLength) + 1));
  const header = new DataView(out.buffer);
  header.setUint32(0, count, true);
  const row = new Uint8Array(rowLength);
  let at = HEADER_LENGTH;
  for (let k = 0; k < count; k++) {
    header.setUint32(4 + 4 * k, at, true);
    const { first, stride } = plane(frame.description, k);
    for (let r = 0, i = first; r < rows; r++) {
      for (let c = 0; c < rowLength; c++, i += stride) row[c] = frame.data[i]!;
      at = encodeRow(row, out, at);
    }
    if (at % 2 === 1) out[at++] = 0; // each segment has an even length (G.5)
  }
  return { data: out.slice(0, at), description: d };
}

export const rleCodec: FrameCodec = {
  transferSyntaxUid: RLELossless,
  lossy: false,
  decode,
  decodedDescription: (d) => d,
  cannotEncode(d) {
    // Bytes are encoded as they are, so any Bits Stored and High Bit will do.
    if (isChromaSubsampled(d)) return `${d.photometricInterpretation} native data must be upsampled first`;
    if (d.bitsAllocated !== 1 && d.bitsAllocated % 8 !== 0) return `Bits Allocated ${d.bitsAllocated} is not supported`;
    if (segmentCount(d) > MAX_SEGMENTS) return `${segmentCount(d)} byte planes are more than RLE's ${MAX_SEGMENTS} segments`;
    return undefined;
  },
  encode,
};
