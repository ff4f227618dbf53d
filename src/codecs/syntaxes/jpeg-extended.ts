/** JPEG Extended, Process 2 & 4 (PS3.5 8.2.1, A.4.1): 8 or 12-bit DCT, lossy; decode only. */
import { JPEGExtended12Bit } from '../../dicom/transfer-syntax.js';
import type { FrameCodec } from '../codec.js';
import { dctDecodedDescription, decodeDct } from './jpeg-baseline.js';

export const jpegExtendedCodec: FrameCodec = {
  transferSyntaxUid: JPEGExtended12Bit,
  lossy: true,
  lossyMethod: { method: 'ISO_10918_1' },
  decode: decodeDct,
  decodedDescription: dctDecodedDescription,
};
