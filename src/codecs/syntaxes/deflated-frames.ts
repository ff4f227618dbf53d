/**
 * Deflated Image Frame Compression (PS3.5 A.4.12 / 8.2.15): each frame is its
 * native bytes compressed with Deflate (RFC 1951), no zlib wrapper.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { DeflatedImageFrameCompression } from '../../dicom/transfer-syntax.js';
import { CodecError, type FrameCodec } from '../codec.js';
import { nativeFrameLength } from '../pixel-description.js';

export const deflatedFramesCodec: FrameCodec = {
  transferSyntaxUid: DeflatedImageFrameCompression,
  lossy: false,
  decode(frame, description) {
    const expected = nativeFrameLength(description);
    let data: Buffer;
    try {
      // One byte more than needed shows an over-long frame without inflating all of it.
      data = inflateRawSync(frame, { maxOutputLength: expected + 1 });
    } catch (e) {
      throw new CodecError(`the deflated frame does not inflate to ${expected} bytes: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), description };
  },
  decodedDescription: (d) => d,
  cannotEncode: () => undefined,
  encode: (frame) => ({ data: deflateRawSync(frame.data), description: frame.description }),
};
