/** JPEG-LS (PS3.5 8.2.3, A.4.3): .80 lossless, .81 near-lossless. */
import { JPEGLSLossless, JPEGLSNearLossless } from '../../dicom/transfer-syntax.js';
import type { EncodedFrame, FrameCodec, NativeFrame } from '../codec.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeJpegLs, encodeJpegLs, Interleave } from '../wasm/charls.js';
import { decodedAs } from './compressed-description.js';
import { nativeFromDecoded } from './decoded-samples.js';
import { encodeRefusal } from './encodable.js';
import { encoderInput } from './encoder-input.js';

/** .81 output: the largest error per sample, as DCMTK's default near-lossless setting. */
const NEAR = 2;

async function decode(frame: Uint8Array, d: PixelDescription): Promise<NativeFrame> {
  const image = await decodeJpegLs(frame);
  const layout = image.info.componentCount > 1 && image.interleave === Interleave.None ? 1 : 0;
  return nativeFromDecoded(image.data, Math.ceil(image.info.bitsPerSample / 8), layout, decodedAs(d));
}

function codec(transferSyntaxUid: string, near: number): FrameCodec {
  const lossy = near > 0;
  return {
    transferSyntaxUid,
    lossy,
    ...(lossy ? { lossyMethod: { method: 'ISO_14495_1' } } : {}),
    decode,
    decodedDescription: (d) => decodedAs(d),
    cannotEncode: (d) =>
      encodeRefusal(d, {
        bitsAllocated: [8, 16],
        maxBitsStored: 16,
        minBitsStored: 2,
        // JPEG-LS has no colour transform in DICOM: components are stored as they are.
        colour: ['RGB', 'YBR_FULL'],
        colourBitsAllocated: [8, 16],
        signed8Bit: true,
        lossy,
      }),
    async encode(frame: NativeFrame): Promise<EncodedFrame> {
      const d = frame.description;
      const info = { width: d.columns, height: d.rows, bitsPerSample: d.bitsStored, componentCount: d.samplesPerPixel };
      const data = await encodeJpegLs(encoderInput(frame, 'bit-patterns'), info, near);
      // PS3.5 8.2.3: Planar Configuration 0 for JPEG-LS.
      return { data, description: { ...d, planarConfiguration: 0 } };
    },
  };
}

export const jpegLsCodecs: readonly FrameCodec[] = [codec(JPEGLSLossless, 0), codec(JPEGLSNearLossless, NEAR)];
