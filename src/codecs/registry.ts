/**
 * Codecs by transfer syntax UID, in the way of pydicom's decoder and encoder
 * registries: one codec per syntax, each decoding to native and encoding
 * where the syntax can be produced.
 */
import { expanded, expandedDescription, isExpandable } from './chroma.js';
import type { FrameCodec, NativeFrame } from './codec.js';
import { guarded } from './guarded-codec.js';
import type { PixelDescription } from './pixel-description.js';
import { deflatedFramesCodec } from './syntaxes/deflated-frames.js';
import { htj2kCodecs } from './syntaxes/htj2k.js';
import { jpeg2000Codecs } from './syntaxes/jpeg2000.js';
import { jpegBaselineCodec } from './syntaxes/jpeg-baseline.js';
import { jpegExtendedCodec } from './syntaxes/jpeg-extended.js';
import { jpegLosslessCodecs } from './syntaxes/jpeg-lossless.js';
import { jpegLsCodecs } from './syntaxes/jpeg-ls.js';
import { nativeCodecs } from './syntaxes/native.js';
import { rleCodec } from './syntaxes/rle.js';

const CODECS: ReadonlyMap<string, FrameCodec> = new Map(
  [
    ...nativeCodecs,
    rleCodec,
    deflatedFramesCodec,
    jpegBaselineCodec,
    jpegExtendedCodec,
    ...jpegLosslessCodecs,
    ...jpegLsCodecs,
    ...jpeg2000Codecs,
    ...htj2kCodecs,
  ].map((codec) => [codec.transferSyntaxUid, guarded(codec)]),
);

/** The codec of a transfer syntax, or undefined when atrium has none (video, JPEG XL, private syntaxes). */
export function codecFor(uid: string): FrameCodec | undefined {
  return CODECS.get(uid);
}

export function canDecode(uid: string): boolean {
  return CODECS.has(uid);
}

/** Whether frames can be encoded in `uid`; with a description, whether these frames can. */
export function canEncode(uid: string, description?: PixelDescription): boolean {
  const codec = CODECS.get(uid);
  if (!codec?.encode) return false;
  return description === undefined || codec.cannotEncode?.(description) === undefined;
}

/** Native 4:2:2 colour the encoder refuses is expanded to YBR_FULL for it (see chroma.ts). */
function expandsFor(encoder: FrameCodec, d: PixelDescription): boolean {
  return isExpandable(d) && encoder.cannotEncode?.(d) !== undefined;
}

/** The form in which `encoder` gets a decoded frame. */
export function encoderForm(encoder: FrameCodec, frame: NativeFrame): NativeFrame {
  return expandsFor(encoder, frame.description) ? expanded(frame) : frame;
}

/**
 * Whether frames stored in `from` can be sent in `to`: the same syntax always
 * can; otherwise `from` must decode and `to` encode what decoding gives.
 */
export function canTranscode(from: string, to: string, description?: PixelDescription): boolean {
  if (from === to) return true;
  const decoder = CODECS.get(from);
  const encoder = CODECS.get(to);
  if (!decoder || !encoder?.encode) return false;
  if (description === undefined) return true;
  const decoded = decoder.decodedDescription(description);
  return encoder.cannotEncode?.(expandsFor(encoder, decoded) ? expandedDescription(decoded) : decoded) === undefined;
}
