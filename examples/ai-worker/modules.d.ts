/**
 * Types for the parts of two untyped packages this example uses (and the
 * client tests, which share the project's type check).
 */

declare module 'dcmjs' {
  /** A data set keyed by keyword ("naturalized"), as dcmjs derives and writes it. */
  export interface NaturalDataset {
    [keyword: string]: unknown;
    _vrMap?: Record<string, string>;
    _meta?: Record<string, unknown>;
  }

  /** One segment of a Segmentation (PS3.3 C.8.20.4, Segment Sequence item). */
  export interface SegmentDescription {
    SegmentLabel: string;
    SegmentAlgorithmType: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL';
    SegmentAlgorithmName?: string;
    SegmentedPropertyCategoryCodeSequence: Code;
    SegmentedPropertyTypeCodeSequence: Code;
  }

  export interface Code {
    CodeValue: string;
    CodingSchemeDesignator: string;
    CodeMeaning: string;
  }

  /** A binary SEG derived from a normalized multi-frame volume. */
  export class Segmentation {
    constructor(volumes: NaturalDataset[], options?: Record<string, string | boolean>);
    readonly dataset: NaturalDataset;
    setNumberOfFrames(frames: number): void;
    /** pixelData: one byte (0 or 1) per pixel of every frame; frames numbered from 1. */
    addSegment(segment: SegmentDescription, pixelData: Uint8Array, referencedFrameNumbers: number[]): void;
    bitPackPixelData(): void;
  }

  export interface DicomDataset {
    dict: Record<string, { vr: string; Value: unknown[] }>;
  }

  const dcmjs: {
    data: {
      DicomMetaDictionary: {
        /** DICOM JSON (PS3.18 F.2) to keyword-keyed values. */
        naturalizeDataset(json: object): NaturalDataset;
      };
      DicomMessage: { readFile(part10: ArrayBuffer): DicomDataset };
      datasetToBuffer(dataset: NaturalDataset): Buffer;
    };
    normalizers: {
      /** Single-frame images of one series to one multi-frame volume, sorted along the scan axis. */
      Normalizer: { normalizeToDataset(datasets: NaturalDataset[]): NaturalDataset | undefined };
    };
    derivations: { Segmentation: typeof Segmentation };
  };
  export default dcmjs;
}

declare module 'xhr2' {
  /** XMLHttpRequest for Node, which dicomweb-client needs as a global. */
  const XMLHttpRequestImpl: typeof XMLHttpRequest;
  export default XMLHttpRequestImpl;
}
