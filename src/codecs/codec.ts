import type { PixelDescription } from './pixel-description.js';

/**
 * One frame in native form (PS3.5 8.1.1): little endian, samples laid out as
 * `description.planarConfiguration` says, 1-bit data packed from bit 0.
 * A decoder may change the description, e.g. a JPEG decoder that returns
 * YBR_FULL_422 data as RGB says so in the description it returns.
 *
 * Decoders keep the planar configuration they were given. Those of syntaxes
 * that carry only the stored bits (JPEG, JPEG-LS, JPEG 2000) return samples
 * low-aligned, signed ones sign-extended; byte-exact ones (native, RLE,
 * deflate) return the bytes as they were encoded.
 */
export interface NativeFrame {
  readonly data: Uint8Array;
  readonly description: PixelDescription;
}

/** One frame in an encapsulated syntax: the bytes of its fragments joined. */
export interface EncodedFrame {
  readonly data: Uint8Array;
  /** The description the decoded frame will have (photometric interpretation may change, e.g. RGB → YBR_RCT). */
  readonly description: PixelDescription;
}

/** What PS3.3 C.7.6.1.1.5 asks an encoder of lossy output to record. */
export interface LossyMethod {
  /** Lossy Image Compression Method (0028,2114), e.g. ISO_15444_1. */
  readonly method: string;
}

/**
 * A codec for one transfer syntax (the registry is keyed by UID), in the way
 * of pydicom's pixel handlers: decode to native, and encode from native where
 * the syntax can be produced.
 */
export interface FrameCodec {
  readonly transferSyntaxUid: string;
  /** True when encoding loses information (the output is then marked lossy). */
  readonly lossy: boolean;
  /** Present for lossy syntaxes: the method recorded in (0028,2114). */
  readonly lossyMethod?: LossyMethod;
  decode(frame: Uint8Array, description: PixelDescription): NativeFrame | Promise<NativeFrame>;
  /**
   * The description decode() returns for frames described so, known before
   * any frame is read (e.g. YBR_FULL_422 JPEG decodes to RGB).
   */
  decodedDescription(description: PixelDescription): PixelDescription;
  /** Why this frame cannot be encoded, or undefined when it can (e.g. JPEG baseline takes only 8-bit). */
  cannotEncode?(description: PixelDescription): string | undefined;
  encode?(frame: NativeFrame): EncodedFrame | Promise<EncodedFrame>;
}

/** A codec failed or produced something of the wrong size: fails one request, never the process. */
export class CodecError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CodecError';
  }
}
