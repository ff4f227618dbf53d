/**
 * RawElements → the DICOM JSON model (PS3.18 F.2). One converter per kind of
 * VR, as pydicom's values.py does: strings (decoded with the Specific Character
 * Set in force), PN objects, DS/IS numbers, binary numbers, AT, sequences, and
 * binary values as InlineBinary or BulkDataURI.
 */
import { charsetsFromValue, decodeString } from './charset.js';
import type { DicomJsonDataset, DicomJsonElement, DicomJsonValue, Vr } from './json-model.js';
import { parsePersonName } from './person-name.js';
import type { ByteRange } from './pixel-layout.js';
import { isPixelDataTag, tagHex, type RawElement } from './raw-element-reader.js';
import { isBinaryVr, isMultiValuedStringVr, isNumericVr, numericElementSize } from './vr.js';

export interface JsonConversionOptions {
  /** The BulkDataURI of a tag path ('7FE00010', '00540016/0/00181072'). */
  bulkDataUri: (tagPath: string) => string;
  /** Binary values up to this many bytes are InlineBinary; longer ones BulkDataURI. */
  inlineBinaryMaxBytes: number;
  /**
   * Receives the byte range of every value given a BulkDataURI. null when value
   * offsets are not file offsets (a deflated data set): every binary value,
   * Pixel Data included, is then InlineBinary.
   */
  bulkData: Record<string, ByteRange> | null;
}

const SPECIFIC_CHARACTER_SET = 0x00080005;

/** PS3.5 6.1.2.3: only these VRs may use characters beyond the default repertoire. */
const CHARSET_VRS: ReadonlySet<Vr> = new Set<Vr>(['SH', 'LO', 'UC', 'ST', 'LT', 'UT', 'PN']);

/** PS3.5 Table 6.2-1: VRs whose leading spaces are insignificant too, not only trailing ones. */
const TRIM_LEADING: ReadonlySet<Vr> = new Set<Vr>(['AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'SH', 'TM', 'UI']);

/** PS3.5 6.2: DS is a fixed or floating point decimal string. */
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

function latin1(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Converts one data set (the top level, or a sequence item). `charsets` is the
 * Specific Character Set inherited from the enclosing data set; an item's own
 * (0008,0005) replaces it for that item (PS3.3 C.12.1.1.2).
 * `pathPrefix` is '' at the top level, 'SEQTAG/ITEM/' inside items.
 */
export function datasetToJson(
  elements: readonly RawElement[],
  options: JsonConversionOptions,
  charsets: readonly string[] = [],
  pathPrefix = '',
): DicomJsonDataset {
  let cs = charsets;
  const own = elements.find((e) => e.tag === SPECIFIC_CHARACTER_SET);
  if (own) cs = own.value ? charsetsFromValue(latin1(own.value)) : [];
  let sorted = true;
  for (let i = 1; i < elements.length; i++) {
    if ((elements[i - 1] as RawElement).tag > (elements[i] as RawElement).tag) sorted = false;
  }
  // PS3.18 F.2: attributes in ascending tag order.
  const ordered = sorted ? elements : [...elements].sort((a, b) => a.tag - b.tag);
  const out: DicomJsonDataset = {};
  let previous = -1;
  for (const el of ordered) {
    if ((el.tag & 0xffff) === 0) continue; // group lengths (PS3.5 7.2) describe the encoding, not the data
    if (el.tag === previous) continue; // a repeated tag is malformed; the first one (stable sort) wins
    previous = el.tag;
    const key = tagHex(el.tag);
    out[key] = elementToJson(el, pathPrefix + key, cs, options);
  }
  return out;
}

export function elementToJson(
  el: RawElement,
  path: string,
  charsets: readonly string[],
  options: JsonConversionOptions,
): DicomJsonElement {
  const vr = el.vr;
  if (vr === 'SQ') {
    const items = el.items ?? [];
    // PS3.18 F.2.5: an empty sequence has no Value.
    if (items.length === 0) return { vr };
    return { vr, Value: items.map((item, i) => datasetToJson(item, options, charsets, `${path}/${i}/`)) };
  }
  if (isBinaryVr(vr)) return binaryToJson(el, path, options);
  const value = el.value;
  if (!value || value.length === 0) return { vr };
  const values = isNumericVr(vr) ? numbers(value, vr, el.littleEndian) : vr === 'AT' ? attributeTags(value, el.littleEndian) : strings(value, vr, charsets);
  return values.length === 0 ? { vr } : { vr, Value: values };
}

function binaryToJson(el: RawElement, path: string, options: JsonConversionOptions): DicomJsonElement {
  const vr = el.vr;
  // F.2.5: a zero-length value has no Value, InlineBinary or BulkDataURI.
  if (el.length === 0 && !el.undefinedLength) return { vr };
  const bulk = options.bulkData;
  if (bulk !== null && (isPixelDataTag(el.tag) || el.length > options.inlineBinaryMaxBytes || !el.value)) {
    bulk[path] = { offset: el.offset, length: el.length };
    return { vr, BulkDataURI: options.bulkDataUri(path) };
  }
  if (!el.value) return { vr };
  // PS3.18 F.2.7: InlineBinary is the little endian encoding of the value.
  const bytes = el.littleEndian ? el.value : swapWords(el.value, numericElementSize(vr) ?? 1);
  return { vr, InlineBinary: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64') };
}

function swapWords(b: Uint8Array, size: number): Uint8Array {
  if (size === 1) return b;
  const out = new Uint8Array(b.length);
  const whole = b.length - (b.length % size);
  for (let i = 0; i < whole; i += size) {
    for (let j = 0; j < size; j++) out[i + j] = b[i + size - 1 - j] as number;
  }
  out.set(b.subarray(whole), whole);
  return out;
}

/** FL FD SL SS UL US SV UV: JSON numbers; SV/UV beyond 2^53 as strings (PS3.18 F.2.3.1). */
function numbers(b: Uint8Array, vr: Vr, le: boolean): DicomJsonValue[] {
  const size = numericElementSize(vr) as number;
  const v = view(b);
  const n = Math.floor(b.length / size);
  const out: DicomJsonValue[] = new Array<DicomJsonValue>(n);
  for (let i = 0; i < n; i++) {
    const at = i * size;
    switch (vr) {
      case 'US': out[i] = v.getUint16(at, le); break;
      case 'SS': out[i] = v.getInt16(at, le); break;
      case 'UL': out[i] = v.getUint32(at, le); break;
      case 'SL': out[i] = v.getInt32(at, le); break;
      case 'FL': out[i] = finite(v.getFloat32(at, le)); break;
      case 'FD': out[i] = finite(v.getFloat64(at, le)); break;
      case 'SV': out[i] = big(v.getBigInt64(at, le)); break;
      default: out[i] = big(v.getBigUint64(at, le)); break; // UV
    }
  }
  return out;
}

/** JSON has no NaN or Infinity: keep them as their names rather than lose them. */
function finite(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

function big(x: bigint): number | string {
  return x >= BigInt(Number.MIN_SAFE_INTEGER) && x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString();
}

/** AT: pairs of 16-bit group and element numbers, as 'GGGGEEEE' (PS3.18 F.2.3). */
function attributeTags(b: Uint8Array, le: boolean): DicomJsonValue[] {
  const v = view(b);
  const out: DicomJsonValue[] = [];
  for (let at = 0; at + 4 <= b.length; at += 4) {
    out.push(tagHex(((v.getUint16(at, le) << 16) | v.getUint16(at + 2, le)) >>> 0));
  }
  return out;
}

function trim(s: string, vr: Vr): string {
  let end = s.length;
  while (end > 0 && (s.charCodeAt(end - 1) === 0x20 || s.charCodeAt(end - 1) === 0)) end--;
  let start = 0;
  if (TRIM_LEADING.has(vr)) while (start < end && s.charCodeAt(start) === 0x20) start++;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

/**
 * Character string VRs. Bytes are decoded before splitting on '\': in ISO 2022
 * multi-byte sets, 5CH can be half of a character (PS3.5 6.1.2.5.3).
 */
function strings(b: Uint8Array, vr: Vr, charsets: readonly string[]): DicomJsonValue[] {
  const text = CHARSET_VRS.has(vr) ? decodeString(b, charsets, vr === 'PN' ? 'pn' : 'text') : latin1(b);
  const parts = isMultiValuedStringVr(vr) ? text.split('\\') : [text];
  const values = parts.map((raw) => {
    const s = trim(raw, vr);
    if (s === '') return null;
    switch (vr) {
      case 'PN': {
        const pn = parsePersonName(s);
        return Object.keys(pn).length === 0 ? null : pn;
      }
      case 'DS': {
        const x = DECIMAL.test(s) ? Number(s) : NaN;
        return Number.isFinite(x) ? x : s; // an invalid DS is kept as received, not dropped
      }
      case 'IS': {
        const x = INTEGER.test(s) ? Number(s) : NaN;
        return Number.isSafeInteger(x) ? x : s;
      }
      default:
        return s;
    }
  });
  // A lone empty value ('', padding, a PN of bare '^') is an empty element (PS3.18 F.2.5).
  return values.length === 1 && values[0] === null ? [] : values;
}
