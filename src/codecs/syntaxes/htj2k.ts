/**
 * High-Throughput JPEG 2000 (PS3.5 A.4.x, 10.18): .201 lossless, .202 lossless
 * with RPCL options, .203 lossy when we encode.
 */
import { HTJ2K, HTJ2KLossless, HTJ2KLosslessRPCL } from '../../dicom/transfer-syntax.js';
import { CodecError, type EncodedFrame, type FrameCodec, type NativeFrame } from '../codec.js';
import { readJ2kHeader } from '../j2k-codestream.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeHtj2k, encodeHtj2k, RPCL, type Htj2kEncoding } from '../wasm/openjph.js';
import { nativeFromDecoded } from './decoded-samples.js';
import { encodeRefusal } from './encodable.js';
import { encoderInput } from './encoder-input.js';
import { j2kDecodedDescription, valuesAsDescribed, waveletLevels } from './jpeg2000.js';

/**
 * .203 output: OpenJPH's quantization step is relative to the nominal range
 * (2^Bits Stored); a step of two sample values keeps errors to a few values at any depth.
 */
const quantizationStep = (d: PixelDescription) => 2 / 2 ** d.bitsStored;
const LRCP = 0;

async function decode(frame: Uint8Array, d: PixelDescription): Promise<NativeFrame> {
  const header = readJ2kHeader(frame);
  if (header?.signed && header.precision <= 8) throw new CodecError('signed HTJ2K samples of 8 bits or fewer are not supported');
  const image = await decodeHtj2k(frame);
  return nativeFromDecoded(image.data, Math.ceil(image.info.bitsPerSample / 8), 0, j2kDecodedDescription(d), valuesAsDescribed(image.info, d));
}

/** PS3.5 10.18: RPCL needs enough decompositions for a base resolution of at most 64, and TLM markers. */
function rpclLevels(d: PixelDescription): number {
  return Math.max(0, Math.ceil(Math.log2(Math.max(d.rows, d.columns) / 64)));
}

function encoding(uid: string, d: PixelDescription): Htj2kEncoding {
  if (uid === HTJ2KLosslessRPCL) {
    return { decompositions: Math.max(rpclLevels(d), waveletLevels(d)), progressionOrder: RPCL, resolutionTileParts: true };
  }
  const base = { decompositions: waveletLevels(d), progressionOrder: LRCP, resolutionTileParts: false };
  return uid === HTJ2K ? { ...base, quantizationStep: quantizationStep(d) } : base;
}

function codec(transferSyntaxUid: string): FrameCodec {
  const lossy = transferSyntaxUid === HTJ2K;
  return {
    transferSyntaxUid,
    lossy,
    ...(lossy ? { lossyMethod: { method: 'ISO_15444_15' } } : {}),
    decode,
    decodedDescription: j2kDecodedDescription,
    cannotEncode: (d) =>
      encodeRefusal(d, {
        bitsAllocated: [1, 8, 16],
        maxBitsStored: 16,
        // RGB goes through the colour transform; YBR_FULL is kept as it is (PS3.5 8.2.4 allows both).
        colour: ['RGB', 'YBR_FULL'],
        // This build reads only the first component of samples wider than 8 bits.
        colourBitsAllocated: [8],
        signed8Bit: false,
        lossy,
      }),
    async encode(frame: NativeFrame): Promise<EncodedFrame> {
      const d = frame.description;
      const transform = d.samplesPerPixel === 3 && d.photometricInterpretation === 'RGB';
      const info = {
        width: d.columns,
        height: d.rows,
        bitsPerSample: d.bitsStored,
        componentCount: d.samplesPerPixel,
        isSigned: d.pixelRepresentation === 1,
        isUsingColorTransform: transform,
      };
      const data = await encodeHtj2k(encoderInput(frame, 'values'), info, encoding(transferSyntaxUid, d));
      const photometricInterpretation = transform ? (lossy ? 'YBR_ICT' : 'YBR_RCT') : d.photometricInterpretation;
      return { data, description: { ...d, photometricInterpretation, planarConfiguration: 0 } };
    },
  };
}

export const htj2kCodecs: readonly FrameCodec[] = [codec(HTJ2KLossless), codec(HTJ2KLosslessRPCL), codec(HTJ2K)];
