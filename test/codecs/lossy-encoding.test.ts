/**
 * Lossy encoders (used only when a client asks for their syntax): output
 * decodes to the original size, compresses, stays within a bounded error,
 * and records what PS3.3 C.7.6.1.1.5 and PS3.5 8.2 ask for.
 */
import { describe, expect, it } from 'vitest';
import type { NativeFrame } from '../../src/codecs/codec.js';
import { canEncode, codecFor } from '../../src/codecs/registry.js';
import { HTJ2K, JPEG2000, JPEGBaseline8Bit, JPEGLSNearLossless } from '../../src/dicom/transfer-syntax.js';
import { errorStats } from './pixel-error.js';
import { readNativeFrames } from './reference.js';

const FILES = {
  grey8: 'files/orthanc-tests/KarstenHilbertRF.dcm',
  signed16: 'files/DICOMHTJ2K/CT2_UNC.dcm',
  multiFrame12: 'files/pydicom-data/emri_small.dcm',
  rgbByPlane: 'files/dcm4che/US-RGB-8-epicard.dcm',
} as const;
type Sample = keyof typeof FILES;

interface LossyExpectation {
  readonly method: string;
  /** The photometric interpretation recorded for RGB input. */
  readonly rgbAs: string;
  readonly bound: { maxError: number } | { minPsnr: number };
  readonly refused: readonly Sample[];
}

const LOSSY: Record<string, LossyExpectation> = {
  [JPEG2000]: { method: 'ISO_15444_1', rgbAs: 'YBR_ICT', bound: { minPsnr: 45 }, refused: [] },
  [HTJ2K]: { method: 'ISO_15444_15', rgbAs: 'YBR_ICT', bound: { minPsnr: 45 }, refused: [] },
  // NEAR = 2: no sample is off by more.
  [JPEGLSNearLossless]: { method: 'ISO_14495_1', rgbAs: 'RGB', bound: { maxError: 2 }, refused: [] },
  [JPEGBaseline8Bit]: { method: 'ISO_10918_1', rgbAs: 'YBR_FULL_422', bound: { minPsnr: 33 }, refused: ['signed16', 'multiFrame12'] },
};

describe('lossy encoders', () => {
  for (const [uid, expected] of Object.entries(LOSSY)) {
    describe(uid, () => {
      it(`is marked lossy with method ${expected.method}`, () => {
        expect(codecFor(uid)).toMatchObject({ lossy: true, lossyMethod: { method: expected.method } });
      });

      it('refuses palette indices', async () => {
        const [palette] = await readNativeFrames('files/pydicom-data/OBXXXX1A_2frame.dcm');
        expect(codecFor(uid)!.cannotEncode!(palette!.description)).toMatch(/palette/);
      });

      for (const [sample, file] of Object.entries(FILES) as Array<[Sample, string]>) {
        if (expected.refused.includes(sample)) {
          it(`refuses ${sample}`, async () => {
            const [frame] = await readNativeFrames(file);
            expect(canEncode(uid, frame!.description)).toBe(false);
          });
          continue;
        }
        it(`${sample}: compresses within the error bound`, async () => {
          const codec = codecFor(uid)!;
          const originals = await readNativeFrames(file);
          const decoded: NativeFrame[] = [];
          let encodedBytes = 0;
          for (const frame of originals) {
            const encoded = await codec.encode!(frame);
            encodedBytes += encoded.data.length;
            const { photometricInterpretation } = frame.description;
            expect(encoded.description.photometricInterpretation).toBe(photometricInterpretation === 'RGB' ? expected.rgbAs : photometricInterpretation);
            expect(encoded.description.planarConfiguration).toBe(0);
            decoded.push(await codec.decode(encoded.data, encoded.description));
          }
          expect(decoded.map((f) => f.description.photometricInterpretation)).toEqual(originals.map((f) => f.description.photometricInterpretation));
          expect(encodedBytes).toBeLessThan(originals.reduce((sum, f) => sum + f.data.length, 0) / 2);
          const { maxError, psnr } = errorStats(decoded, originals);
          if ('maxError' in expected.bound) expect(maxError).toBeLessThanOrEqual(expected.bound.maxError);
          else expect(psnr).toBeGreaterThanOrEqual(expected.bound.minPsnr);
        });
      }
    });
  }
});
