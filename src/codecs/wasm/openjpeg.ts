/** JPEG 2000 (ISO 15444-1) through OpenJPEG, as built by @cornerstonejs/codec-openjpeg. */
import { ownBytes, using, WasmLoader, type EmbindObject } from './emscripten.js';

export interface J2kFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
}

interface J2KDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): J2kFrameInfo;
}

interface J2KEncoder extends EmbindObject {
  getDecodedBuffer(info: J2kFrameInfo): Uint8Array;
  setQuality(lossless: boolean, layers: number): void;
  setCompressionRatio(layer: number, ratio: number): void;
  setDecompositions(count: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface OpenJpeg {
  J2KDecoder: new () => J2KDecoder;
  J2KEncoder: new () => J2KEncoder;
}

const loader = new WasmLoader<OpenJpeg>('@cornerstonejs/codec-openjpeg/wasmjs');

/** Samples as OpenJPEG returns them: components interleaved, ceil(precision / 8) bytes each, little endian. */
export interface J2kImage {
  readonly data: Uint8Array;
  readonly info: J2kFrameInfo;
}

export async function decodeJ2k(codestream: Uint8Array): Promise<J2kImage> {
  const wasm = await loader.load();
  return loader.run(wasm, 'JPEG 2000 decode', (m) =>
    using(new m.J2KDecoder(), (decoder) => {
      decoder.getEncodedBuffer(codestream.length).set(codestream);
      decoder.decode();
      return { data: ownBytes(decoder.getDecodedBuffer()), info: decoder.getFrameInfo() };
    }),
  );
}

/** Reversible 5/3 wavelet (lossless) or irreversible 9/7 at `compressionRatio`:1. */
export type J2kEncoding = { readonly decompositions: number } & (
  | { readonly lossless: true }
  | { readonly lossless: false; readonly compressionRatio: number }
);

/**
 * A J2K codestream of interleaved `samples`. This build always applies the
 * multiple component transform to three components (RCT when lossless, ICT otherwise).
 */
export async function encodeJ2k(samples: Uint8Array, info: J2kFrameInfo, encoding: J2kEncoding): Promise<Uint8Array> {
  const wasm = await loader.load();
  return loader.run(wasm, 'JPEG 2000 encode', (m) =>
    using(new m.J2KEncoder(), (encoder) => {
      encoder.getDecodedBuffer(info).set(samples);
      encoder.setDecompositions(encoding.decompositions);
      if (!encoding.lossless) {
        encoder.setQuality(false, 1);
        encoder.setCompressionRatio(0, encoding.compressionRatio);
      }
      encoder.encode();
      return ownBytes(encoder.getEncodedBuffer());
    }),
  );
}
