/**
 * The IJG libjpeg (8, 12 and 16-bit, sequential and lossless processes) of
 * dcmjs-codecs. The package is young: only this file knows its API.
 */
import { createRequire } from 'node:module';
import { CodecError } from '../codec.js';
import type { PixelDescription } from '../pixel-description.js';

interface ContextFields {
  width: number;
  height: number;
  bitsAllocated: number;
  bitsStored: number;
  samplesPerPixel: number;
  pixelRepresentation: number;
  planarConfiguration: number;
  photometricInterpretation: string;
  encodedBuffer?: Uint8Array;
  decodedBuffer?: Uint8Array;
}

interface Context {
  getDecodedBuffer(): Uint8Array;
  getEncodedBuffer(): Uint8Array;
}

interface DcmjsCodecs {
  Context: new (fields: ContextFields) => Context;
  NativeCodecs: {
    initializeAsync(): Promise<void>;
    decodeJpeg(context: Context, parameters: { convertColorspaceToRgb: boolean }): Context;
    encodeJpeg(context: Context, parameters: { lossy: false; predictor: number; pointTransform: 0 }): Context;
  };
  log: { setLevel(level: 'silent'): void };
}

let library: DcmjsCodecs | undefined;
let ready: Promise<void> | undefined;

/** The package, required on first use: most threads never decode JPEG. */
function codecs(): DcmjsCodecs {
  if (!library) {
    library = createRequire(import.meta.url)('dcmjs-codecs') as DcmjsCodecs;
    // It logs the library's messages as errors; failures reach us as exceptions anyway.
    library.log.setLevel('silent');
  }
  return library;
}

/**
 * Runs `call` once the module is instantiated. Its errors are thrown from
 * inside WebAssembly, leaving that instance's stack and heap unwound only
 * halfway, so after a failure the next call starts a fresh instance.
 */
async function run<T>(what: string, call: (library: DcmjsCodecs) => T): Promise<T> {
  ready ??= codecs().NativeCodecs.initializeAsync();
  await ready;
  try {
    return call(codecs());
  } catch (e) {
    ready = undefined;
    throw new CodecError(`${what} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
}

/** Photometric interpretations the library accepts (it checks, then ignores them unless converting colour). */
const KNOWN_PHOTOMETRIC = new Set(['MONOCHROME1', 'MONOCHROME2', 'PALETTE COLOR', 'RGB', 'YBR_FULL', 'YBR_FULL_422', 'YBR_PARTIAL_422', 'YBR_PARTIAL_420', 'YBR_ICT', 'YBR_RCT', 'CMYK', 'ARGB', 'HSV']);

function contextFields(d: PixelDescription): ContextFields {
  return {
    width: d.columns,
    height: d.rows,
    bitsAllocated: d.bitsAllocated,
    bitsStored: d.bitsStored,
    samplesPerPixel: d.samplesPerPixel,
    pixelRepresentation: d.pixelRepresentation,
    planarConfiguration: 0,
    photometricInterpretation: KNOWN_PHOTOMETRIC.has(d.photometricInterpretation)
      ? d.photometricInterpretation
      : d.samplesPerPixel === 1 ? 'MONOCHROME2' : 'RGB',
  };
}

/**
 * A JPEG frame (any process) decoded to bits-allocated-wide little endian
 * samples, colour by pixel; YCbCr converted to RGB when `toRgb`, raw components otherwise.
 */
export function decodeJpeg(stream: Uint8Array, d: PixelDescription, toRgb: boolean): Promise<Uint8Array> {
  return run('JPEG decode', ({ Context, NativeCodecs }) => {
    const context = new Context({ ...contextFields(d), encodedBuffer: stream });
    return NativeCodecs.decodeJpeg(context, { convertColorspaceToRgb: toRgb }).getDecodedBuffer();
  });
}

/** A lossless (Process 14, first-order prediction) JPEG of colour-by-pixel samples, Bits Stored wide. */
export function encodeJpegLossless(samples: Uint8Array, d: PixelDescription): Promise<Uint8Array> {
  return run('JPEG lossless encode', ({ Context, NativeCodecs }) => {
    const context = new Context({ ...contextFields(d), decodedBuffer: samples });
    return NativeCodecs.encodeJpeg(context, { lossy: false, predictor: 1, pointTransform: 0 }).getEncodedBuffer();
  });
}
