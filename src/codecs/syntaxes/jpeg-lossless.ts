/** JPEG Lossless, Process 14 (PS3.5 8.2.1, A.4.1): .57 any predictor, .70 first-order prediction. */
import { JPEGLossless, JPEGLosslessSV1 } from '../../dicom/transfer-syntax.js';
import type { EncodedFrame, FrameCodec, NativeFrame } from '../codec.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeJpeg, encodeJpegLossless } from '../wasm/dcmjs-codecs.js';
import { decodedAs } from './compressed-description.js';
import { nativeFromDecoded } from './decoded-samples.js';
import { encodeRefusal } from './encodable.js';
import { encoderInput } from './encoder-input.js';

async function decode(frame: Uint8Array, d: PixelDescription): Promise<NativeFrame> {
  // Lossless JPEG has no colour transform: components come back as stored.
  const samples = await decodeJpeg(frame, d, false);
  return nativeFromDecoded(samples, Math.ceil(d.bitsAllocated / 8), 0, decodedAs(d));
}

function codec(transferSyntaxUid: string): FrameCodec {
  return {
    transferSyntaxUid,
    lossy: false,
    decode,
    decodedDescription: (d) => decodedAs(d),
    cannotEncode: (d) =>
      encodeRefusal(d, {
        bitsAllocated: [8, 16],
        maxBitsStored: 16,
        minBitsStored: 2,
        colour: ['RGB', 'YBR_FULL'],
        colourBitsAllocated: [8],
        signed8Bit: true,
        lossy: false,
      }),
    async encode(frame: NativeFrame): Promise<EncodedFrame> {
      // Selection value 1 (first-order prediction) suits both syntaxes.
      const data = await encodeJpegLossless(encoderInput(frame, 'bit-patterns'), frame.description);
      return { data, description: { ...frame.description, planarConfiguration: 0 } };
    },
  };
}

export const jpegLosslessCodecs: readonly FrameCodec[] = [codec(JPEGLossless), codec(JPEGLosslessSV1)];
