/**
 * Reads a stored Part 10 file (PS3.10 7.1) into what the index keeps: the File
 * Meta Information and the data set as DICOM JSON, the file byte ranges of bulk
 * data, and where each frame lies.
 *
 * Memory stays bounded by a window, not the file: the first read is 64 KiB
 * (the whole file when smaller), and the window grows only while a single
 * top-level element (outside Pixel Data) needs it. Pixel Data and other
 * large binary values are skipped by their length; encapsulated Pixel Data is
 * walked item header by item header with positioned reads.
 */
import { open } from 'node:fs/promises';
import { datasetToJson, type JsonConversionOptions } from './dataset-to-json.js';
import { DicomReadError } from './dicom-read-error.js';
import { readEncapsulatedPixelData, type EncapsulatedPixelData } from './encapsulated-frames.js';
import { guessBareSyntax, inflateDataSet, MAX_INFLATED, metaStartOf, type FileFormat } from './file-format.js';
import { FileWindow, NeedMoreBytes } from './file-window.js';
import type { DicomJsonDataset, Vr } from './json-model.js';
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
  type RawHeader,
  type RawReadContext,
} from './raw-element-reader.js';
import { getTransferSyntax, type TransferSyntax } from './transfer-syntax.js';

export { DicomReadError, type DicomReadErrorReason } from './dicom-read-error.js';
export type { FileFormat } from './file-format.js';

export interface InstanceInfo {
  fileFormat: FileFormat;
  /** From (0002,0010); for a bare data set, the syntax its first element shows. */
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
  /** First read and smallest window, in bytes (default 64 KiB); tests shrink it to exercise refills. */
  windowBytes?: number;
  /** The file's size and first bytes, when the caller has them (it just wrote the file): saves reading them again. */
  preloaded?: { size: number; head: Uint8Array };
}

const PREAMBLE = 128;
/** The first read; a typical header fits, and the bulk after it is not read at all. */
const DEFAULT_WINDOW = 64 * 1024;
/** The most one top-level element outside Pixel Data (a long sequence, a big string) may need at once. */
const MAX_ELEMENT_WINDOW = 64 * 1024 * 1024;
const GROUP_LENGTH_0002 = 0x00020000;
const TRANSFER_SYNTAX_UID = 0x00020010;
const DATA_SET_TRAILING_PADDING = 0xfffcfffc;

export async function readInstance(path: string, options: ReadInstanceOptions): Promise<InstanceInfo> {
  const { preloaded } = options;
  const fh = preloaded ? null : await open(path, 'r');
  const w = fh ? FileWindow.overFile(fh, (await fh.stat()).size) : FileWindow.overFileWithHead(path, preloaded!.size, preloaded!.head);
  try {
    return await readPart10(w, options);
  } catch (e) {
    if (e instanceof DicomReadError || isIoError(e)) throw e;
    // Anything else is a bug meeting odd input: report the file, not the bug, as the problem.
    throw new DicomReadError('malformed', `unreadable data set: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await (fh ?? w).close();
  }
}

function uidOf(el: RawElement): string {
  return el.value ? Buffer.from(el.value.buffer, el.value.byteOffset, el.value.byteLength).toString('latin1').replace(/[\0 ]+$/, '').trim() : '';
}

function isIoError(e: unknown): boolean {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

async function readPart10(w: FileWindow, options: ReadInstanceOptions): Promise<InstanceInfo> {
  const minWindow = options.windowBytes ?? DEFAULT_WINDOW;
  await w.load(0, minWindow);
  await w.ensure(0, Math.min(w.size, PREAMBLE + 4));
  const start = metaStartOf(w.bytes, w.size);
  if (!start) {
    const guessed = guessBareSyntax(w.bytes);
    if (!guessed) throw new DicomReadError('not-part10', 'neither a Part 10 file ("DICM" after a 128-byte preamble, PS3.10 7.1) nor a bare data set');
    return readDataSetOnly(w, { pos: 0 }, guessed, {}, 'bare-data-set', options, minWindow);
  }
  const { format: fileFormat, at: metaStart } = start;

  // PS3.10 7.1: the File Meta Information is always Explicit VR Little Endian.
  const metaCtx: RawReadContext = { explicitVr: true, littleEndian: true, captureBinaryMax: Infinity };
  const metaElements: RawElement[] = [];
  const cursor = { pos: metaStart };
  // The meta group ends where group 0002 does: its group length is not always
  // there, nor right. A deflated data set is the exception (see below).
  let metaEnd = Infinity;
  let groupLengthEnd: number | undefined;
  await untilDone(w, cursor, minWindow, () => {
    while (cursor.pos < metaEnd && cursor.pos + 8 <= w.size && w.require(cursor.pos, 2) && w.view.getUint16(cursor.pos - w.start, true) === 0x0002) {
      const el = readRawElement(w, cursor.pos, metaCtx, 0);
      metaElements.push(el);
      cursor.pos = el.end;
      if (el.tag === GROUP_LENGTH_0002 && el.value?.length === 4) {
        groupLengthEnd = el.end + new DataView(el.value.buffer, el.value.byteOffset, 4).getUint32(0, true);
      }
      // PS3.5 A.5: after the meta group of a deflated file comes the deflate
      // stream, whose first bytes may look like a group 0002 tag: stop at the
      // group length there.
      if (el.tag === TRANSFER_SYNTAX_UID && groupLengthEnd !== undefined && getTransferSyntax(uidOf(el))?.deflated) metaEnd = groupLengthEnd;
    }
  });
  if (metaElements.length === 0) throw new DicomReadError('not-part10', 'no File Meta Information (group 0002) after "DICM"');
  const tsElement = metaElements.find((e) => e.tag === TRANSFER_SYNTAX_UID);
  const uid = tsElement ? uidOf(tsElement) : '';
  if (uid === '') throw new DicomReadError('malformed', 'the File Meta Information has no Transfer Syntax UID (0002,0010)');
  const ts = getTransferSyntax(uid);
  if (!ts) throw new DicomReadError('unsupported-syntax', `unknown Transfer Syntax UID ${uid}`);
  const meta = datasetToJson(metaElements, { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: Infinity, bulkData: null });

  if (ts.deflated) {
    const dataset = await readDeflated(w, groupLengthEnd ?? cursor.pos, options);
    return { fileFormat, transferSyntaxUid: uid, meta, dataset, bulkData: {}, pixel: null };
  }
  return readDataSetOnly(w, cursor, uid, meta, fileFormat, options, minWindow);
}

/** The data set from cursor.pos on (the meta group already read, if any). */
async function readDataSetOnly(
  w: FileWindow,
  cursor: { pos: number },
  uid: string,
  meta: DicomJsonDataset,
  fileFormat: FileFormat,
  options: ReadInstanceOptions,
  minWindow: number,
): Promise<InstanceInfo> {
  const ts = getTransferSyntax(uid)!;
  const bulkData: Record<string, ByteRange> = {};
  const inlineMax = options.inlineBinaryMaxBytes ?? 1024;
  const { elements, encapsulated } = await readDataSet(w, cursor, ts, inlineMax, minWindow);
  const dataset = datasetToJson(elements, { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: inlineMax, bulkData });
  const pixelElement = elements.find((e) => isPixelDataTag(e.tag));
  // An empty Pixel Data value holds no frames to serve (seen from real modalities).
  const pixel = pixelElement && pixelElement.length > 0 ? pixelLayoutOf(pixelElement, dataset, elements, ts, encapsulated) : null;
  return { fileFormat, transferSyntaxUid: uid, meta, dataset, bulkData, pixel };
}

/**
 * Runs a synchronous parse step, which moves cursor.pos past whole elements
 * only. When the step runs off the window, a window starting at cursor.pos (at
 * least twice what was held from there) is read, and the step runs again: the
 * common case, a header inside the first window, never waits on a promise per
 * element.
 */
async function untilDone<T>(w: FileWindow, cursor: { pos: number }, minWindow: number, step: () => T): Promise<T> {
  for (;;) {
    try {
      return step();
    } catch (e) {
      if (!(e instanceof NeedMoreBytes)) throw e;
      const pos = cursor.pos;
      const needed = e.needed - pos;
      if (needed > MAX_ELEMENT_WINDOW) {
        throw new DicomReadError('malformed', `the element at offset ${pos} needs ${needed} bytes at once; atrium reads at most ${MAX_ELEMENT_WINDOW} outside Pixel Data`);
      }
      const held = pos >= w.start ? Math.max(w.end - pos, 0) : 0;
      await w.load(pos, Math.min(Math.max(needed, held * 2, minWindow), MAX_ELEMENT_WINDOW));
      if (!w.has(pos, Math.min(needed, w.size - pos))) throw new DicomReadError('truncated', `the file ended while reading offset ${pos}`);
    }
  }
}

/**
 * Reads top-level elements from cursor.pos into `elements` until the end of the
 * data set, or until a Pixel Data element, whose header it returns unread.
 */
function readUntilPixelData(w: FileWindow, cursor: { pos: number }, ctx: RawReadContext, elements: RawElement[]): RawHeader | undefined {
  // Fewer than 8 trailing bytes cannot be an element: padding some writers leave; ignored.
  while (cursor.pos + 8 <= w.size) {
    const h = readRawHeader(w, cursor.pos, ctx);
    const skipTo = strayItemEnd(h);
    if (skipTo !== undefined) {
      // An item with no sequence header, or a stray delimiter: nothing to attach it to.
      if (skipTo > w.size) throw new DicomReadError('truncated', `item at offset ${cursor.pos} runs past the end of the file`);
      cursor.pos = skipTo;
      continue;
    }
    if (isPixelDataTag(h.tag) && h.vr !== null) return h;
    const el = readRawElementBody(w, h, ctx, 0);
    cursor.pos = el.end;
    // Group 0002 belongs to the meta header only; PS3.10 7.2 says to ignore trailing padding.
    if (el.tag >>> 16 === 0x0002 || el.tag === DATA_SET_TRAILING_PADDING) continue;
    notePixelRepresentation(el, ctx);
    elements.push(el);
  }
  return undefined;
}

/** The top-level data set from cursor.pos; Pixel Data is located, never read. */
async function readDataSet(
  w: FileWindow,
  cursor: { pos: number },
  ts: TransferSyntax,
  inlineMax: number,
  minWindow: number,
): Promise<{ elements: RawElement[]; encapsulated: EncapsulatedPixelData | undefined }> {
  const ctx: RawReadContext = { explicitVr: ts.explicitVr, littleEndian: ts.littleEndian, captureBinaryMax: inlineMax };
  const elements: RawElement[] = [];
  let encapsulated: EncapsulatedPixelData | undefined;
  for (;;) {
    const h = await untilDone(w, cursor, minWindow, () => readUntilPixelData(w, cursor, ctx, elements));
    if (h === undefined) return { elements, encapsulated };
    const el: RawElement = {
      tag: h.tag, vr: h.vr as Vr, offset: h.offset, length: h.length, end: h.offset + h.length,
      undefinedLength: false, littleEndian: ts.littleEndian, value: undefined, items: undefined,
    };
    if (h.length === UNDEFINED_LENGTH) {
      encapsulated = await readEncapsulatedPixelData(w, h.offset);
      el.length = encapsulated.value.length;
      el.end = encapsulated.end;
      el.undefinedLength = true;
    } else if (el.end > w.size) {
      throw new DicomReadError('truncated', `Pixel Data of ${h.length} bytes at offset ${h.offset} runs past the end of the file (${w.size} bytes)`);
    }
    elements.push(el);
    cursor.pos = el.end;
  }
}

/** Inflates the data set and converts it with every value inline: no offset in it is a file offset. */
async function readDeflated(w: FileWindow, start: number, options: ReadInstanceOptions): Promise<DicomJsonDataset> {
  if (w.size - start > MAX_INFLATED) throw new DicomReadError('unsupported-syntax', `deflated data sets over ${MAX_INFLATED} bytes are not supported`);
  await w.load(start, w.size - start);
  const src = FileWindow.overBuffer(inflateDataSet(w.bytes.subarray(start - w.start)));
  const ctx: RawReadContext = { explicitVr: true, littleEndian: true, captureBinaryMax: Infinity };
  const elements: RawElement[] = [];
  const cursor = { pos: 0 };
  // The whole stream is in memory, so nothing ever needs a refill; Pixel Data is read like any value.
  for (let h = readUntilPixelData(src, cursor, ctx, elements); h !== undefined; h = readUntilPixelData(src, cursor, ctx, elements)) {
    const el = readRawElementBody(src, h, ctx, 0);
    elements.push(el);
    cursor.pos = el.end;
  }
  const conversion: JsonConversionOptions = { bulkDataUri: options.bulkDataUri, inlineBinaryMaxBytes: Infinity, bulkData: null };
  return datasetToJson(elements, conversion);
}
