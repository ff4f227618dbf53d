/**
 * An AI worker in the shape most of them take, against any DICOMweb server:
 *
 *   1. find new studies (QIDO-RS), and their CT and MR series;
 *   2. fetch each image's pixels (WADO-RS frames, uncompressed, so no codecs are needed here);
 *   3. compute a mask (here a threshold stands in for a model);
 *   4. store the result as a DICOM Segmentation (STOW-RS), in the source's study,
 *      referencing the source series, instances and frame of reference.
 *
 * Series already done are listed in a file, so each run only does new ones.
 */
import { appendFile, readFile } from 'node:fs/promises';
import dcmjs, { type NaturalDataset } from 'dcmjs';
import { api } from 'dicomweb-client';
import xhr2 from 'xhr2';

// dicomweb-client speaks XMLHttpRequest, which Node does not have.
globalThis.XMLHttpRequest ??= xhr2;

export interface WorkerOptions {
  /** DICOMweb root, e.g. http://127.0.0.1:8080/dicom-web */
  readonly url: string;
  /** atrium API key (reader role to fetch, writer role to store the result). */
  readonly apiKey?: string;
  /** Only studies of these dates: a QIDO range such as 20240101- or 20240101-20240131. */
  readonly studyDate?: string;
  /** Series Instance UIDs already segmented, one per line; appended to as series are done. */
  readonly doneFile: string;
  /** Pixels above this value (modality units: Hounsfield units for CT) are in the mask. */
  readonly threshold: number;
}

export interface SegmentedSeries {
  readonly study: string;
  readonly sourceSeries: string;
  readonly segSeries: string;
  readonly segInstance: string;
  readonly frames: number;
}

export interface WorkerReport {
  readonly segmented: SegmentedSeries[];
  /** Series looked at and left alone, with the reason. */
  readonly skipped: Array<{ readonly series: string; readonly reason: string }>;
}

/** DICOM JSON (PS3.18 F.2): tag → element. */
type DicomJson = Record<string, { vr: string; Value?: unknown[] }>;

/** The dicomweb-client calls used here, typed (its own declarations say `any`). */
interface DicomwebApi {
  searchForStudies(o: { queryParams?: Record<string, string> }): Promise<DicomJson[]>;
  searchForSeries(o: { studyInstanceUID: string }): Promise<DicomJson[]>;
  retrieveSeriesMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<DicomJson[]>;
  retrieveInstanceFrames(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
    frameNumbers: string;
    mediaTypes: Array<{ mediaType: string; transferSyntaxUID?: string }>;
  }): Promise<ArrayBuffer[]>;
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<unknown>;
}

const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';
const SEGMENTED_MODALITIES = ['CT', 'MR'];

const text = (ds: DicomJson, tag: string): string | undefined => {
  const value = ds[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
};
const number = (ds: DicomJson, tag: string): number | undefined => {
  const value = ds[tag]?.Value?.[0];
  return typeof value === 'number' ? value : undefined;
};

export async function runWorker(options: WorkerOptions): Promise<WorkerReport> {
  const client = new api.DICOMwebClient({
    url: options.url,
    headers: options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {},
    singlepart: false,
    verbose: false,
  }) as unknown as DicomwebApi;
  const done = new Set((await readFile(options.doneFile, 'utf8').catch(() => '')).split('\n').filter(Boolean));
  const report: WorkerReport = { segmented: [], skipped: [] };

  const studies = await client.searchForStudies({ queryParams: options.studyDate ? { StudyDate: options.studyDate } : {} });
  for (const studyJson of studies) {
    const study = text(studyJson, '0020000D')!;
    for (const seriesJson of await client.searchForSeries({ studyInstanceUID: study })) {
      const series = text(seriesJson, '0020000E')!;
      if (done.has(series) || !SEGMENTED_MODALITIES.includes(text(seriesJson, '00080060') ?? '')) continue;
      try {
        const result = await segmentSeries(client, study, series, options.threshold);
        report.segmented.push(result);
      } catch (err) {
        if (!(err instanceof NotSegmentable)) throw err;
        report.skipped.push({ series, reason: err.message });
      }
      // Skipped series are not retried either: they will not become segmentable.
      await appendFile(options.doneFile, `${series}\n`);
      done.add(series);
    }
  }
  return report;
}

/** A series this worker does not handle (not a stack of 16-bit grayscale slices with positions). */
class NotSegmentable extends Error {}

async function segmentSeries(client: DicomwebApi, study: string, series: string, threshold: number): Promise<SegmentedSeries> {
  const images = (await client.retrieveSeriesMetadata({ studyInstanceUID: study, seriesInstanceUID: series })).filter(
    (m) => number(m, '00280100') === 16 && number(m, '00280002') === 1 && (number(m, '00280008') ?? 1) === 1 && m['00200032'] !== undefined && m['00200037'] !== undefined,
  );
  // dcmjs builds the volume from two slices or more (it derives the spacing from them).
  if (images.length < 2) throw new NotSegmentable('fewer than two single-frame 16-bit grayscale slices with positions');

  const slices: NaturalDataset[] = [];
  for (const image of images) {
    const [frame] = await client.retrieveInstanceFrames({
      studyInstanceUID: study,
      seriesInstanceUID: series,
      sopInstanceUID: text(image, '00080018')!,
      frameNumbers: '1',
      // Uncompressed pixels: the server decodes whatever it stores, the worker needs no codec.
      mediaTypes: [{ mediaType: 'application/octet-stream', transferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN }],
    });
    if (frame?.byteLength !== number(image, '00280010')! * number(image, '00280011')! * 2) {
      throw new NotSegmentable('a frame did not come back as uncompressed 16-bit pixels');
    }
    const slice = dcmjs.data.DicomMetaDictionary.naturalizeDataset(image);
    slice.PixelData = frame;
    slice._vrMap = { PixelData: 'OW' };
    slices.push(slice);
  }

  const volume = dcmjs.normalizers.Normalizer.normalizeToDataset(slices);
  if (!volume) throw new NotSegmentable('dcmjs cannot make a volume of this SOP class');
  const frames = Number(volume.NumberOfFrames);
  const seg = new dcmjs.derivations.Segmentation([volume], {
    SeriesDescription: `Threshold > ${threshold}`,
    Manufacturer: 'atrium example',
    ManufacturerModelName: 'ai-worker',
  });
  seg.setNumberOfFrames(frames);
  seg.addSegment(
    {
      SegmentLabel: `Above ${threshold}`,
      SegmentAlgorithmType: 'AUTOMATIC',
      SegmentAlgorithmName: 'threshold',
      SegmentedPropertyCategoryCodeSequence: { CodeValue: '91723000', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Anatomical structure' },
      SegmentedPropertyTypeCodeSequence: { CodeValue: '85756007', CodingSchemeDesignator: 'SCT', CodeMeaning: 'Tissue' },
    },
    thresholdMask(volume, threshold),
    Array.from({ length: frames }, (_, i) => i + 1),
  );
  seg.bitPackPixelData();
  roundSpacing(seg.dataset);
  seg.dataset._meta = {}; // dcmjs writes the File Meta Information itself (Explicit VR Little Endian)

  const part10 = dcmjs.data.datasetToBuffer(seg.dataset);
  await client.storeInstances({ datasets: [part10.buffer.slice(part10.byteOffset, part10.byteOffset + part10.byteLength) as ArrayBuffer] });
  return { study, sourceSeries: series, segSeries: String(seg.dataset.SeriesInstanceUID), segInstance: String(seg.dataset.SOPInstanceUID), frames };
}

/** 1 where the pixel, in modality units (Rescale Slope and Intercept, PS3.3 C.11.1), is above the threshold. */
function thresholdMask(volume: NaturalDataset, threshold: number): Uint8Array {
  const pixels = volume.PixelRepresentation === 1 ? new Int16Array(volume.PixelData as ArrayBuffer) : new Uint16Array(volume.PixelData as ArrayBuffer);
  const slope = Number(volume.RescaleSlope ?? 1);
  const intercept = Number(volume.RescaleIntercept ?? 0);
  return Uint8Array.from(pixels, (p) => (p * slope + intercept > threshold ? 1 : 0));
}

/** A DS value holds at most 16 characters (PS3.5 6.2): round the spacing dcmjs computed (2.4999999999999).  */
function roundSpacing(dataset: NaturalDataset): void {
  const shared = dataset.SharedFunctionalGroupsSequence as { PixelMeasuresSequence?: Record<string, unknown> } | undefined;
  const measures = shared?.PixelMeasuresSequence;
  if (!measures) return;
  for (const key of ['SliceThickness', 'SpacingBetweenSlices']) {
    if (typeof measures[key] === 'number') measures[key] = Number((measures[key] as number).toFixed(6));
  }
}
