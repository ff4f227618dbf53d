/**
 * Every public test file with pixel data in a syntax atrium decodes, every
 * frame: lossless syntaxes must reproduce the manifest's pixel_md5 (or the
 * pixels of the same image in another file, where the manifest has none);
 * lossy ones must decode to the described size and stay close to a lossless
 * original where the test data has one. Files that legitimately fail are
 * listed with the reason, and must fail with CodecError.
 */
import { describe, expect, it } from 'vitest';
import { CodecError, type NativeFrame } from '../../src/codecs/codec.js';
import { nativeFrameLength } from '../../src/codecs/pixel-description.js';
import { canDecode, codecFor } from '../../src/codecs/registry.js';
import {
  DeflatedImageFrameCompression,
  getTransferSyntax,
  HTJ2K,
  HTJ2KLossless,
  HTJ2KLosslessRPCL,
  JPEG2000,
  JPEG2000Lossless,
  JPEGBaseline8Bit,
  JPEGExtended12Bit,
  JPEGLossless,
  JPEGLosslessSV1,
  JPEGLSLossless,
  JPEGLSNearLossless,
  RLELossless,
} from '../../src/dicom/transfer-syntax.js';
import { errorStats } from './pixel-error.js';
import { isMd5, manifestForm, MANIFEST, md5, readReferenceFrames, referenceFile, type ReferenceFile } from './reference.js';

/** Files with pixel data that yield no frames to decode: a reader matter, not a codec one. */
const NO_FRAMES: Record<string, string> = {
  'files/fo-dicom/GH1146.dcm': 'its Pixel Data value is empty',
  'files/pydicom/image_dfl.dcm': 'a deflated data set: its frames have no file offsets, so the frame reader does not serve them',
  'files/orthanc-tests/2026-05-26-oob-monochrome-65535.dcm': 'malformed: Pixel Data is far shorter than Rows x Columns (the reader refuses it)',
  'files/pydicom/MR_truncated.dcm': 'malformed: Pixel Data runs past the end of the file (the reader refuses it)',
  'files/pydicom/meta_missing_tsyntax.dcm': 'malformed: its File Meta Information has no Transfer Syntax UID (the reader refuses it)',
};

/** Files whose frames must fail to decode, with CodecError: how many, and saying what. */
const FAILING_FRAMES: Record<string, { count: number; message: RegExp; why: string }> = {
  'files/pydicom/JPEG2000-embedded-sequence-delimiter.dcm': {
    count: 1,
    message: /^JPEG 2000 decode failed: \[ERROR\]/,
    why: 'malformed: the fragment holds sequence delimiter bytes, so the frame ends there, 250 bytes into its codestream',
  },
  'files/fo-dicom/multiframe.dcm': {
    count: 23,
    message: /^a decoded 1\.2\.840\.10008\.1\.2\.4\.50 frame has \d+ bytes; 240x240x3 RGB samples of 8 bits need 172800$/,
    why: '23 of its 140 JPEG frames are smaller than Rows x Columns',
  },
};

/** Where the manifest's checksum cannot judge a decode: the file holding the same pixels, decoded by atrium. */
const SAME_PIXELS_AS: Record<string, { file: string; why: string }> = {
  'files/dicomParser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm': {
    file: 'files/dicomParser/multi-frame/CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm',
    why: 'its frames are byte for byte those of the unfragmented file; the manifest gives it the checksum of the .81 file',
  },
  'files/DICOMHTJ2K/RG3_JPH.dcm': { file: 'files/pydicom-data/RG3_J2KR.dcm', why: 'the same WG04 image in lossless JPEG 2000' },
  'files/pydicom/badVR.dcm': { file: 'files/pydicom/rtdose_1frame.dcm', why: "that image with a malformed Number of Frames ('1A', read as 1)" },
  'files/pydicom-data/liver_deflate.dcm': { file: 'files/pydicom-data/liver_expb.dcm', why: 'the same segmentation, native big endian' },
  'files/pydicom-data/liver_nonbyte_aligned_j2k.dcm': {
    file: 'files/pydicom-data/liver_nonbyte_aligned_rle.dcm',
    why: 'the same 1-bit frames in RLE: OpenJPEG and our RLE decoder must agree (the manifest has neither)',
  },
};

/**
 * Checksums the manifest's (pydicom + GDCM) cannot give. 966.dcm ends its
 * codestream with a COM segment after the last tile-part; GDCM's decode of it
 * differs from what two OpenJPEG builds (this one and dcmjs-codecs') agree on.
 */
const EXPECTED_MD5: Record<string, string> = {
  'files/pylibjpeg-data/JPEG2000Lossless/966.dcm': '43e29bc564826659d539d55d6fa216fa',
};

/** Files with pixels and no reference of any kind: they must decode to the described size. */
const UNREFERENCED: Record<string, string> = {
  'files/DICOMHTJ2K/VL1_JPH.dcm': 'HTJ2K; no other encoding of VL1 in the test data',
  'files/DICOMHTJ2K/VL6_JPH.dcm': 'HTJ2K; no other encoding of VL6 in the test data',
  'files/pydicom-data/HTJ2KLossless_08_RGB.dcm': 'HTJ2K; no other encoding in the test data',
  'files/pydicom-data/liver_nonbyte_aligned_rle.dcm': 'compared with its JPEG 2000 twin instead',
  'files/fo-dicom/CR-MONO1-10-chest.dcm': 'no meta header, so pydicom gave no checksum',
  'files/pydicom-data/OT-PAL-8-face.dcm': 'no meta header, so pydicom gave no checksum',
  'files/orthanc-tests/MultiframeWindowing.dcm': 'no Pixel Representation, so pydicom gave no checksum',
  'files/pydicom-data/parametric_map_float.dcm': 'Float Pixel Data: the manifest has no checksum',
  'files/pydicom-data/parametric_map_double_float.dcm': 'Double Float Pixel Data: the manifest has no checksum',
};

/** Lossy files beside a lossless original of the same image, and how close their decode must come. */
const LOSSY_NEIGHBOURS: ReadonlyArray<{ lossy: string; original: string; maxError?: number; minPsnr?: number; why: string }> = [
  { lossy: 'files/pydicom/SC_rgb_dcmtk_+eb+cy+n1.dcm', original: 'files/pydicom-data/SC_rgb_dcmtk_ebcyn1_dcmd.dcm', maxError: 0, why: 'DCMTK decompressed this very stream to RGB' },
  { lossy: 'files/pylibjpeg-data/JPEGLS/CT1_JLSN.dcm', original: 'files/dicomParser/CT1_UNC.implicit_little_endian.dcm', maxError: 4, why: 'JPEG-LS NEAR = 4' },
  { lossy: 'files/pydicom-data/JLSN_RGB_ILV0.dcm', original: 'files/pydicom-data/JLSL_RGB_ILV0.dcm', maxError: 3, why: 'JPEG-LS NEAR = 3' },
  {
    lossy: 'files/dicomParser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.81.dcm',
    original: 'files/dicomParser/multi-frame/CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm',
    maxError: 2,
    why: 'JPEG-LS NEAR = 2',
  },
  { lossy: 'files/fo-dicom/GH538-jpeg1.dcm', original: 'files/fo-dicom/GH538-jpeg14sv1.dcm', minPsnr: 40, why: 'baseline JPEG of YBR_FULL, converted to RGB' },
  { lossy: 'files/pydicom-data/MR2_J2KI.dcm', original: 'files/pydicom-data/MR2_UNCR.dcm', minPsnr: 50, why: 'irreversible JPEG 2000' },
  { lossy: 'files/pydicom-data/RG3_J2KI.dcm', original: 'files/pydicom-data/RG3_J2KR.dcm', minPsnr: 50, why: 'irreversible JPEG 2000' },
];

const HTJ2K_SYNTAXES = new Set([HTJ2KLossless, HTJ2KLosslessRPCL, HTJ2K]);
const isLossless = (row: ReferenceFile) => getTransferSyntax(row.transferSyntaxUid)?.lossy === false;

interface Decoded {
  readonly frames: NativeFrame[];
  readonly failures: unknown[];
}

async function decodeFile(file: string): Promise<Decoded | undefined> {
  const read = await readReferenceFrames(file).catch(() => undefined);
  if (!read) return undefined;
  const codec = codecFor(read.transferSyntaxUid)!;
  const frames: NativeFrame[] = [];
  const failures: unknown[] = [];
  for (const frame of read.frames) {
    try {
      frames.push(await codec.decode(frame, read.description));
    } catch (e) {
      failures.push(e);
    }
  }
  return { frames, failures };
}

/** MD5 of a decode in the manifest's form (see manifestForm). */
function manifestMd5(file: string, frames: readonly NativeFrame[]): string {
  const bigEndian = referenceFile(file).tags.includes('big-endian');
  return md5(frames.map((frame) => manifestForm(frame, bigEndian)));
}

async function decodedMd5(file: string): Promise<string> {
  const decoded = await decodeFile(file);
  expect(decoded?.failures).toEqual([]);
  return manifestMd5(file, decoded!.frames);
}

/** What a decode of `row` must hash to, or undefined when nothing can say. */
async function expectedMd5(row: ReferenceFile): Promise<string | undefined> {
  if (EXPECTED_MD5[row.file]) return EXPECTED_MD5[row.file];
  const same = SAME_PIXELS_AS[row.file];
  if (same) return decodedMd5(same.file);
  if (!isLossless(row)) return undefined;
  if (isMd5(row.pixelMd5)) return row.pixelMd5;
  // The manifest's stack could not decode HTJ2K; the same image in another file can judge (its README says so).
  if (!HTJ2K_SYNTAXES.has(row.transferSyntaxUid)) return undefined;
  return row.sameSopUidAs.map(referenceFile).find((r) => isMd5(r.pixelMd5) && isLossless(r))?.pixelMd5;
}

const withPixels = MANIFEST.filter((row) => canDecode(row.transferSyntaxUid) && !row.tags.includes('no-pixels'));

describe('decoding every public test file', () => {
  it('covers the supported syntaxes of the test data', () => {
    const syntaxes = new Set(withPixels.map((row) => row.transferSyntaxUid));
    const covered = [RLELossless, DeflatedImageFrameCompression, JPEGBaseline8Bit, JPEGExtended12Bit, JPEGLossless, JPEGLosslessSV1,
      JPEGLSLossless, JPEGLSNearLossless, JPEG2000Lossless, JPEG2000, HTJ2KLossless, HTJ2KLosslessRPCL];
    for (const uid of covered) expect(syntaxes).toContain(uid);
  });

  for (const row of withPixels) {
    it(`${row.file} (${row.expect}, ${row.transferSyntaxUid})`, async () => {
      const decoded = await decodeFile(row.file);
      if (NO_FRAMES[row.file]) {
        expect(decoded?.frames ?? []).toEqual([]);
        return;
      }
      expect(decoded, 'the file yields frames').toBeDefined();
      const failing = FAILING_FRAMES[row.file];
      expect(decoded!.failures).toHaveLength(failing?.count ?? 0);
      for (const failure of decoded!.failures) {
        expect(failure).toBeInstanceOf(CodecError);
        expect((failure as CodecError).message).toMatch(failing!.message);
      }
      if (failing) return;

      expect(decoded!.frames.length).toBeGreaterThan(0);
      for (const frame of decoded!.frames) expect(frame.data.length).toBe(nativeFrameLength(frame.description));
      const expected = await expectedMd5(row);
      if (UNREFERENCED[row.file]) expect(expected).toBeUndefined();
      if (expected) expect(manifestMd5(row.file, decoded!.frames)).toBe(expected);
      else if (isLossless(row)) expect(UNREFERENCED, 'a lossless file without a reference must be listed').toHaveProperty([row.file]);
    });
  }
});

describe('lossy decodes stay close to a lossless original', () => {
  for (const pair of LOSSY_NEIGHBOURS) {
    it(`${pair.lossy} (${pair.why})`, async () => {
      const [lossy, original] = [await decodeFile(pair.lossy), await decodeFile(pair.original)];
      expect(lossy!.failures).toEqual([]);
      expect(original!.failures).toEqual([]);
      expect(lossy!.frames.map((f) => f.description.photometricInterpretation)).toEqual(original!.frames.map((f) => f.description.photometricInterpretation));
      const { maxError, psnr } = errorStats(lossy!.frames, original!.frames);
      if (pair.maxError !== undefined) expect(maxError).toBeLessThanOrEqual(pair.maxError);
      if (pair.minPsnr !== undefined) expect(psnr).toBeGreaterThanOrEqual(pair.minPsnr);
    });
  }
});
