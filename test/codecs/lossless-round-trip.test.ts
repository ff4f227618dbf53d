/**
 * Every lossless encoder, on representative frames: encoding then decoding
 * gives back the same samples (PS3.5 8.2: lossless means bit-exact). Frames
 * an encoder cannot take are listed, and must be refused with a reason.
 */
import { describe, expect, it } from 'vitest';
import type { NativeFrame } from '../../src/codecs/codec.js';
import { canEncode, codecFor } from '../../src/codecs/registry.js';
import { withPlanarConfiguration } from '../../src/codecs/sample-layout.js';
import { signExtended } from '../../src/codecs/stored-bits.js';
import {
  DeflatedImageFrameCompression,
  ExplicitVRLittleEndian,
  HTJ2KLossless,
  HTJ2KLosslessRPCL,
  JPEG2000Lossless,
  JPEGLossless,
  JPEGLosslessSV1,
  JPEGLSLossless,
  RLELossless,
} from '../../src/dicom/transfer-syntax.js';
import { readNativeFrames } from './reference.js';

const FILES = {
  grey8: 'files/orthanc-tests/KarstenHilbertRF.dcm',
  grey7of8: 'files/pydicom-data/JLSL_08_07_0_1F.dcm',
  signed16: 'files/DICOMHTJ2K/CT2_UNC.dcm',
  signed12: 'files/pydicom-data/mlut_18.dcm',
  multiFrame12: 'files/pydicom-data/emri_small.dcm',
  rgbByPixel: 'files/pydicom-data/US1_UNCR.dcm',
  rgbByPlane: 'files/dcm4che/US-RGB-8-epicard.dcm',
  ybrFull: 'files/orthanc-tests/Issue19.dcm',
  rgb16: 'files/pydicom-data/SC_rgb_16bit_2frame.dcm',
  palette: 'files/pydicom-data/OBXXXX1A_2frame.dcm',
  dose32: 'files/pydicom/rtdose.dcm',
  bits1: 'files/pydicom/liver_1frame.dcm',
} as const;
type Sample = keyof typeof FILES;

/** Encoders that keep bytes as they are; the others keep sample values (High Bit and above normalised). */
const BYTE_EXACT = new Set<string>([RLELossless, DeflatedImageFrameCompression, ExplicitVRLittleEndian]);

/** What each lossless encoder refuses, from the limits of its library. */
const REFUSED: Record<string, readonly Sample[]> = {
  [RLELossless]: [],
  [DeflatedImageFrameCompression]: [],
  [ExplicitVRLittleEndian]: [],
  [JPEGLossless]: ['rgb16', 'dose32', 'bits1'],
  [JPEGLosslessSV1]: ['rgb16', 'dose32', 'bits1'],
  [JPEGLSLossless]: ['dose32', 'bits1'],
  // OpenJPEG's build applies its colour transform to any three components: RGB only (PS3.5 8.2.4).
  [JPEG2000Lossless]: ['ybrFull', 'rgb16', 'dose32'],
  [HTJ2KLossless]: ['rgb16', 'dose32'],
  [HTJ2KLosslessRPCL]: ['rgb16', 'dose32'],
};

/** The photometric interpretation an encoder records for RGB input. */
const RGB_RECORDED_AS: Record<string, string> = {
  [JPEG2000Lossless]: 'YBR_RCT',
  [HTJ2KLossless]: 'YBR_RCT',
  [HTJ2KLosslessRPCL]: 'YBR_RCT',
};

/** Samples colour-by-pixel, so frames of either planar configuration compare. */
function byPixel(frame: NativeFrame, values: boolean): Uint8Array {
  const d = frame.description;
  const data = withPlanarConfiguration(frame.data, d, d.planarConfiguration, 0);
  return values ? signExtended(data, d) : data;
}

describe('lossless encoders round-trip bit-exact', () => {
  for (const [uid, refused] of Object.entries(REFUSED)) {
    describe(uid, () => {
      for (const [sample, file] of Object.entries(FILES) as Array<[Sample, string]>) {
        if (refused.includes(sample)) {
          it(`refuses ${sample} with a reason`, async () => {
            const [frame] = await readNativeFrames(file);
            expect(codecFor(uid)!.cannotEncode!(frame!.description)).toMatch(/\w/);
            expect(canEncode(uid, frame!.description)).toBe(false);
          });
          continue;
        }
        it(`${sample} (${file})`, async () => {
          const codec = codecFor(uid)!;
          for (const frame of await readNativeFrames(file)) {
            const encoded = await codec.encode!(frame);
            const decoded = await codec.decode(encoded.data, encoded.description);
            const values = !BYTE_EXACT.has(uid);
            expect(Buffer.from(byPixel(decoded, values)).equals(byPixel(frame, values))).toBe(true);
            expect(decoded.description.photometricInterpretation).toBe(frame.description.photometricInterpretation);
            const { photometricInterpretation } = frame.description;
            expect(encoded.description.photometricInterpretation).toBe(photometricInterpretation === 'RGB' ? (RGB_RECORDED_AS[uid] ?? 'RGB') : photometricInterpretation);
          }
        });
      }
    });
  }
});
