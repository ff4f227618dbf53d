/** JPEG-LS (ISO 14495-1) through CharLS, as built by @cornerstonejs/codec-charls. */
import { ownBytes, using, WasmLoader, type EmbindObject } from './emscripten.js';

export interface JlsFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
}

/** How colour components are interleaved in the stream (ISO 14495-1 ILV); only None decodes colour-by-plane. */
export const Interleave = { None: 0, Line: 1, Sample: 2 } as const;
export type Interleave = (typeof Interleave)[keyof typeof Interleave];

interface JpegLSDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): JlsFrameInfo;
  getInterleaveMode(): Interleave;
  getNearLossless(): number;
}

interface JpegLSEncoder extends EmbindObject {
  getDecodedBuffer(info: JlsFrameInfo): Uint8Array;
  setNearLossless(near: number): void;
  setInterleaveMode(mode: Interleave): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface CharLs {
  JpegLSDecoder: new () => JpegLSDecoder;
  JpegLSEncoder: new () => JpegLSEncoder;
}

const loader = new WasmLoader<CharLs>('@cornerstonejs/codec-charls/wasmjs');

/** Samples as CharLS returns them (ceil(bits / 8) bytes each): colour-by-plane when `interleave` is None, else by pixel. */
export interface JlsImage {
  readonly data: Uint8Array;
  readonly info: JlsFrameInfo;
  readonly interleave: Interleave;
}

export async function decodeJpegLs(stream: Uint8Array): Promise<JlsImage> {
  const wasm = await loader.load();
  return loader.run(wasm, 'JPEG-LS decode', (m) =>
    using(new m.JpegLSDecoder(), (decoder) => {
      decoder.getEncodedBuffer(stream.length).set(stream);
      decoder.decode();
      return { data: ownBytes(decoder.getDecodedBuffer()), info: decoder.getFrameInfo(), interleave: decoder.getInterleaveMode() };
    }),
  );
}

/** A JPEG-LS stream of colour-by-pixel `samples`; `near` 0 is lossless, otherwise the largest error allowed. */
export async function encodeJpegLs(samples: Uint8Array, info: JlsFrameInfo, near: number): Promise<Uint8Array> {
  const wasm = await loader.load();
  return loader.run(wasm, 'JPEG-LS encode', (m) =>
    using(new m.JpegLSEncoder(), (encoder) => {
      encoder.getDecodedBuffer(info).set(samples);
      encoder.setNearLossless(near);
      encoder.setInterleaveMode(info.componentCount > 1 ? Interleave.Sample : Interleave.None);
      encoder.encode();
      return ownBytes(encoder.getEncodedBuffer());
    }),
  );
}
