/**
 * Reads a stored Part 10 file (PS3.10 7.1) into what the index keeps: the File
 * Meta Information and the data set as DICOM JSON, the file byte ranges of bulk
 * data, and where each frame lies.
 *
 * Memory stays bounded by a window, not the file: small files are read whole;
 * larger ones through a window that starts at 256 KiB and grows only while a
 * single top-level element (outside Pixel Data) needs it. Pixel Data and other
 * large binary values are skipped by their length; encapsulated Pixel Data is
 * walked item header by item header with positioned reads.
 */
import { open } from 'node:fs/promises';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { datasetToJson, type JsonConversionOptions } from './dataset-to-json.js';
import { DicomReadError } from './dicom-read-error.js';
import { readEncapsulatedPixelData, type EncapsulatedPixelData } from './encapsulated-frames.js';
import { FileWindow, NeedMoreBytes } from './file-window.js';
import type { DicomJsonDataset } from './json-model.js';
import { pixelLayoutOf } from './pixel-layout-of.js';
import type { ByteRange, PixelLayout } from './pixel-layout.js';
import {
  isPixelDataTag,
  notePixelRepresentation,
  readRawElement,
  readRawElementBody,
  readRawHeader,
  strayItemEnd,
  UNDEFINED_LENGTH,
  type RawElement,
  type RawReadContext,
} from './raw-element-reader.js';
import { getTransferSyntax, type TransferSyntax } from './transfer-syntax.js';

export { DicomReadError, type DicomReadErrorReason } from './dicom-read-error.js';

export interface InstanceInfo {
  /** From (0002,0010). */
  transferSyntaxUid: string;
  /** Group 0002 as DICOM JSON (binary values inline). */
  meta: DicomJsonDataset;
  /** The data set (no group 0002) as DICOM JSON, PS3.18 F.2. */
  dataset: DicomJsonDataset;
  /**
   * Byte ranges in the file of each value given a BulkDataURI, keyed by tag path.
   * Values are as stored: big endian in an Explicit VR Big Endian file.
   * Empty for a deflated file, whose binary values are all InlineBinary.
   */
  bulkData: Record<string, ByteRange>;
  /** Where the frames are; null without Pixel Data, and for deflated files (their offsets are not file offsets). */
  pixel: PixelLayout | null;
}

export interface ReadInstanceOptions {
  /** The BulkDataURI for a tag path ('7FE00010', '00540016/0/00181072'). */
  bulkDataUri: (tagPath: string) => string;
  /** Binary values up to this many bytes are InlineBinary (default 1024). */
  inlineBinaryMaxBytes?: number;
  /** First window size for files too large to read whole (default 256 KiB); tests shrink it. */
  windowBytes?: number;
}

const PREAMBLE = 128;
const WHOLE_FILE_MAX = 2 * 1024 * 1024;
const DEFAULT_WINDOW = 256 * 1024;
/** The most one top-level element outside Pixel Data (a long sequence, a big string) may need at once. */
const MAX_ELEMENT_WINDOW = 64 * 1024 * 1024;
/** Deflated data sets are inflated in memory; larger ones are refused rather than risk memory. */
const MAX_INFLATED = 128 * 1024 * 1024;
const GROUP_LENGTH_0002 = 0x00020000;
const TRANSFER_SYNTAX_UID = 0x00020010;
const DATA_SET_TRAILING_PADDING = 0xfffcfffc;

export async function readInstance(path: string, options: ReadInstanceOptions): Promise<InstanceInfo> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const w = FileWindow.overFile(fh, size);
    try {
      return await readPart10(w, options);
    } catch (e) {
      if (e instanceof DicomReadError || isIoError(e)) throw e;
      // Anything else is a bug meeting odd input: report the file, not the bug, as the problem.
      throw new DicomReadError('malformed', `unreadable data set: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
  } finally {
    await fh.close();
  }
}

function isIoError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

async function readPart10(w: FileWindow, options: ReadInstanceOptions): Promise<InstanceInfo> {
  if (w.size < PREAMBLE + 4 + 8) throw new DicomReadError('not-part10', `a ${w.size}-byte file cannot hold a preamble, "DICM" and File Meta Information`);
  await w.load(0, options.windowBytes ?? (w.size <= WHOLE_FILE_MAX ? w.size : DEFAULT_WINDOW));
  await w.ensure(0, PREAMBLE + 4);
  const b = w.bytes;
  if (b[128] !== 0x44 || b[129] !== 0x49 || b[130] !== 0x43 || b[131] !== 0x4d) {
    throw new DicomReadError('not-part10', 'no "DICM" prefix after a 128-byte preamble (PS3.10 7.1)');
  }

  // PS3.10 7.1: the File Meta Information is always Explicit VR Little Endian.
  const metaCtx: RawReadContext = { explicitVr: true, littleEndian: true, captureBinaryMax: Infinity };
  const metaElements: RawElement[] = [];
  let pos = PREAMBLE + 4;
  let groupLengthEnd: number | undefined;
  while (pos + 8 <= w.size) {
    await w.ensure(pos, 8);
    if (w.view.getUint16(pos - w.start, true) !== 0x0002) break;
    const at = pos;
    const el = await inWindow(w, at, () => readRawElement(w, at, metaCtx, 0));
    if (el.tag === GROUP_LENGTH_0002 && el.value?.length === 4) {
      groupLengthEnd = el.end + new DataView(el.value.buffer, el.value.byteOffset, 4).getUint32(0, true);
    }
    metaElements.push(el);
    pos = el.end;
  }
  if (metaElements.length === 0) throw new DicomReadError('not-part10', 'no File Meta Information (group 0002) after "DICM"');
  const tsElement = metaElements.find((e) => e.tag === TRANSFER_SYNTAX_UID);
  const uid = tsElement?.value ? Buffer.from(tsElement.value).toString('latin1').replace(/[\0 ]+$/, '').trim() : '';
  if (uid === '') throw new DicomReadError('malformed', 'the File Meta Information has no Transfer Syntax UID (0002,0010)');
  const ts = getTransferSyntax(uid);
  if (!ts) throw new DicomReadError('unsupported-syntax', `unknown Transfer Syntax UID ${uid}`);
  const meta = datasetToJson(metaElements, { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: Infinity, bulkData: null });

  if (ts.deflated) {
    // PS3.5 A.5: everything after the meta group is one raw deflate stream. Trust
    // the group length here: deflated bytes may look like a group 0002 tag.
    const dataset = await readDeflated(w, groupLengthEnd ?? pos, options);
    return { transferSyntaxUid: uid, meta, dataset, bulkData: {}, pixel: null };
  }

  const bulkData: Record<string, ByteRange> = {};
  const inlineMax = options.inlineBinaryMaxBytes ?? 1024;
  const { elements, encapsulated } = await readDataSet(w, pos, ts, inlineMax);
  const dataset = datasetToJson(elements, { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: inlineMax, bulkData });
  const pixelElement = elements.find((e) => isPixelDataTag(e.tag));
  // An empty Pixel Data value holds no frames to serve (seen from real modalities).
  const pixel = pixelElement && pixelElement.length > 0 ? pixelLayoutOf(pixelElement, dataset, elements, ts, encapsulated) : null;
  return { transferSyntaxUid: uid, meta, dataset, bulkData, pixel };
}

/**
 * Runs a synchronous parse step that starts at `pos`; when it runs off the
 * window, re-reads a window starting at `pos` (at least twice as large) and
 * runs it again.
 */
async function inWindow<T>(w: FileWindow, pos: number, step: () => T): Promise<T> {
  let span = Math.max(w.end - pos, 0);
  for (;;) {
    try {
      return step();
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      const needed = e.needed - pos;
      if (needed > MAX_ELEMENT_WINDOW) {
        throw new DicomReadError('malformed', `the element at offset ${pos} needs ${needed} bytes at once; atrium reads at most ${MAX_ELEMENT_WINDOW} outside Pixel Data`);
      }
      span = Math.min(Math.max(needed, span * 2, 4096), MAX_ELEMENT_WINDOW);
      await w.load(pos, span);
      if (!w.has(pos, Math.min(needed, w.size - pos))) throw new DicomReadError('truncated', `the file ended while reading offset ${pos}`);
    }
  }
}

/** The top-level data set from `start`; Pixel Data is located, never read. */
async function readDataSet(
  w: FileWindow,
  start: number,
  ts: TransferSyntax,
  inlineMax: number,
): Promise<{ elements: RawElement[]; encapsulated: EncapsulatedPixelData | undefined }> {
  const ctx: RawReadContext = { explicitVr: ts.explicitVr, littleEndian: ts.littleEndian, captureBinaryMax: inlineMax };
  const elements: RawElement[] = [];
  let encapsulated: EncapsulatedPixelData | undefined;
  let pos = start;
  // Fewer than 8 trailing bytes cannot be an element: padding some writers leave; ignored.
  while (pos + 8 <= w.size) {
    const at = pos;
    const h = await inWindow(w, at, () => readRawHeader(w, at, ctx));
    const skipTo = strayItemEnd(h);
    if (skipTo !== undefined) {
      // An item with no sequence header, or a stray delimiter: nothing to attach it to.
      if (skipTo > w.size) throw new DicomReadError('truncated', `item at offset ${at} runs past the end of the file`);
      pos = skipTo;
      continue;
    }
    if (isPixelDataTag(h.tag) && h.vr !== null) {
      const el: RawElement = { tag: h.tag, vr: h.vr, offset: h.offset, length: h.length, end: h.offset + h.length, undefinedLength: false, littleEndian: ts.littleEndian, value: undefined, items: undefined };
      if (h.length === UNDEFINED_LENGTH) {
        encapsulated = await readEncapsulatedPixelData(w, h.offset);
        el.length = encapsulated.value.length;
        el.end = encapsulated.end;
        el.undefinedLength = true;
      } else if (el.end > w.size) {
        throw new DicomReadError('truncated', `Pixel Data of ${h.length} bytes at offset ${h.offset} runs past the end of the file (${w.size} bytes)`);
      }
      elements.push(el);
      pos = el.end;
      continue;
    }
    const el = await inWindow(w, at, () => readRawElementBody(w, h, ctx, 0));
    pos = el.end;
    // Group 0002 belongs to the meta header only; PS3.10 7.2 says to ignore trailing padding.
    if (el.tag >>> 16 === 0x0002 || el.tag === DATA_SET_TRAILING_PADDING) continue;
    notePixelRepresentation(el, ctx);
    elements.push(el);
  }
  return { elements, encapsulated };
}

/** Inflates the data set and converts it with every value inline: no offset in it is a file offset. */
async function readDeflated(w: FileWindow, start: number, options: ReadInstanceOptions): Promise<DicomJsonDataset> {
  if (w.size - start > MAX_INFLATED) throw new DicomReadError('unsupported-syntax', `deflated data sets over ${MAX_INFLATED} bytes are not supported`);
  await w.load(start, w.size - start);
  const deflated = w.bytes.subarray(start - w.start);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED });
  } catch (raw) {
    try {
      // Some writers wrap the stream in a zlib header, against PS3.5 A.5; accept it.
      inflated = inflateSync(deflated, { maxOutputLength: MAX_INFLATED });
    } catch {
      throw new DicomReadError('malformed', 'the deflated data set does not inflate (PS3.5 A.5)', { cause: raw });
    }
  }
  const src = FileWindow.overBuffer(inflated);
  const ts = getTransferSyntax('1.2.840.10008.1.2.1') as TransferSyntax;
  const ctx: RawReadContext = { explicitVr: ts.explicitVr, littleEndian: true, captureBinaryMax: Infinity };
  const elements: RawElement[] = [];
  let pos = 0;
  while (pos + 8 <= src.size) {
    const el = readRawElement(src, pos, ctx, 0);
    pos = el.end;
    if (el.tag >>> 16 === 0x0002 || el.tag === DATA_SET_TRAILING_PADDING) continue;
    notePixelRepresentation(el, ctx);
    elements.push(el);
  }
  const conversion: JsonConversionOptions = { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: Infinity, bulkData: null };
  return datasetToJson(elements, conversion);
}
