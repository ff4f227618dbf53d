/** 8-bit JPEG baseline encoding through libjpeg-turbo, as built by @cornerstonejs/codec-libjpeg-turbo-8bit. */
import { ownBytes, using, WasmLoader, type EmbindObject } from './emscripten.js';

export interface JpegFrameInfo {
  width: number;
  height: number;
  /** Must be 8: the build silently truncates wider samples. */
  bitsPerSample: 8;
  componentCount: number;
  isSigned: boolean;
}

/** TurboJPEG's TJSAMP_422: chroma at half the horizontal resolution. */
const SUBSAMPLING_422 = 1;

interface JPEGEncoder extends EmbindObject {
  getDecodedBuffer(info: JpegFrameInfo): Uint8Array;
  setQuality(quality: number): void;
  setProgressive(progressive: number): void;
  setSubSampling(subsampling: number): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface LibJpegTurbo {
  JPEGEncoder: new () => JPEGEncoder;
}

const loader = new WasmLoader<LibJpegTurbo>('@cornerstonejs/codec-libjpeg-turbo-8bit/wasmjs');

/**
 * A sequential (baseline) JPEG of grey or colour-by-pixel RGB `samples`; colour
 * is stored as YCbCr (JFIF) with 4:2:2 chroma.
 */
export async function encodeJpegBaseline(samples: Uint8Array, info: JpegFrameInfo, quality: number): Promise<Uint8Array> {
  const wasm = await loader.load();
  return loader.run(wasm, 'JPEG baseline encode', (m) =>
    using(new m.JPEGEncoder(), (encoder) => {
      encoder.getDecodedBuffer(info).set(samples);
      // The build defaults to progressive (Process 10), which is not the baseline syntax.
      encoder.setProgressive(0);
      encoder.setQuality(quality);
      encoder.setSubSampling(SUBSAMPLING_422);
      encoder.encode();
      return ownBytes(encoder.getEncodedBuffer());
    }),
  );
}
