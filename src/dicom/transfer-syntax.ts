/**
 * Transfer syntaxes (PS3.5 Section 10 and Annex A; UIDs from PS3.6 Annex A):
 * how a data set after the File Meta Information is encoded, and whether its
 * Pixel Data is native or encapsulated (PS3.5 A.4).
 */

export interface TransferSyntax {
  readonly uid: string;
  readonly name: string;
  /** Explicit VR (PS3.5 7.1.2) rather than Implicit VR (7.1.3). */
  readonly explicitVr: boolean;
  readonly littleEndian: boolean;
  /** Pixel Data is a sequence of fragments (PS3.5 A.4), not a native value. */
  readonly encapsulated: boolean;
  /** The data set after the meta group is raw-deflated (PS3.5 A.5). */
  readonly deflated: boolean;
  /** The pixel encoding may lose information (so re-encoding it must not claim to be lossless). */
  readonly lossy: boolean;
}

export const ImplicitVRLittleEndian = '1.2.840.10008.1.2';
export const ExplicitVRLittleEndian = '1.2.840.10008.1.2.1';
export const EncapsulatedUncompressedExplicitVRLittleEndian = '1.2.840.10008.1.2.1.98';
export const DeflatedExplicitVRLittleEndian = '1.2.840.10008.1.2.1.99';
export const ExplicitVRBigEndian = '1.2.840.10008.1.2.2';
export const JPEGBaseline8Bit = '1.2.840.10008.1.2.4.50';
export const JPEGExtended12Bit = '1.2.840.10008.1.2.4.51';
export const JPEGLossless = '1.2.840.10008.1.2.4.57';
export const JPEGLosslessSV1 = '1.2.840.10008.1.2.4.70';
export const JPEGLSLossless = '1.2.840.10008.1.2.4.80';
export const JPEGLSNearLossless = '1.2.840.10008.1.2.4.81';
export const JPEG2000Lossless = '1.2.840.10008.1.2.4.90';
export const JPEG2000 = '1.2.840.10008.1.2.4.91';
export const JPEG2000MCLossless = '1.2.840.10008.1.2.4.92';
export const JPEG2000MC = '1.2.840.10008.1.2.4.93';
export const JPIPReferenced = '1.2.840.10008.1.2.4.94';
export const JPIPReferencedDeflate = '1.2.840.10008.1.2.4.95';
export const MPEG2MPML = '1.2.840.10008.1.2.4.100';
export const MPEG2MPHL = '1.2.840.10008.1.2.4.101';
export const MPEG4HP41 = '1.2.840.10008.1.2.4.102';
export const MPEG4HP41BD = '1.2.840.10008.1.2.4.103';
export const MPEG4HP422D = '1.2.840.10008.1.2.4.104';
export const MPEG4HP423D = '1.2.840.10008.1.2.4.105';
export const MPEG4HP42Stereo = '1.2.840.10008.1.2.4.106';
export const HEVCMP51 = '1.2.840.10008.1.2.4.107';
export const HEVCM10P51 = '1.2.840.10008.1.2.4.108';
export const JPEGXLLossless = '1.2.840.10008.1.2.4.110';
export const JPEGXLJPEGRecompression = '1.2.840.10008.1.2.4.111';
export const JPEGXL = '1.2.840.10008.1.2.4.112';
export const HTJ2KLossless = '1.2.840.10008.1.2.4.201';
export const HTJ2KLosslessRPCL = '1.2.840.10008.1.2.4.202';
export const HTJ2K = '1.2.840.10008.1.2.4.203';
export const JPIPHTJ2KReferenced = '1.2.840.10008.1.2.4.204';
export const JPIPHTJ2KReferencedDeflate = '1.2.840.10008.1.2.4.205';
export const RLELossless = '1.2.840.10008.1.2.5';
export const SMPTEST211020UncompressedProgressiveActiveVideo = '1.2.840.10008.1.2.7.1';
export const SMPTEST211020UncompressedInterlacedActiveVideo = '1.2.840.10008.1.2.7.2';
export const SMPTEST211030PCMDigitalAudio = '1.2.840.10008.1.2.7.3';
export const DeflatedImageFrameCompression = '1.2.840.10008.1.2.8.1';

type Kind = 'native' | 'encapsulated' | 'deflated';

function ts(uid: string, name: string, kind: Kind, lossy: boolean, opts: { implicit?: boolean; bigEndian?: boolean } = {}): TransferSyntax {
  return Object.freeze({
    uid,
    name,
    explicitVr: opts.implicit !== true,
    littleEndian: opts.bigEndian !== true,
    encapsulated: kind === 'encapsulated',
    deflated: kind === 'deflated',
    lossy,
  });
}

/** The JPEG processes of PS3.5 A.4.1 that PS3.6 retired; files using them still exist. */
const RETIRED_JPEG: ReadonlyArray<[string, string, boolean]> = [
  ['52', 'JPEG Extended (Process 3 & 5)', true],
  ['53', 'JPEG Spectral Selection, Non-Hierarchical (Process 6 & 8)', true],
  ['54', 'JPEG Spectral Selection, Non-Hierarchical (Process 7 & 9)', true],
  ['55', 'JPEG Full Progression, Non-Hierarchical (Process 10 & 12)', true],
  ['56', 'JPEG Full Progression, Non-Hierarchical (Process 11 & 13)', true],
  ['58', 'JPEG Lossless, Non-Hierarchical (Process 15)', false],
  ['59', 'JPEG Extended, Hierarchical (Process 16 & 18)', true],
  ['60', 'JPEG Extended, Hierarchical (Process 17 & 19)', true],
  ['61', 'JPEG Spectral Selection, Hierarchical (Process 20 & 22)', true],
  ['62', 'JPEG Spectral Selection, Hierarchical (Process 21 & 23)', true],
  ['63', 'JPEG Full Progression, Hierarchical (Process 24 & 26)', true],
  ['64', 'JPEG Full Progression, Hierarchical (Process 25 & 27)', true],
  ['65', 'JPEG Lossless, Hierarchical (Process 28)', false],
  ['66', 'JPEG Lossless, Hierarchical (Process 29)', false],
];

/** Video syntaxes (PS3.5 A.4.5-A.4.9): the ".1" variants allow fragmentation across items. */
const VIDEO: ReadonlyArray<[string, string]> = [
  [MPEG2MPML, 'MPEG2 Main Profile / Main Level'],
  [MPEG2MPHL, 'MPEG2 Main Profile / High Level'],
  [MPEG4HP41, 'MPEG-4 AVC/H.264 High Profile / Level 4.1'],
  [MPEG4HP41BD, 'MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1'],
  [MPEG4HP422D, 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video'],
  [MPEG4HP423D, 'MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video'],
  [MPEG4HP42Stereo, 'MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2'],
];

const ALL: readonly TransferSyntax[] = [
  ts(ImplicitVRLittleEndian, 'Implicit VR Little Endian', 'native', false, { implicit: true }),
  ts(ExplicitVRLittleEndian, 'Explicit VR Little Endian', 'native', false),
  ts(EncapsulatedUncompressedExplicitVRLittleEndian, 'Encapsulated Uncompressed Explicit VR Little Endian', 'encapsulated', false),
  ts(DeflatedExplicitVRLittleEndian, 'Deflated Explicit VR Little Endian', 'deflated', false),
  ts(ExplicitVRBigEndian, 'Explicit VR Big Endian', 'native', false, { bigEndian: true }),
  ts(JPEGBaseline8Bit, 'JPEG Baseline (Process 1)', 'encapsulated', true),
  ts(JPEGExtended12Bit, 'JPEG Extended (Process 2 & 4)', 'encapsulated', true),
  ...RETIRED_JPEG.map(([n, name, lossy]) => ts(`1.2.840.10008.1.2.4.${n}`, name, 'encapsulated', lossy)),
  ts(JPEGLossless, 'JPEG Lossless, Non-Hierarchical (Process 14)', 'encapsulated', false),
  ts(JPEGLosslessSV1, 'JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])', 'encapsulated', false),
  ts(JPEGLSLossless, 'JPEG-LS Lossless Image Compression', 'encapsulated', false),
  ts(JPEGLSNearLossless, 'JPEG-LS Lossy (Near-Lossless) Image Compression', 'encapsulated', true),
  ts(JPEG2000Lossless, 'JPEG 2000 Image Compression (Lossless Only)', 'encapsulated', false),
  // .91 allows either; "lossy" means "may be lossy", which is what re-encoding must respect.
  ts(JPEG2000, 'JPEG 2000 Image Compression', 'encapsulated', true),
  ts(JPEG2000MCLossless, 'JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)', 'encapsulated', false),
  ts(JPEG2000MC, 'JPEG 2000 Part 2 Multi-component Image Compression', 'encapsulated', true),
  // JPIP syntaxes carry no Pixel Data, only a Pixel Data Provider URL (PS3.5 A.6, A.7).
  ts(JPIPReferenced, 'JPIP Referenced', 'native', true),
  ts(JPIPReferencedDeflate, 'JPIP Referenced Deflate', 'deflated', true),
  ...VIDEO.flatMap(([uid, name]) => [
    ts(uid, name, 'encapsulated', true),
    ts(`${uid}.1`, `Fragmentable ${name}`, 'encapsulated', true),
  ]),
  ts(HEVCMP51, 'HEVC/H.265 Main Profile / Level 5.1', 'encapsulated', true),
  ts(HEVCM10P51, 'HEVC/H.265 Main 10 Profile / Level 5.1', 'encapsulated', true),
  ts(JPEGXLLossless, 'JPEG XL Lossless', 'encapsulated', false),
  // Lossless recompression of a JPEG that was itself lossy.
  ts(JPEGXLJPEGRecompression, 'JPEG XL JPEG Recompression', 'encapsulated', true),
  ts(JPEGXL, 'JPEG XL', 'encapsulated', true),
  ts(HTJ2KLossless, 'High-Throughput JPEG 2000 Image Compression (Lossless Only)', 'encapsulated', false),
  ts(HTJ2KLosslessRPCL, 'High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)', 'encapsulated', false),
  ts(HTJ2K, 'High-Throughput JPEG 2000 Image Compression', 'encapsulated', true),
  ts(JPIPHTJ2KReferenced, 'JPIP HTJ2K Referenced', 'native', true),
  ts(JPIPHTJ2KReferencedDeflate, 'JPIP HTJ2K Referenced Deflate', 'deflated', true),
  ts(RLELossless, 'RLE Lossless', 'encapsulated', false),
  // SMPTE ST 2110 syntaxes carry no Pixel Data in the data set: the essence is streamed apart.
  ts(SMPTEST211020UncompressedProgressiveActiveVideo, 'SMPTE ST 2110-20 Uncompressed Progressive Active Video', 'native', false),
  ts(SMPTEST211020UncompressedInterlacedActiveVideo, 'SMPTE ST 2110-20 Uncompressed Interlaced Active Video', 'native', false),
  ts(SMPTEST211030PCMDigitalAudio, 'SMPTE ST 2110-30 PCM Digital Audio', 'native', false),
  ts(DeflatedImageFrameCompression, 'Deflated Image Frame Compression', 'encapsulated', false),
];

const BY_UID: ReadonlyMap<string, TransferSyntax> = new Map(ALL.map((t) => [t.uid, t]));

/** The transfer syntax of a UID, or undefined for unknown (including private) UIDs. */
export function getTransferSyntax(uid: string): TransferSyntax | undefined {
  return BY_UID.get(uid);
}

/** Every known transfer syntax. */
export function allTransferSyntaxes(): readonly TransferSyntax[] {
  return ALL;
}
