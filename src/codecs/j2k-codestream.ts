/**
 * What a JPEG 2000 / HTJ2K codestream says about itself (ISO 15444-1 Annex A),
 * read from its main header: DICOM attributes and codestreams disagree often
 * enough (PS3.5 8.2.4) that decoders must look.
 */

const SIZ = 0xff51;
const SOT = 0xff90;
const EOC = 0xffd9;

export interface J2kHeader {
  readonly components: number;
  /** Bits per sample of the first component (Ssiz). */
  readonly precision: number;
  readonly signed: boolean;
}

/** Where the codestream starts: at 0, or inside a JP2 box wrapper some writers add (against PS3.5 A.4.4). */
function codestreamStart(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < Math.min(bytes.length, 4096); i++) {
    if (bytes[i] === 0xff && bytes[i + 1] === 0x4f && bytes[i + 2] === 0xff && bytes[i + 3] === 0x51) return i;
  }
  return -1;
}

const u16 = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32 = (b: Uint8Array, at: number) => u16(b, at) * 0x10000 + u16(b, at + 2);

/** The main header's SIZ, or undefined when it cannot be found. */
export function readJ2kHeader(bytes: Uint8Array): J2kHeader | undefined {
  const start = codestreamStart(bytes);
  if (start < 0) return undefined;
  // SIZ follows SOC directly (A.5.1): Lsiz, Rsiz, four 32-bit extents, four 32-bit tile values, Csiz, then per component Ssiz.
  const siz = start + 2;
  if (u16(bytes, siz) !== SIZ || siz + 41 > bytes.length) return undefined;
  const ssiz = bytes[siz + 40]!;
  return { components: u16(bytes, siz + 38), precision: (ssiz & 0x7f) + 1, signed: (ssiz & 0x80) !== 0 };
}

/**
 * The codestream cut after its last tile-part and closed with EOC, when
 * something else sits there (seen: a COM "PADDING" segment from a vendor
 * writer, which OpenJPEG refuses). Follows the Psot lengths of the SOT
 * chain; returns the bytes unchanged when the chain ends at EOC or cannot be followed.
 */
export function trimAfterLastTilePart(bytes: Uint8Array): Uint8Array {
  const start = codestreamStart(bytes);
  if (start !== 0) return bytes;
  let at = start + 2;
  while (at + 4 <= bytes.length && u16(bytes, at) !== SOT) at += 2 + u16(bytes, at + 2);
  while (at + 10 <= bytes.length && u16(bytes, at) === SOT) {
    const psot = u32(bytes, at + 6);
    if (psot === 0) return bytes; // the last tile-part runs to EOC
    at += psot;
  }
  if (at + 2 > bytes.length || u16(bytes, at) === EOC) return bytes;
  const trimmed = new Uint8Array(at + 2);
  trimmed.set(bytes.subarray(0, at));
  trimmed[at] = EOC >> 8;
  trimmed[at + 1] = EOC & 0xff;
  return trimmed;
}
