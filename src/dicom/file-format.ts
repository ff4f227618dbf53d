/** Recognising how a received file begins (PS3.10 7.1), including the non-conforming forms real files take. */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { DicomReadError } from './dicom-read-error.js';

/**
 * How the file begins. Some real files lack the preamble, or the whole File
 * Meta Information ("bare" data sets from old ACR-NEMA era writers); they are
 * kept unchanged and given a synthesized header when retrieved.
 */
export type FileFormat =
  | 'part10'
  /** "DICM" and the meta group at byte 0. */
  | 'no-preamble'
  /** The meta group at byte 0, no "DICM". */
  | 'no-preamble-no-dicm'
  /** The data set at byte 0. */
  | 'bare-data-set';

export function hasDicmAt(b: Uint8Array, at: number): boolean {
  return b[at] === 0x44 && b[at + 1] === 0x49 && b[at + 2] === 0x43 && b[at + 3] === 0x4d;
}

export const isUpper = (c: number | undefined) => c !== undefined && c >= 0x41 && c <= 0x5a;

/**
 * The transfer syntax a bare data set (no meta header) is written in, read off
 * its first element, which must be in a low even group (0008 in practice):
 * an uppercase VR after the tag means explicit VR.
 */
export function guessBareSyntax(b: Uint8Array): string | undefined {
  if (b.length < 8) return undefined;
  const groupLE = b[0]! | (b[1]! << 8);
  const groupBE = (b[0]! << 8) | b[1]!;
  const explicit = isUpper(b[4]) && isUpper(b[5]);
  if (groupLE >= 0x0002 && groupLE <= 0x0010 && groupLE % 2 === 0) {
    return explicit ? '1.2.840.10008.1.2.1' : '1.2.840.10008.1.2';
  }
  if (groupBE >= 0x0002 && groupBE <= 0x0010 && groupBE % 2 === 0 && explicit) return '1.2.840.10008.1.2.2';
  return undefined;
}

const PREAMBLE = 128;

/**
 * Where the File Meta Information of a file of `size` bytes starts, judged from
 * its first bytes `b`; undefined when there is none (a bare data set, or not DICOM).
 */
export function metaStartOf(b: Uint8Array, size: number): { format: Exclude<FileFormat, 'bare-data-set'>; at: number } | undefined {
  if (size >= PREAMBLE + 4 + 8 && hasDicmAt(b, PREAMBLE)) return { format: 'part10', at: PREAMBLE + 4 };
  if (hasDicmAt(b, 0)) return { format: 'no-preamble', at: 4 };
  if (size >= 8 && b[0] === 0x02 && b[1] === 0x00 && isUpper(b[4]) && isUpper(b[5])) return { format: 'no-preamble-no-dicm', at: 0 };
  return undefined;
}

/** Deflated data sets are inflated in memory; larger ones are refused rather than risk memory. */
export const MAX_INFLATED = 128 * 1024 * 1024;

/** The data set of a Deflated Explicit VR Little Endian file (PS3.5 A.5), from the bytes after its meta group. */
export function inflateDataSet(deflated: Uint8Array): Buffer {
  try {
    return inflateRawSync(deflated, { maxOutputLength: MAX_INFLATED });
  } catch (raw) {
    try {
      // Some writers wrap the stream in a zlib header, against PS3.5 A.5; accept it.
      return inflateSync(deflated, { maxOutputLength: MAX_INFLATED });
    } catch {
      throw new DicomReadError('malformed', 'the deflated data set does not inflate (PS3.5 A.5)', { cause: raw });
    }
  }
}
