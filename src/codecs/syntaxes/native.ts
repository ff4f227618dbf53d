/**
 * Native (uncompressed) syntaxes: frames reach the codecs little endian
 * whatever the stored byte order (src/storage/frame-reader.ts swaps big
 * endian data), so decoding and encoding are the identity.
 */
import {
  DeflatedExplicitVRLittleEndian,
  EncapsulatedUncompressedExplicitVRLittleEndian,
  ExplicitVRBigEndian,
  ExplicitVRLittleEndian,
  ImplicitVRLittleEndian,
} from '../../dicom/transfer-syntax.js';
import type { FrameCodec, NativeFrame } from '../codec.js';
import { nativeFrameLength } from '../pixel-description.js';

function identity(transferSyntaxUid: string): FrameCodec {
  return {
    transferSyntaxUid,
    lossy: false,
    decode: (data, description) => ({ data, description }),
    decodedDescription: (d) => d,
    cannotEncode: () => undefined,
    encode: (frame: NativeFrame) => frame,
  };
}

/**
 * PS3.5 A.4.11: each frame is one fragment of native bytes, padded to an even
 * length; the pad byte is dropped on decoding.
 */
const encapsulatedUncompressed: FrameCodec = {
  ...identity(EncapsulatedUncompressedExplicitVRLittleEndian),
  decode: (data, description) => ({ data: data.subarray(0, Math.min(data.length, nativeFrameLength(description))), description }),
};

export const nativeCodecs: readonly FrameCodec[] = [
  identity(ImplicitVRLittleEndian),
  identity(ExplicitVRLittleEndian),
  identity(ExplicitVRBigEndian),
  identity(DeflatedExplicitVRLittleEndian),
  encapsulatedUncompressed,
];
