/** What the registry says can be decoded, encoded and transcoded, and that decoders return what it predicts. */
import { describe, expect, it } from 'vitest';
import type { PixelDescription } from '../../src/codecs/pixel-description.js';
import { canDecode, canEncode, canTranscode, codecFor } from '../../src/codecs/registry.js';
import {
  allTransferSyntaxes,
  DeflatedImageFrameCompression,
  ExplicitVRLittleEndian,
  HTJ2K,
  HTJ2KLossless,
  JPEG2000Lossless,
  JPEG2000MC,
  JPEGBaseline8Bit,
  JPEGExtended12Bit,
  JPEGLSLossless,
  JPEGXLLossless,
  MPEG2MPML,
  RLELossless,
} from '../../src/dicom/transfer-syntax.js';
import { readReferenceFrames } from './reference.js';

const grey16: PixelDescription = {
  rows: 4,
  columns: 4,
  samplesPerPixel: 1,
  bitsAllocated: 16,
  bitsStored: 12,
  highBit: 11,
  pixelRepresentation: 0,
  planarConfiguration: 0,
  photometricInterpretation: 'MONOCHROME2',
  numberOfFrames: 1,
};
const ybr422: PixelDescription = { ...grey16, samplesPerPixel: 3, bitsAllocated: 8, bitsStored: 8, highBit: 7, photometricInterpretation: 'YBR_FULL_422' };

describe('the codec registry', () => {
  it('decodes every image syntax but video, JPEG XL and JPIP', () => {
    const undecodable = allTransferSyntaxes()
      .filter((ts) => !canDecode(ts.uid))
      .map((ts) => ts.name);
    for (const name of undecodable) expect(name).toMatch(/MPEG|HEVC|JPEG XL|JPIP|SMPTE|JPEG Extended \(Process 3|Spectral|Full Progression|Hierarchical/);
    expect(canDecode(JPEGXLLossless)).toBe(false);
    expect(canDecode(MPEG2MPML)).toBe(false);
    expect(canDecode('1.2.3.4.private')).toBe(false);
  });

  it('encodes the syntaxes it can produce, not the decode-only ones', () => {
    for (const uid of [ExplicitVRLittleEndian, RLELossless, DeflatedImageFrameCompression, JPEGBaseline8Bit, JPEGLSLossless, JPEG2000Lossless, HTJ2KLossless, HTJ2K]) {
      expect(canEncode(uid), uid).toBe(true);
    }
    for (const uid of [JPEGExtended12Bit, JPEG2000MC, JPEGXLLossless]) expect(canEncode(uid), uid).toBe(false);
  });

  it('weighs the frames: baseline JPEG takes 8-bit samples only', () => {
    expect(canEncode(JPEGBaseline8Bit, grey16)).toBe(false);
    expect(codecFor(JPEGBaseline8Bit)!.cannotEncode!(grey16)).toBe('Bits Allocated 16 is not supported');
    expect(canEncode(JPEGBaseline8Bit, { ...grey16, bitsAllocated: 8, bitsStored: 8, highBit: 7 })).toBe(true);
  });

  it('transcodes a syntax to itself whatever it is', () => {
    expect(canTranscode(MPEG2MPML, MPEG2MPML)).toBe(true);
    expect(canTranscode(MPEG2MPML, ExplicitVRLittleEndian)).toBe(false);
    expect(canTranscode(ExplicitVRLittleEndian, JPEGExtended12Bit)).toBe(false);
  });

  it('judges a transcode by what decoding gives: JPEG 4:2:2 decodes to RGB, which J2K takes', () => {
    expect(canTranscode(JPEGBaseline8Bit, JPEG2000Lossless, ybr422)).toBe(true);
    expect(canTranscode(JPEGBaseline8Bit, JPEGBaseline8Bit, ybr422)).toBe(true);
  });

  it('expands native YBR_FULL_422 for encoders that want three samples, where YBR_FULL suits them', () => {
    expect(canTranscode(ExplicitVRLittleEndian, HTJ2KLossless, ybr422)).toBe(true);
    expect(canTranscode(ExplicitVRLittleEndian, RLELossless, ybr422)).toBe(true);
    // J2K (colour transform always applied) and baseline JPEG take RGB only.
    expect(canTranscode(ExplicitVRLittleEndian, JPEG2000Lossless, ybr422)).toBe(false);
    expect(canTranscode(ExplicitVRLittleEndian, JPEGBaseline8Bit, ybr422)).toBe(false);
  });

  it('reads encapsulated frames described with Bits Allocated 12 as 16-bit words, and says so', async () => {
    const read = (await readReferenceFrames('files/pydicom-data/emri_small_jpeg_2k_lossless.dcm'))!;
    const decoded = await codecFor(read.transferSyntaxUid)!.decode(read.frames[0]!, { ...read.description, bitsAllocated: 12 });
    expect(decoded.description.bitsAllocated).toBe(16);
    expect(decoded.data.length).toBe(64 * 64 * 2);
  });

  it.each([
    ['files/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.50.dcm', 'RGB'],
    ['files/DICOMHTJ2K/US1_JPH.dcm', 'RGB'],
    ['files/pydicom/GDCMJ2K_TextGBR.dcm', 'RGB'],
    ['files/dcm4che/YBR_FULL-RLE.dcm', 'YBR_FULL'],
    ['files/pydicom/SC_jpeg_no_color_transform.dcm', 'RGB'],
  ])('predicts the decoded description of %s', async (file, photometric) => {
    const read = (await readReferenceFrames(file))!;
    const codec = codecFor(read.transferSyntaxUid)!;
    const decoded = await codec.decode(read.frames[0]!, read.description);
    expect(decoded.description).toEqual(codec.decodedDescription(read.description));
    expect(decoded.description.photometricInterpretation).toBe(photometric);
    expect(decoded.description.planarConfiguration).toBe(read.description.planarConfiguration);
  });
});
