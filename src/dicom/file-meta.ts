import type { FileFormat } from './file-format.js';

/** atrium's Implementation Class UID (PS3.7 D.3.3.2), a UUID-derived UID (PS3.5 B.2). */
export const IMPLEMENTATION_CLASS_UID = '2.25.56093372840454198316072488895582214816';
export const IMPLEMENTATION_VERSION_NAME = 'ATRIUM_0_1';

const PREAMBLE = Buffer.alloc(128);
const DICM = Buffer.from('DICM', 'latin1');

/** One Explicit VR Little Endian element of group 0002 with a 2-byte length (PS3.5 7.1.2). */
function shortElement(element: number, vr: 'UI' | 'SH', value: string): Buffer {
  // UI pads with NUL, other strings with a space, to an even length (PS3.5 6.2).
  const text = value.length % 2 === 0 ? value : value + (vr === 'UI' ? '\0' : ' ');
  const out = Buffer.alloc(8 + text.length);
  out.writeUInt16LE(0x0002, 0);
  out.writeUInt16LE(element, 2);
  out.write(vr, 4, 'latin1');
  out.writeUInt16LE(text.length, 6);
  out.write(text, 8, 'latin1');
  return out;
}

/**
 * File Meta Information (PS3.10 7.1) for an instance received without one,
 * Explicit VR Little Endian as PS3.10 requires, group length first.
 */
export function encodeFileMetaInformation(ids: {
  sopClassUid: string;
  sopInstanceUid: string;
  transferSyntaxUid: string;
}): Buffer {
  const version = Buffer.from([0x02, 0x00, 0x01, 0x00, 0x4f, 0x42, 0, 0, 2, 0, 0, 0, 0x00, 0x01]); // (0002,0001) OB 00\01
  const body = Buffer.concat([
    version,
    shortElement(0x0002, 'UI', ids.sopClassUid),
    shortElement(0x0003, 'UI', ids.sopInstanceUid),
    shortElement(0x0010, 'UI', ids.transferSyntaxUid),
    shortElement(0x0012, 'UI', IMPLEMENTATION_CLASS_UID),
    shortElement(0x0013, 'SH', IMPLEMENTATION_VERSION_NAME),
  ]);
  const groupLength = Buffer.from([0x02, 0x00, 0x00, 0x00, 0x55, 0x4c, 4, 0, 0, 0, 0, 0]); // (0002,0000) UL
  groupLength.writeUInt32LE(body.length, 8);
  return Buffer.concat([groupLength, body]);
}

/** The bytes that make a file of `format` valid Part 10 when prepended; null when none are needed. */
export function part10Prefix(
  format: FileFormat,
  ids: { sopClassUid: string; sopInstanceUid: string; transferSyntaxUid: string },
): Buffer | null {
  switch (format) {
    case 'part10':
      return null;
    case 'no-preamble':
      return PREAMBLE;
    case 'no-preamble-no-dicm':
      return Buffer.concat([PREAMBLE, DICM]);
    case 'bare-data-set':
      return Buffer.concat([PREAMBLE, DICM, encodeFileMetaInformation(ids)]);
  }
}
