import type { DicomJsonDataset } from '../dicom/json-model.js';

/**
 * The Image Pixel module (PS3.3 C.7.6.3) as far as encoding and decoding
 * need it: what one frame's samples are and how they are laid out.
 */
export interface PixelDescription {
  readonly rows: number;
  readonly columns: number;
  readonly samplesPerPixel: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly highBit: number;
  /** 0 unsigned, 1 two's complement. */
  readonly pixelRepresentation: 0 | 1;
  /** 0 colour-by-pixel, 1 colour-by-plane; meaningful only for samplesPerPixel > 1. */
  readonly planarConfiguration: 0 | 1;
  readonly photometricInterpretation: string;
  readonly numberOfFrames: number;
}

const first = (ds: DicomJsonDataset, tag: string): unknown => ds[tag]?.Value?.[0];
const num = (ds: DicomJsonDataset, tag: string): number | undefined => {
  const v = first(ds, tag);
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
};

/** The pixel description of an instance's DICOM JSON, or undefined when it has no image pixel module. */
export function pixelDescriptionOf(ds: DicomJsonDataset): PixelDescription | undefined {
  const rows = num(ds, '00280010');
  const columns = num(ds, '00280011');
  const bitsAllocated = num(ds, '00280100');
  if (rows === undefined || columns === undefined || bitsAllocated === undefined) return undefined;
  const bitsStored = num(ds, '00280101') ?? bitsAllocated;
  const photometric = first(ds, '00280004');
  return {
    rows,
    columns,
    samplesPerPixel: num(ds, '00280002') ?? 1,
    bitsAllocated,
    bitsStored,
    highBit: num(ds, '00280102') ?? bitsStored - 1,
    pixelRepresentation: num(ds, '00280103') === 1 ? 1 : 0,
    planarConfiguration: num(ds, '00280006') === 1 ? 1 : 0,
    photometricInterpretation: typeof photometric === 'string' ? photometric.trim() : 'MONOCHROME2',
    numberOfFrames: Math.max(1, Math.trunc(num(ds, '00280008') ?? 1)),
  };
}

/**
 * True for native YBR_FULL_422 / YBR_PARTIAL_422: two Y values share one CB and
 * one CR, so a pixel takes two samples, not three (PS3.3 C.7.6.3.1.2).
 */
export function isChromaSubsampled(d: PixelDescription): boolean {
  return d.samplesPerPixel === 3 && (d.photometricInterpretation === 'YBR_FULL_422' || d.photometricInterpretation === 'YBR_PARTIAL_422');
}

/** Bytes of one native frame (1-bit frames rounded up to whole bytes). */
export function nativeFrameLength(d: PixelDescription): number {
  const samples = isChromaSubsampled(d) ? 2 : d.samplesPerPixel;
  return Math.ceil((d.rows * d.columns * samples * d.bitsAllocated) / 8);
}

/** Bytes that hold one sample: 1 for 1-bit data, which is packed instead. */
export function bytesPerSample(d: PixelDescription): number {
  return Math.ceil(d.bitsAllocated / 8);
}
