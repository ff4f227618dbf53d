/** High-Throughput JPEG 2000 (ISO 15444-15) through OpenJPH, as built by @cornerstonejs/codec-openjph. */
import { ownBytes, using, WasmLoader, type EmbindObject } from './emscripten.js';

export interface Htj2kFrameInfo {
  width: number;
  height: number;
  bitsPerSample: number;
  componentCount: number;
  isSigned: boolean;
  /** The encoder needs it: with it three components go through the RCT (lossless) or ICT. */
  isUsingColorTransform: boolean;
}

interface HTJ2KDecoder extends EmbindObject {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getDecodedBuffer(): Uint8Array;
  getFrameInfo(): Htj2kFrameInfo;
}

interface HTJ2KEncoder extends EmbindObject {
  getDecodedBuffer(info: Htj2kFrameInfo): Uint8Array;
  setQuality(lossless: boolean, quantizationStep: number): void;
  setDecompositions(count: number): void;
  setProgressionOrder(order: number): void;
  setTLMMarker(present: boolean): void;
  setTilePartDivisionsAtResolutions(divide: boolean): void;
  encode(): void;
  getEncodedBuffer(): Uint8Array;
}

interface OpenJph {
  HTJ2KDecoder: new () => HTJ2KDecoder;
  HTJ2KEncoder: new () => HTJ2KEncoder;
}

const loader = new WasmLoader<OpenJph>('@cornerstonejs/codec-openjph');

/** Samples as OpenJPH returns them: components interleaved, ceil(precision / 8) bytes each, little endian. */
export interface Htj2kImage {
  readonly data: Uint8Array;
  readonly info: Htj2kFrameInfo;
}

export async function decodeHtj2k(codestream: Uint8Array): Promise<Htj2kImage> {
  const wasm = await loader.load();
  return loader.run(wasm, 'HTJ2K decode', (m) =>
    using(new m.HTJ2KDecoder(), (decoder) => {
      decoder.getEncodedBuffer(codestream.length).set(codestream);
      decoder.decode();
      return { data: ownBytes(decoder.getDecodedBuffer()), info: decoder.getFrameInfo() };
    }),
  );
}

/** Progression orders as OpenJPH numbers them (ISO 15444-1 Table A.16). */
export const RPCL = 2;

export interface Htj2kEncoding {
  readonly decompositions: number;
  readonly progressionOrder: number;
  /** Irreversible 9/7 wavelet with this quantization step, relative to the sample range; absent for lossless. */
  readonly quantizationStep?: number;
  /** Tile-part length markers and a tile-part per resolution, for streaming by resolution. */
  readonly resolutionTileParts: boolean;
}

export async function encodeHtj2k(samples: Uint8Array, info: Htj2kFrameInfo, encoding: Htj2kEncoding): Promise<Uint8Array> {
  const wasm = await loader.load();
  return loader.run(wasm, 'HTJ2K encode', (m) =>
    using(new m.HTJ2KEncoder(), (encoder) => {
      encoder.getDecodedBuffer(info).set(samples);
      encoder.setDecompositions(encoding.decompositions);
      encoder.setProgressionOrder(encoding.progressionOrder);
      if (encoding.quantizationStep !== undefined) encoder.setQuality(false, encoding.quantizationStep);
      encoder.setTLMMarker(encoding.resolutionTileParts);
      encoder.setTilePartDivisionsAtResolutions(encoding.resolutionTileParts);
      encoder.encode();
      return ownBytes(encoder.getEncodedBuffer());
    }),
  );
}
