/**
 * The checks every codec gets from the registry: a decoded frame has exactly
 * the bytes its description implies, a frame to encode has them too, and
 * whatever a library throws reaches the caller as a CodecError.
 */
import { CodecError, type EncodedFrame, type FrameCodec, type NativeFrame } from './codec.js';
import { nativeFrameLength, type PixelDescription } from './pixel-description.js';

/** Descriptions no codec can lay out: refused before a library sees them. */
function layoutProblem(d: PixelDescription): string | undefined {
  if (!Number.isSafeInteger(d.rows) || !Number.isSafeInteger(d.columns) || d.rows < 1 || d.columns < 1) {
    return `a ${d.rows}x${d.columns} frame has no pixels`;
  }
  if (d.bitsAllocated !== 1 && (d.bitsAllocated < 8 || d.bitsAllocated % 8 !== 0)) return `Bits Allocated ${d.bitsAllocated} is neither 1 nor a multiple of 8`;
  if (d.samplesPerPixel < 1) return `Samples per Pixel ${d.samplesPerPixel}`;
  return undefined;
}

function expectLength(data: Uint8Array, d: PixelDescription, what: string): void {
  const expected = nativeFrameLength(d);
  if (data.length !== expected) {
    throw new CodecError(
      `${what} has ${data.length} bytes; ${d.rows}x${d.columns}x${d.samplesPerPixel} ${d.photometricInterpretation} samples of ${d.bitsAllocated} bits need ${expected}`,
    );
  }
}

async function attempt<T>(uid: string, work: () => T | Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    if (e instanceof CodecError) throw e;
    throw new CodecError(`the ${uid} codec failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

function refuseLayout(d: PixelDescription): void {
  const problem = layoutProblem(d);
  if (problem) throw new CodecError(problem);
}

export function guarded(codec: FrameCodec): FrameCodec {
  const uid = codec.transferSyntaxUid;
  const decode = async (frame: Uint8Array, description: PixelDescription): Promise<NativeFrame> => {
    refuseLayout(codec.decodedDescription(description));
    const native = await attempt(uid, () => codec.decode(frame, description));
    expectLength(native.data, native.description, `a decoded ${uid} frame`);
    return native;
  };
  const { cannotEncode, encode } = codec;
  if (!encode) return { ...codec, decode };
  const refusal = (d: PixelDescription) => layoutProblem(d) ?? cannotEncode?.(d);
  return {
    ...codec,
    decode,
    cannotEncode: refusal,
    async encode(frame: NativeFrame): Promise<EncodedFrame> {
      const reason = refusal(frame.description);
      if (reason) throw new CodecError(`cannot encode as ${uid}: ${reason}`);
      expectLength(frame.data, frame.description, 'a frame to encode');
      return attempt(uid, () => encode(frame));
    },
  };
}
