/** JPEG Baseline, Process 1 (PS3.5 8.2.1, A.4.1): 8-bit DCT, lossy. */
import { JPEGBaseline8Bit } from '../../dicom/transfer-syntax.js';
import type { EncodedFrame, FrameCodec, NativeFrame } from '../codec.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeJpeg } from '../wasm/dcmjs-codecs.js';
import { encodeJpegBaseline } from '../wasm/libjpeg-turbo.js';
import { decodedAs } from './compressed-description.js';
import { nativeFromDecoded } from './decoded-samples.js';
import { encodeRefusal } from './encodable.js';
import { encoderInput } from './encoder-input.js';

const QUALITY = 90;

/**
 * JPEG DCT processes store colour as YCbCr unless the Photometric
 * Interpretation says RGB (PS3.5 8.2.1): YBR_* frames are converted to RGB
 * by the decoder, RGB ones taken as they are, whatever markers the stream
 * has (some RGB streams carry none and would otherwise be converted).
 */
export function dctDecodedDescription(d: PixelDescription): PixelDescription {
  return decodedAs(d, d.photometricInterpretation.startsWith('YBR_') ? 'RGB' : d.photometricInterpretation);
}

/** Decodes a JPEG DCT process frame (baseline 8-bit or extended 12-bit). */
export async function decodeDct(frame: Uint8Array, d: PixelDescription): Promise<NativeFrame> {
  const decoded = dctDecodedDescription(d);
  const samples = await decodeJpeg(frame, d, decoded.photometricInterpretation !== d.photometricInterpretation);
  return nativeFromDecoded(samples, Math.ceil(d.bitsAllocated / 8), 0, decoded);
}

export const jpegBaselineCodec: FrameCodec = {
  transferSyntaxUid: JPEGBaseline8Bit,
  lossy: true,
  lossyMethod: { method: 'ISO_10918_1' },
  decode: decodeDct,
  decodedDescription: dctDecodedDescription,
  cannotEncode: (d) =>
    encodeRefusal(d, {
      bitsAllocated: [8],
      maxBitsStored: 8,
      // The encoder converts RGB to YCbCr itself; other colour would be converted twice.
      colour: ['RGB'],
      colourBitsAllocated: [8],
      signed8Bit: false,
      lossy: true,
    }),
  async encode(frame: NativeFrame): Promise<EncodedFrame> {
    const d = frame.description;
    const colour = d.samplesPerPixel === 3;
    const info = { width: d.columns, height: d.rows, bitsPerSample: 8 as const, componentCount: d.samplesPerPixel, isSigned: false };
    // Colour becomes 4:2:2 YCbCr, the form of colour baseline JPEG viewers expect (PS3.5 8.2.1: YBR_FULL_422).
    const data = await encodeJpegBaseline(encoderInput(frame, 'bit-patterns'), info, QUALITY);
    const photometricInterpretation = colour ? 'YBR_FULL_422' : d.photometricInterpretation;
    return { data, description: { ...d, photometricInterpretation, planarConfiguration: 0 } };
  },
};
