import { CodecError, type EncodedFrame } from './codec.js';
import type { PixelDescription } from './pixel-description.js';
import { codecFor, encoderForm } from './registry.js';

/**
 * One frame from transfer syntax `from` to `to`: decoded to native (its size
 * checked), then encoded. The same syntax on both sides returns the frame as it is.
 */
export async function transcodeFrame(data: Uint8Array, from: string, to: string, description: PixelDescription): Promise<EncodedFrame> {
  if (from === to) return { data, description };
  const decoder = codecFor(from);
  if (!decoder) throw new CodecError(`frames in ${from} cannot be decoded`);
  const encoder = codecFor(to);
  if (!encoder?.encode) throw new CodecError(`frames cannot be encoded in ${to}`);
  const native = await decoder.decode(data, description);
  return encoder.encode(encoderForm(encoder, native));
}
