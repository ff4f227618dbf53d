/**
 * JPEG 2000 (PS3.5 8.2.4, A.4.4): .90 lossless, .91 lossy when we encode, and
 * the Part 2 multi-component syntaxes .92/.93, decode only.
 */
import { JPEG2000, JPEG2000Lossless, JPEG2000MC, JPEG2000MCLossless } from '../../dicom/transfer-syntax.js';
import { CodecError, type EncodedFrame, type FrameCodec, type NativeFrame } from '../codec.js';
import { readJ2kHeader, trimAfterLastTilePart } from '../j2k-codestream.js';
import type { PixelDescription } from '../pixel-description.js';
import { decodeJ2k, encodeJ2k } from '../wasm/openjpeg.js';
import { decodedAs } from './compressed-description.js';
import { nativeFromDecoded } from './decoded-samples.js';
import { encodeRefusal } from './encodable.js';
import { encoderInput } from './encoder-input.js';

/** .91 output: 10:1 keeps CT and MR diagnostic-looking while a tenth of the size. */
const LOSSY_COMPRESSION_RATIO = 10;

/**
 * Wavelet levels: five as usual, fewer for small images (a level needs at
 * least one sample per resolution; OpenJPEG refuses more).
 */
export function waveletLevels(d: PixelDescription): number {
  return Math.min(5, Math.floor(Math.log2(Math.min(d.rows, d.columns))));
}

/**
 * The decoded photometric interpretation: the codestream's multiple component
 * transform is undone by the decoder, so YBR_RCT and YBR_ICT come back as RGB (PS3.5 8.2.4).
 */
export function j2kDecodedDescription(d: PixelDescription): PixelDescription {
  const p = d.photometricInterpretation;
  return decodedAs(d, p === 'YBR_RCT' || p === 'YBR_ICT' ? 'RGB' : p);
}

/**
 * Whether OpenJPEG's and OpenJPH's samples are already the values `d` describes:
 * no wider than Bits Stored and of the same signedness (decoders sign-extend).
 */
export function valuesAsDescribed(info: { bitsPerSample: number; isSigned: boolean }, d: PixelDescription): boolean {
  return info.bitsPerSample <= d.bitsStored && info.isSigned === (d.pixelRepresentation === 1);
}

async function decode(frame: Uint8Array, d: PixelDescription): Promise<NativeFrame> {
  const header = readJ2kHeader(frame);
  // Cases this OpenJPEG build gets silently wrong (it clamps negative 8-bit samples to 0 and leaves wide colour samples unwritten).
  if (header?.signed && header.precision <= 8) throw new CodecError('signed JPEG 2000 samples of 8 bits or fewer are not supported');
  if (header && header.components > 1 && header.precision > 8) throw new CodecError('JPEG 2000 colour of more than 8 bits is not supported');
  const image = await decodeJ2k(trimAfterLastTilePart(frame));
  return nativeFromDecoded(image.data, Math.ceil(image.info.bitsPerSample / 8), 0, j2kDecodedDescription(d), valuesAsDescribed(image.info, d));
}

async function encode(frame: NativeFrame, lossy: boolean): Promise<EncodedFrame> {
  const d = frame.description;
  const info = { width: d.columns, height: d.rows, bitsPerSample: d.bitsStored, componentCount: d.samplesPerPixel, isSigned: d.pixelRepresentation === 1 };
  const decompositions = waveletLevels(d);
  const encoding = lossy ? { lossless: false as const, compressionRatio: LOSSY_COMPRESSION_RATIO, decompositions } : { lossless: true as const, decompositions };
  const data = await encodeJ2k(encoderInput(frame, 'values'), info, encoding);
  // PS3.5 8.2.4: the colour transform turns RGB into YBR_RCT (reversible) or YBR_ICT.
  const photometricInterpretation = d.samplesPerPixel === 3 ? (lossy ? 'YBR_ICT' : 'YBR_RCT') : d.photometricInterpretation;
  return { data, description: { ...d, photometricInterpretation, planarConfiguration: 0 } };
}

function encoder(transferSyntaxUid: string, lossy: boolean): FrameCodec {
  return {
    ...decoder(transferSyntaxUid),
    ...(lossy ? { lossyMethod: { method: 'ISO_15444_1' } } : {}),
    cannotEncode: (d) =>
      encodeRefusal(d, {
        bitsAllocated: [1, 8, 16],
        maxBitsStored: 16,
        // This build applies the colour transform to every three-component image, which PS3.5 8.2.4 allows for RGB only.
        colour: ['RGB'],
        colourBitsAllocated: [8],
        signed8Bit: false,
        lossy,
      }),
    encode: (frame) => encode(frame, lossy),
  };
}

function decoder(transferSyntaxUid: string): FrameCodec {
  // .91 and .93 may hold lossy data, and .91 output is lossy.
  return { transferSyntaxUid, lossy: transferSyntaxUid === JPEG2000 || transferSyntaxUid === JPEG2000MC, decode, decodedDescription: j2kDecodedDescription };
}

export const jpeg2000Codecs: readonly FrameCodec[] = [
  encoder(JPEG2000Lossless, false),
  encoder(JPEG2000, true),
  decoder(JPEG2000MCLossless),
  decoder(JPEG2000MC),
];
