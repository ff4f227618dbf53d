/**
 * Reads data elements (PS3.5 7.1) into RawElements: tag, VR, where the value
 * lies, and the value bytes when they will be needed as JSON. Values are not
 * interpreted here (dataset-to-json.ts does that), the way pydicom keeps
 * RawDataElements until they are read.
 *
 * Our own reader rather than dicom-parser's: dicom-parser recurses without a
 * limit (a 225,000-level nested sequence overflows the stack), throws strings,
 * and cannot tell "needs more bytes" from "broken". This one caps nesting, says
 * why it failed, and asks its FileWindow for more bytes when it runs off the end.
 */
import { lookupTag } from './dictionary.js';
import { DicomReadError } from './dicom-read-error.js';
import type { FileWindow } from './file-window.js';
import type { Vr } from './json-model.js';
import { hasLongLength, isBinaryVr } from './vr.js';

/** PS3.5 7.5: items and delimiters have no VR, in every transfer syntax. */
export const ITEM = 0xfffee000;
export const ITEM_DELIMITATION = 0xfffee00d;
export const SEQUENCE_DELIMITATION = 0xfffee0dd;
export const UNDEFINED_LENGTH = 0xffffffff;

export const PIXEL_DATA = 0x7fe00010;
export const FLOAT_PIXEL_DATA = 0x7fe00008;
export const DOUBLE_FLOAT_PIXEL_DATA = 0x7fe00009;
export const EXTENDED_OFFSET_TABLE = 0x7fe00001;
export const EXTENDED_OFFSET_TABLE_LENGTHS = 0x7fe00002;
const PIXEL_REPRESENTATION = 0x00280103;

/** Sequence nesting deeper than this is refused: no real IOD comes close (the deepest are ~10). */
export const MAX_SEQUENCE_DEPTH = 64;

export interface RawElement {
  /** group << 16 | element, unsigned. */
  tag: number;
  vr: Vr;
  /** Source offset of the value's first byte. */
  offset: number;
  /** Value length; for undefined length, the bytes before the closing delimiter. */
  length: number;
  /** Source offset just past the element (and its delimiter). */
  end: number;
  undefinedLength: boolean;
  /** Byte order of the value: UN sequences are little endian even in a big endian file (PS3.5 6.2.2). */
  littleEndian: boolean;
  /** The value bytes, when captured (see RawReadContext.captureBinaryMax). */
  value?: Uint8Array;
  /** SQ: one element list per item. */
  items?: RawElement[][];
}

export interface RawReadContext {
  explicitVr: boolean;
  littleEndian: boolean;
  /** Binary (OB OD OF OL OV OW UN) values longer than this are not captured: they become bulk data. */
  captureBinaryMax: number;
  /** (0028,0103), to choose US or SS for implicit VR elements the dictionary gives both. */
  pixelRepresentation?: number;
}

export interface RawHeader {
  tag: number;
  /** null for items and delimiters (group FFFE). */
  vr: Vr | null;
  length: number;
  offset: number;
}

const VRS: ReadonlySet<string> = new Set<Vr>([
  'AE', 'AS', 'AT', 'CS', 'DA', 'DS', 'DT', 'FL', 'FD', 'IS', 'LO', 'LT', 'OB', 'OD', 'OF', 'OL',
  'OV', 'OW', 'PN', 'SH', 'SL', 'SQ', 'SS', 'ST', 'SV', 'TM', 'UC', 'UI', 'UL', 'UN', 'UR', 'US',
  'UT', 'UV',
]);

const IMPLICIT_LE: Omit<RawReadContext, 'captureBinaryMax'> = { explicitVr: false, littleEndian: true };

/** Tags seen so far, as JSON keys: a data set's tags repeat from file to file. */
const TAG_HEX = new Map<number, string>();

/** 0x0020000d → '0020000D' (PS3.18 F.2: the JSON key of a tag). */
export function tagHex(tag: number): string {
  let hex = TAG_HEX.get(tag);
  if (hex === undefined) {
    hex = tag.toString(16).toUpperCase().padStart(8, '0');
    if (TAG_HEX.size < 65536) TAG_HEX.set(tag, hex); // bounded: private tags are unbounded in number
  }
  return hex;
}

export function isPixelDataTag(tag: number): boolean {
  return tag === PIXEL_DATA || tag === FLOAT_PIXEL_DATA || tag === DOUBLE_FLOAT_PIXEL_DATA;
}

function need(w: FileWindow, pos: number, n: number, what: string): void {
  if (!w.require(pos, n)) {
    throw new DicomReadError('truncated', `${what} at offset ${pos} runs past the end of the file (${w.size} bytes)`);
  }
}

function malformed(message: string): DicomReadError {
  return new DicomReadError('malformed', message);
}

/**
 * The VR an implicit VR element has (PS3.5 7.1.3 leaves it to the dictionary):
 * unknown and private elements are UN (private creators LO, PS3.5 7.8.1);
 * "OB or OW" is OW, as PS3.5 A.1 encodes them in Implicit VR; "US or SS"
 * follows Pixel Representation (0028,0103), which these attributes depend on.
 */
function dictionaryVr(tag: number, ctx: Omit<RawReadContext, 'captureBinaryMax'>): Vr | undefined {
  const entry = lookupTag(tagHex(tag));
  if (!entry) return undefined;
  if (entry.vrs.length === 1) return entry.vr;
  if (entry.vrs.includes('OW')) return 'OW';
  if (entry.vrs.includes('SS') && entry.vrs.includes('US')) return ctx.pixelRepresentation === 1 ? 'SS' : 'US';
  return entry.vr;
}

/** Reads the 8 or 12 byte header at pos (PS3.5 7.1.1-7.1.3). */
export function readRawHeader(w: FileWindow, pos: number, ctx: Omit<RawReadContext, 'captureBinaryMax'>): RawHeader {
  need(w, pos, 8, 'an element header');
  const v = w.view;
  const at = pos - w.start;
  const le = ctx.littleEndian;
  const tag = ((v.getUint16(at, le) << 16) | v.getUint16(at + 2, le)) >>> 0;
  if (tag >>> 16 === 0xfffe) return { tag, vr: null, length: v.getUint32(at + 4, le), offset: pos + 8 };
  if (!ctx.explicitVr) return { tag, vr: dictionaryVr(tag, ctx) ?? 'UN', length: v.getUint32(at + 4, le), offset: pos + 8 };
  const vr = String.fromCharCode(w.bytes[at + 4] as number, w.bytes[at + 5] as number);
  if (!VRS.has(vr)) {
    throw malformed(`element (${tagHex(tag)}) at offset ${pos} has no valid VR (bytes ${w.bytes[at + 4]}, ${w.bytes[at + 5]})`);
  }
  if (!hasLongLength(vr as Vr)) return { tag, vr: vr as Vr, length: v.getUint16(at + 6, le), offset: pos + 8 };
  need(w, pos, 12, 'an element header');
  return { tag, vr: vr as Vr, length: v.getUint32(at + 8, le), offset: pos + 12 };
}

function captures(tag: number, vr: Vr, length: number, ctx: RawReadContext): boolean {
  if (!isBinaryVr(vr) || ctx.captureBinaryMax === Infinity) return true;
  if (isPixelDataTag(tag)) return false;
  // The Extended Offset Table is needed to find frames, whatever its size.
  return length <= ctx.captureBinaryMax || tag === EXTENDED_OFFSET_TABLE || tag === EXTENDED_OFFSET_TABLE_LENGTHS;
}

/** Reads the whole element at pos: header, then its items, fragments or value. */
export function readRawElement(w: FileWindow, pos: number, ctx: RawReadContext, depth: number): RawElement {
  const h = readRawHeader(w, pos, ctx);
  return readRawElementBody(w, h, ctx, depth);
}

/** The rest of an element whose header has been read. */
export function readRawElementBody(w: FileWindow, h: RawHeader, ctx: RawReadContext, depth: number): RawElement {
  if (h.vr === null) throw malformed(`unexpected item or delimiter (${tagHex(h.tag)}) at offset ${h.offset - 8}`);
  const undefinedLength = h.length === UNDEFINED_LENGTH;
  let vr: Vr = h.vr;
  let itemCtx: RawReadContext = ctx;
  if (vr === 'UN' && !isPixelDataTag(h.tag)) {
    // PS3.5 6.2.2: a UN of undefined length is a sequence in Implicit VR Little
    // Endian. A defined-length UN whose tag the dictionary knows is read as that
    // VR, so a public attribute relayed through a system that did not know it
    // (UIDs included) is still indexed.
    const known = dictionaryVr(h.tag, { ...IMPLICIT_LE, pixelRepresentation: ctx.pixelRepresentation });
    if (undefinedLength || (known === 'SQ' && startsWithItem(w, h, IMPLICIT_LE))) {
      vr = 'SQ';
      itemCtx = { ...ctx, ...IMPLICIT_LE };
    } else if (known !== undefined && known !== 'UN' && known !== 'SQ') {
      vr = known;
    }
  } else if (vr === 'SQ' && !ctx.explicitVr && !startsWithItem(w, h, ctx)) {
    // The dictionary says SQ, but the value is not items: a retired non-SQ
    // meaning of the tag (e.g. (0040,A170) was once CS). Keep the bytes as UN.
    vr = 'UN';
  }
  if (vr === 'SQ') {
    const { items, length, end } = readItems(w, h.offset, h.length, itemCtx, depth);
    return rawElement(h, vr, length, end, itemCtx.littleEndian, undefined, items);
  }
  if (undefinedLength) {
    // Only SQ, UN and encapsulated Pixel Data may have undefined length (PS3.5
    // 7.1.1); anything else here is read as encapsulated (an icon's Pixel Data).
    const { length, end } = skipFragments(w, h.offset);
    return rawElement(h, vr, length, end, ctx.littleEndian, undefined, undefined);
  }
  const end = h.offset + h.length;
  if (end > w.size) {
    throw new DicomReadError('truncated', `element (${tagHex(h.tag)}) of ${h.length} bytes at offset ${h.offset} runs past the end of the file (${w.size} bytes)`);
  }
  let value: Uint8Array | undefined;
  if (captures(h.tag, vr, h.length, ctx)) {
    if (!w.require(h.offset, h.length)) throw new DicomReadError('truncated', `the value at offset ${h.offset} runs past the end of the file`);
    value = w.capture(h.offset, h.length);
  }
  return rawElement(h, vr, h.length, end, ctx.littleEndian, value, undefined);
}

/** Every RawElement built with the same shape, so the code reading them stays monomorphic. */
function rawElement(h: RawHeader, vr: Vr, length: number, end: number, littleEndian: boolean, value: Uint8Array | undefined, items: RawElement[][] | undefined): RawElement {
  return { tag: h.tag, vr, offset: h.offset, length, end, undefinedLength: h.length === UNDEFINED_LENGTH, littleEndian, value, items };
}

/** Whether a defined-length value begins with an item tag, as a sequence's must (PS3.5 7.5.1). */
function startsWithItem(w: FileWindow, h: RawHeader, ctx: Omit<RawReadContext, 'captureBinaryMax'>): boolean {
  if (h.length === UNDEFINED_LENGTH || h.length === 0) return true;
  if (h.length < 8) return false;
  need(w, h.offset, 4, `the value of (${tagHex(h.tag)})`);
  const at = h.offset - w.start;
  const tag = ((w.view.getUint16(at, ctx.littleEndian) << 16) | w.view.getUint16(at + 2, ctx.littleEndian)) >>> 0;
  return tag === ITEM;
}

/**
 * Where reading goes on after an item or delimiter found where an element
 * should be, when it can be stepped over: a delimiter of length 0 after a
 * defined-length item or sequence, or a whole defined-length item with no
 * sequence around it (both written by real devices). undefined: not skippable.
 */
export function strayItemEnd(h: RawHeader): number | undefined {
  if (h.vr !== null) return undefined;
  if ((h.tag === ITEM_DELIMITATION || h.tag === SEQUENCE_DELIMITATION) && h.length === 0) return h.offset;
  if (h.tag === ITEM && h.length !== UNDEFINED_LENGTH) return h.offset + h.length;
  return undefined;
}

/** PS3.5 7.5.1: the items of a sequence, of defined or undefined length. */
function readItems(w: FileWindow, offset: number, length: number, ctx: RawReadContext, depth: number): { items: RawElement[][]; length: number; end: number } {
  if (depth >= MAX_SEQUENCE_DEPTH) throw malformed(`sequences nested deeper than ${MAX_SEQUENCE_DEPTH} levels at offset ${offset}`);
  const items: RawElement[][] = [];
  let pos = offset;
  if (length !== UNDEFINED_LENGTH) {
    const limit = offset + length;
    if (limit > w.size) throw new DicomReadError('truncated', `sequence at offset ${offset} runs past the end of the file`);
    while (pos < limit) {
      const h = readRawHeader(w, pos, ctx);
      if (h.tag === SEQUENCE_DELIMITATION && h.length === 0) {
        pos = h.offset; // a delimiter after a defined-length sequence's last item
        continue;
      }
      const item = readItem(w, pos, ctx, depth + 1, limit);
      items.push(item.elements);
      pos = item.end;
    }
    return { items, length, end: limit };
  }
  for (;;) {
    const h = readRawHeader(w, pos, ctx);
    if (h.tag === SEQUENCE_DELIMITATION) return { items, length: pos - offset, end: pos + 8 };
    const item = readItem(w, pos, ctx, depth + 1, undefined);
    items.push(item.elements);
    pos = item.end;
  }
}

function readItem(w: FileWindow, pos: number, ctx: RawReadContext, depth: number, limit: number | undefined): { elements: RawElement[]; end: number } {
  const h = readRawHeader(w, pos, ctx);
  if (h.tag !== ITEM) throw malformed(`expected an item (FFFEE000) at offset ${pos}, found (${tagHex(h.tag)})`);
  const elements: RawElement[] = [];
  let p = h.offset;
  if (h.length !== UNDEFINED_LENGTH) {
    const end = h.offset + h.length;
    if (limit !== undefined && end > limit) throw malformed(`item at offset ${pos} overruns its sequence`);
    if (end > w.size) throw new DicomReadError('truncated', `item at offset ${pos} runs past the end of the file`);
    while (p < end) {
      const eh = readRawHeader(w, p, ctx);
      const skipTo = eh.tag === ITEM ? undefined : strayItemEnd(eh);
      if (skipTo !== undefined) {
        p = skipTo;
        continue;
      }
      const el = readRawElementBody(w, eh, ctx, depth);
      if (el.end > end) throw malformed(`element (${tagHex(el.tag)}) at offset ${p} overruns its item`);
      elements.push(el);
      p = el.end;
    }
    return { elements, end };
  }
  for (;;) {
    const eh = readRawHeader(w, p, ctx);
    if (eh.tag === ITEM_DELIMITATION) return { elements, end: p + 8 };
    const el = readRawElementBody(w, eh, ctx, depth);
    if (limit !== undefined && el.end > limit) throw malformed(`item at offset ${pos} overruns its sequence`);
    elements.push(el);
    p = el.end;
  }
}

/** Walks an encapsulated value inside a sequence (PS3.5 A.4) to its Sequence Delimitation Item. */
function skipFragments(w: FileWindow, offset: number): { length: number; end: number } {
  let pos = offset;
  for (;;) {
    need(w, pos, 8, 'an encapsulated item');
    const at = pos - w.start;
    const tag = ((w.view.getUint16(at, true) << 16) | w.view.getUint16(at + 2, true)) >>> 0;
    const len = w.view.getUint32(at + 4, true);
    if (tag === SEQUENCE_DELIMITATION) return { length: pos - offset, end: pos + 8 };
    if (tag !== ITEM || len === UNDEFINED_LENGTH) throw malformed(`expected a fragment item at offset ${pos}, found (${tagHex(tag)})`);
    pos += 8 + len;
    if (pos > w.size) throw new DicomReadError('truncated', `fragment at offset ${pos - 8 - len} runs past the end of the file`);
  }
}

/** (0028,0103) from a captured top-level element, for later implicit VR choices. */
export function notePixelRepresentation(el: RawElement, ctx: RawReadContext): void {
  if (el.tag === PIXEL_REPRESENTATION && el.value && el.value.length >= 2) {
    const v = new DataView(el.value.buffer, el.value.byteOffset, 2);
    ctx.pixelRepresentation = v.getUint16(0, el.littleEndian);
  }
}
