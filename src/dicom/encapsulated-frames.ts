/**
 * Encapsulated Pixel Data (PS3.5 A.4): walks the item headers with positioned
 * reads (the fragment bodies are never read, however large), then decides which
 * fragments make up each frame.
 */
import { DicomReadError } from './dicom-read-error.js';
import type { FileWindow } from './file-window.js';
import type { ByteRange } from './pixel-layout.js';
import { ITEM, SEQUENCE_DELIMITATION, tagHex, UNDEFINED_LENGTH } from './raw-element-reader.js';

export interface Fragment {
  /** Offset of the fragment's item tag from the first fragment's item tag: what offset tables hold. */
  relativeOffset: number;
  /** The fragment value (after the 8-byte item header). */
  value: ByteRange;
  /** Its first bytes (up to 8), to recognise frame starts. */
  head: Uint8Array;
}

export interface EncapsulatedPixelData {
  /** The Pixel Data value: the items, without the Sequence Delimitation Item. */
  value: ByteRange;
  /** Offset just past the Sequence Delimitation Item. */
  end: number;
  /** The Basic Offset Table (first item); empty when the item is empty. */
  basicOffsets: number[];
  fragments: Fragment[];
}

const HEAD_BYTES = 8;
const MAX_BOT_BYTES = 4 * 4 * 1024 * 1024;

function truncated(message: string): DicomReadError {
  return new DicomReadError('truncated', message);
}

/** Reads item headers from `valueOffset` (just after the Pixel Data element header). */
export async function readEncapsulatedPixelData(w: FileWindow, valueOffset: number): Promise<EncapsulatedPixelData> {
  // Small fragments come many to a block; past a large one, read just around the next header.
  let block = 64 * 1024;
  const at = async (pos: number, n: number): Promise<number> => {
    const want = Math.min(n, w.size - pos);
    if (!w.has(pos, want)) await w.ensure(pos, want, block);
    return pos - w.start;
  };
  if (valueOffset + 8 > w.size) throw truncated('Pixel Data ends before its Basic Offset Table item');
  let rel = await at(valueOffset, 8);
  if (readTag(w, rel) !== ITEM) {
    throw new DicomReadError('malformed', `encapsulated Pixel Data at offset ${valueOffset} does not start with an item (PS3.5 A.4)`);
  }
  const botLength = w.view.getUint32(rel + 4, true);
  if (botLength === UNDEFINED_LENGTH) throw new DicomReadError('malformed', 'the Basic Offset Table item has undefined length');
  if (valueOffset + 8 + botLength > w.size) throw truncated('the Basic Offset Table runs past the end of the file');
  // 4 bytes per frame: a longer table is a corrupt length, not worth reading into memory.
  if (botLength > MAX_BOT_BYTES) throw new DicomReadError('malformed', `a Basic Offset Table of ${botLength} bytes`);
  rel = await at(valueOffset + 8, botLength);
  const basicOffsets: number[] = [];
  for (let i = 0; i + 4 <= botLength; i += 4) basicOffsets.push(w.view.getUint32(rel + i, true));

  const first = valueOffset + 8 + botLength;
  const fragments: Fragment[] = [];
  let pos = first;
  for (;;) {
    if (pos + 8 > w.size) throw truncated('encapsulated Pixel Data has no Sequence Delimitation Item before the end of the file');
    rel = await at(pos, 8 + HEAD_BYTES);
    const tag = readTag(w, rel);
    const length = w.view.getUint32(rel + 4, true);
    if (tag === SEQUENCE_DELIMITATION) {
      return { value: { offset: valueOffset, length: pos - valueOffset }, end: pos + 8, basicOffsets, fragments };
    }
    if (tag !== ITEM || length === UNDEFINED_LENGTH) {
      throw new DicomReadError('malformed', `expected a fragment item at offset ${pos}, found (${tagHex(tag)})`);
    }
    if (pos + 8 + length > w.size) throw truncated(`fragment at offset ${pos} runs past the end of the file`);
    const headLength = Math.min(length, HEAD_BYTES, w.end - (pos + 8));
    fragments.push({
      relativeOffset: pos - first,
      value: { offset: pos + 8, length },
      // A copy: a view would keep the whole window alive for each fragment.
      head: Uint8Array.prototype.slice.call(w.bytes, rel + 8, rel + 8 + headLength),
    });
    pos += 8 + length;
    block = length >= 64 * 1024 ? 4096 : 64 * 1024;
  }
}

function readTag(w: FileWindow, rel: number): number {
  return ((w.view.getUint16(rel, true) << 16) | w.view.getUint16(rel + 2, true)) >>> 0;
}

type Family = 'jpeg' | 'j2k' | 'jpegxl' | 'rle' | 'video' | 'other';

function familyOf(transferSyntaxUid: string): Family {
  if (transferSyntaxUid === '1.2.840.10008.1.2.5') return 'rle';
  const prefix = '1.2.840.10008.1.2.4.';
  if (!transferSyntaxUid.startsWith(prefix)) return 'other';
  const rest = transferSyntaxUid.slice(prefix.length);
  const n = Number(rest.split('.')[0]);
  if ((n >= 50 && n <= 70) || n === 80 || n === 81) return 'jpeg'; // JPEG processes and JPEG-LS all open with SOI
  if ((n >= 90 && n <= 93) || (n >= 201 && n <= 203)) return 'j2k';
  if (n >= 100 && n <= 108) return 'video';
  if (n >= 110 && n <= 112) return 'jpegxl';
  return 'other';
}

const JP2_SIGNATURE = [0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20];
const JXL_CONTAINER = [0x00, 0x00, 0x00, 0x0c, 0x4a, 0x58, 0x4c, 0x20];

function startsWith(head: Uint8Array, bytes: readonly number[]): boolean {
  return head.length >= bytes.length && bytes.every((b, i) => head[i] === b);
}

/**
 * Whether a fragment opens a frame, recognised by the first bytes every frame's
 * bitstream must begin with. Inside entropy-coded JPEG and JPEG-LS data an FFH
 * is never followed by D8H, so SOI cannot occur mid-frame.
 */
function opensFrame(family: Family, head: Uint8Array): boolean {
  switch (family) {
    case 'jpeg':
      return startsWith(head, [0xff, 0xd8]); // SOI (ITU T.81 B.2.1, T.87)
    case 'j2k':
      return startsWith(head, [0xff, 0x4f, 0xff, 0x51]) || startsWith(head, JP2_SIGNATURE); // SOC + SIZ (T.800 A.4.1)
    case 'jpegxl':
      return startsWith(head, [0xff, 0x0a]) || startsWith(head, JXL_CONTAINER);
    case 'rle': {
      // PS3.5 G.3.1: a 64-byte header, segment count 1-15 then the first segment's offset, 64.
      if (head.length < 8) return false;
      const v = new DataView(head.buffer, head.byteOffset, 8);
      const segments = v.getUint32(0, true);
      return segments >= 1 && segments <= 15 && v.getUint32(4, true) === 64;
    }
    default:
      return false;
  }
}

/** Frames from an offset table (BOT or EOT): each offset must be a fragment start, ascending, from 0. */
function byOffsetTable(offsets: readonly number[], fragments: readonly Fragment[]): ByteRange[][] | undefined {
  const index = new Map<number, number>();
  fragments.forEach((f, i) => index.set(f.relativeOffset, i));
  const starts: number[] = [];
  for (const offset of offsets) {
    const i = index.get(offset);
    if (i === undefined || (starts.length > 0 && i <= (starts[starts.length - 1] as number))) return undefined;
    starts.push(i);
  }
  if (starts[0] !== 0) return undefined;
  return split(fragments, starts);
}

function split(fragments: readonly Fragment[], starts: readonly number[]): ByteRange[][] {
  return starts.map((s, k) => fragments.slice(s, starts[k + 1] ?? fragments.length).map((f) => f.value));
}

/**
 * Which fragments make up each frame (PS3.5 A.4), trying in order:
 * 1. the Extended Offset Table (7FE0,0001), when it has one offset per frame;
 * 2. the Basic Offset Table, when it has one offset per frame;
 * 3. one fragment per frame, when the counts agree;
 * 4. every fragment, for a single frame;
 * 5. otherwise, the fragments that open a bitstream (JPEG/JPEG-LS SOI,
 *    J2K/HTJ2K SOC+SIZ, JPEG XL signature, RLE header), when exactly one per frame.
 * Offset tables that do not match the fragments are ignored, not trusted.
 * Video (MPEG-2, H.264, HEVC) is one bitstream for all frames: a single entry
 * holding every fragment, whatever NumberOfFrames says.
 */
export function framesOf(
  data: EncapsulatedPixelData,
  numberOfFrames: number,
  transferSyntaxUid: string,
  extendedOffsets?: readonly number[],
): ByteRange[][] {
  const { fragments } = data;
  if (fragments.length === 0) throw new DicomReadError('malformed', 'encapsulated Pixel Data has no fragments');
  const family = familyOf(transferSyntaxUid);
  if (family === 'video') return [fragments.map((f) => f.value)];
  for (const table of [extendedOffsets, data.basicOffsets]) {
    if (table !== undefined && table.length === numberOfFrames) {
      const frames = byOffsetTable(table, fragments);
      if (frames) return frames;
    }
  }
  if (fragments.length === numberOfFrames) return fragments.map((f) => [f.value]);
  if (numberOfFrames === 1) return [fragments.map((f) => f.value)];
  if (fragments.length < numberOfFrames) {
    throw new DicomReadError('malformed', `${fragments.length} fragments cannot hold ${numberOfFrames} frames`);
  }
  const starts: number[] = [];
  fragments.forEach((f, i) => {
    if (opensFrame(family, f.head)) starts.push(i);
  });
  if (starts.length === numberOfFrames && starts[0] === 0) return split(fragments, starts);
  throw new DicomReadError(
    'malformed',
    `cannot tell which of ${fragments.length} fragments start each of ${numberOfFrames} frames: no usable offset table, ${starts.length} bitstream starts found`,
  );
}
