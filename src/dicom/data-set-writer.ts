/**
 * Writes a data set in Explicit VR Little Endian (PS3.5 7.1.2) with new Pixel
 * Data, for sending a stored instance in another transfer syntax. Elements of
 * an Explicit VR Little Endian source are copied byte for byte; Implicit VR
 * and Big Endian ones are re-encoded (VR from the dictionary, values swapped).
 */
import { FileWindow } from './file-window.js';
import type { Vr } from './json-model.js';
import {
  EXTENDED_OFFSET_TABLE, EXTENDED_OFFSET_TABLE_LENGTHS, ITEM, ITEM_DELIMITATION, isPixelDataTag, notePixelRepresentation,
  readRawElementBody, readRawHeader, SEQUENCE_DELIMITATION, strayItemEnd, UNDEFINED_LENGTH, type RawElement, type RawReadContext,
} from './raw-element-reader.js';
import type { TransferSyntax } from './transfer-syntax.js';
import { hasLongLength, numericElementSize } from './vr.js';

/** The new Pixel Data: native (all frames, little endian) or encapsulated (one fragment per frame). */
export type NewPixelData =
  | { readonly kind: 'native'; readonly vr: 'OB' | 'OW'; readonly data: Uint8Array }
  | { readonly kind: 'encapsulated'; readonly frames: readonly Uint8Array[] };

/** A top-level attribute to set, its value already encoded little endian (and padded to even length). */
export interface NewValue {
  readonly vr: Vr;
  readonly value: Uint8Array;
}

export interface DataSetChanges {
  /** Replaces the Pixel Data; undefined keeps it (only valid when its encoding does not change). */
  readonly pixelData?: NewPixelData;
  /** Attributes set (added or replaced), keyed by tag number. */
  readonly set?: ReadonlyMap<number, NewValue>;
  /** Attributes dropped, e.g. an Icon Image Sequence whose pixels would be in the wrong encoding. */
  readonly drop?: ReadonlySet<number>;
}

const DATA_SET_TRAILING_PADDING = 0xfffcfffc;
/** PS3.5 7.1.2: values of these VRs longer than 64 KiB cannot be written with a 16-bit length; UN can. */
const MAX_SHORT_LENGTH = 0xffff;

/** The data set re-encoded, as chunks to be joined or streamed. */
export function writeDataSet(bytes: Uint8Array, syntax: TransferSyntax, changes: DataSetChanges): Buffer[] {
  const w = FileWindow.overBuffer(bytes);
  const ctx: RawReadContext = { explicitVr: syntax.explicitVr, littleEndian: syntax.littleEndian, captureBinaryMax: Infinity };
  const copyVerbatim = syntax.explicitVr && syntax.littleEndian;
  const set = new Map(changes.set ?? []);
  const out: Buffer[] = [];
  const emitSetBefore = (tag: number) => {
    for (const [t, v] of [...set].sort((a, b) => a[0] - b[0])) {
      if (t >= tag) break;
      out.push(...encodeValue(t, v.vr, v.value));
      set.delete(t);
    }
  };
  let pos = 0;
  while (pos + 8 <= bytes.length) {
    const h = readRawHeader(w, pos, ctx);
    const skipTo = strayItemEnd(h);
    if (skipTo !== undefined) {
      pos = skipTo;
      continue;
    }
    const el = readRawElementBody(w, h, ctx, 0);
    const start = pos;
    pos = el.end;
    if (el.tag >>> 16 === 0x0002 || el.tag === DATA_SET_TRAILING_PADDING || changes.drop?.has(el.tag)) continue;
    notePixelRepresentation(el, ctx);
    emitSetBefore(el.tag);
    const replaced = set.get(el.tag);
    if (replaced) {
      out.push(...encodeValue(el.tag, replaced.vr, replaced.value));
      set.delete(el.tag);
    } else if (changes.pixelData && (isPixelDataTag(el.tag) || el.tag === EXTENDED_OFFSET_TABLE || el.tag === EXTENDED_OFFSET_TABLE_LENGTHS)) {
      if (isPixelDataTag(el.tag)) out.push(...encodePixelData(changes.pixelData));
    } else if (copyVerbatim) {
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, el.end - start));
    } else {
      out.push(...encodeElement(el, bytes));
    }
  }
  emitSetBefore(Infinity);
  return out;
}

function header(tag: number, vr: Vr | null, length: number): Buffer {
  if (vr === null) {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt16LE(tag >>> 16, 0);
    b.writeUInt16LE(tag & 0xffff, 2);
    b.writeUInt32LE(length, 4);
    return b;
  }
  const long = hasLongLength(vr);
  const b = Buffer.alloc(long ? 12 : 8);
  b.writeUInt16LE(tag >>> 16, 0);
  b.writeUInt16LE(tag & 0xffff, 2);
  b.write(vr, 4, 'latin1');
  if (long) b.writeUInt32LE(length, 8);
  else b.writeUInt16LE(length, 6);
  return b;
}

function encodeValue(tag: number, vr: Vr, value: Uint8Array): Buffer[] {
  const fits = hasLongLength(vr) || value.length <= MAX_SHORT_LENGTH;
  return [header(tag, fits ? vr : 'UN', value.length), Buffer.from(value.buffer, value.byteOffset, value.byteLength)];
}

/** One element of an Implicit VR or Big Endian source, in Explicit VR Little Endian. */
function encodeElement(el: RawElement, source: Uint8Array): Buffer[] {
  if (el.items) {
    const out: Buffer[] = [header(el.tag, 'SQ', UNDEFINED_LENGTH)];
    for (const item of el.items) {
      out.push(header(ITEM, null, UNDEFINED_LENGTH));
      for (const child of item) out.push(...encodeElement(child, source));
      out.push(header(ITEM_DELIMITATION, null, 0));
    }
    out.push(header(SEQUENCE_DELIMITATION, null, 0));
    return out;
  }
  if (el.undefinedLength) {
    // Encapsulated pixel data inside a sequence: fragments are little endian in every syntax.
    return [header(el.tag, 'OB', UNDEFINED_LENGTH), Buffer.from(source.subarray(el.offset, el.offset + el.length)), header(SEQUENCE_DELIMITATION, null, 0)];
  }
  const value = el.value ?? source.subarray(el.offset, el.offset + el.length);
  if (el.littleEndian) return encodeValue(el.tag, el.vr, value);
  const swapped = Buffer.from(value); // a copy: the source stays as stored
  swapToLittleEndian(swapped, el.vr);
  return encodeValue(el.tag, el.vr, swapped);
}

function swapToLittleEndian(value: Buffer, vr: Vr): void {
  const size = vr === 'OW' || vr === 'AT' ? 2 : vr === 'OF' || vr === 'OL' ? 4 : vr === 'OD' || vr === 'OV' ? 8 : numericElementSize(vr);
  if (size === undefined || size === 1) return;
  const usable = value.subarray(0, value.length - (value.length % size));
  if (size === 2) usable.swap16();
  else if (size === 4) usable.swap32();
  else usable.swap64();
}

/** PS3.5 A.4: a Basic Offset Table item, then one even-length fragment per frame. */
function encodePixelData(pixels: NewPixelData): Buffer[] {
  if (pixels.kind === 'native') {
    const data = Buffer.from(pixels.data.buffer, pixels.data.byteOffset, pixels.data.byteLength);
    const pad = Buffer.alloc(data.length % 2); // values have even length (PS3.5 7.1.1)
    return [header(0x7fe00010, pixels.vr, data.length + pad.length), data, pad];
  }
  const fragments = pixels.frames.map((f) => (f.length % 2 === 0 ? Buffer.from(f.buffer, f.byteOffset, f.byteLength) : Buffer.concat([f, Buffer.alloc(1)])));
  const offsets: number[] = [];
  let at = 0;
  for (const f of fragments) {
    offsets.push(at);
    at += 8 + f.length;
  }
  // Offsets are 32-bit: past 4 GiB the table stays empty (PS3.5 A.4 allows it).
  const table = at > 0xffffffff ? Buffer.alloc(0) : Buffer.alloc(offsets.length * 4);
  if (table.length) offsets.forEach((o, i) => table.writeUInt32LE(o, i * 4));
  const out: Buffer[] = [header(0x7fe00010, 'OB', UNDEFINED_LENGTH), header(ITEM, null, table.length), table];
  for (const f of fragments) out.push(header(ITEM, null, f.length), f);
  out.push(header(SEQUENCE_DELIMITATION, null, 0));
  return out;
}
