/**
 * Facts about Value Representations (PS3.5 6.2, Table 6.2-1) that the reader,
 * writer, indexer and JSON model share.
 */
import type { Vr } from './json-model.js';

const STRING_VRS: ReadonlySet<Vr> = new Set<Vr>([
  'AE', 'AS', 'CS', 'DA', 'DS', 'DT', 'IS', 'LO', 'LT', 'PN', 'SH', 'ST', 'TM', 'UC',
  'UI', 'UR', 'UT',
]);

/** Free text (LT, ST, UT) and URIs (UR) are single-valued: '\' is an ordinary character there. */
const SINGLE_VALUED_STRING_VRS: ReadonlySet<Vr> = new Set<Vr>(['LT', 'ST', 'UT', 'UR']);

const BINARY_VRS: ReadonlySet<Vr> = new Set<Vr>(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);

/** PS3.5 7.1.2: explicit VR elements whose length field is 4 bytes after 2 reserved bytes. */
const LONG_LENGTH_VRS: ReadonlySet<Vr> = new Set<Vr>([
  'OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT', 'SV', 'UV',
]);

/**
 * Bytes per value: the binary numbers, AT (a pair of US: swap as two 16-bit
 * halves) and the "other" VRs, whose word size decides byte swapping (PS3.5 7.3).
 */
const ELEMENT_SIZE: Readonly<Partial<Record<Vr, number>>> = {
  FL: 4, FD: 8, SL: 4, SS: 2, UL: 4, US: 2, SV: 8, UV: 8,
  AT: 4, OB: 1, OD: 8, OF: 4, OL: 4, OV: 8, OW: 2,
};

const NUMERIC_VRS: ReadonlySet<Vr> = new Set<Vr>(['FL', 'FD', 'SL', 'SS', 'UL', 'US', 'SV', 'UV']);

/**
 * Values are character strings. Only SH, LO, ST, LT, UC, UT and PN may hold
 * characters beyond the default repertoire (PS3.5 6.1.2.3); the others are
 * ISO 646 by definition.
 */
export function isStringVr(vr: Vr): boolean {
  return STRING_VRS.has(vr);
}

/** Byte streams with no character or numeric interpretation at this layer (OB OD OF OL OV OW UN). */
export function isBinaryVr(vr: Vr): boolean {
  return BINARY_VRS.has(vr);
}

/** Fixed-size binary numbers (FL FD SL SS UL US SV UV). */
export function isNumericVr(vr: Vr): boolean {
  return NUMERIC_VRS.has(vr);
}

/** Size in bytes of one value (see ELEMENT_SIZE); undefined for strings and SQ. */
export function numericElementSize(vr: Vr): number | undefined {
  return ELEMENT_SIZE[vr];
}

/** PS3.5 7.1.2, Table 7.1-1: explicit VR uses a 32-bit length for these VRs. */
export function hasLongLength(vr: Vr): boolean {
  return LONG_LENGTH_VRS.has(vr);
}

/** PS3.5 6.4: string values split on BACKSLASH, except LT, ST, UT and UR. */
export function isMultiValuedStringVr(vr: Vr): boolean {
  return STRING_VRS.has(vr) && !SINGLE_VALUED_STRING_VRS.has(vr);
}

/**
 * PS3.5 6.2: odd-length values are padded to even length. UI pads with NULL
 * (00H), other strings with SPACE (20H); OB and UN with 00H. Numbers are
 * always even-sized and never padded; 00H is given for them too.
 */
export function paddingByte(vr: Vr): number {
  return STRING_VRS.has(vr) && vr !== 'UI' ? 0x20 : 0x00;
}
