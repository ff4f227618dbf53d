import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import dcmjs, { type NaturalDataset } from 'dcmjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWorker } from '../../examples/ai-worker/worker.js';
import { DicomwebClient } from '../../src/dicomweb/client/dicomweb-client.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';
import { SERIES, seriesFile, STUDY, storeFiles } from '../cli/helpers/dicomdir-series.js';

const SEGMENTATION_STORAGE = '1.2.840.10008.5.1.4.1.1.66.4';
const THRESHOLD = 0; // Hounsfield units

let server: TestServer;
let client: DicomwebClient;
let work: string;

beforeAll(async () => {
  server = await startServer();
  client = new DicomwebClient({ root: server.root });
  work = await mkdtemp(join(tmpdir(), 'atrium-worker-'));
  // Study A (2001): CT series of 5 and of 2 slices. Study B (1995): 4 slices.
  // Study C (2001): one CR image, not a modality the worker segments.
  await storeFiles(client, [...SERIES.ct5, ...SERIES.ct2, ...SERIES.ct4, ...SERIES.cr]);
});
afterAll(async () => {
  await server.close();
  await rm(work, { recursive: true, force: true });
});

const naturalize = (bytes: Uint8Array): NaturalDataset =>
  dcmjs.data.DicomMetaDictionary.naturalizeDataset(
    dcmjs.data.DicomMessage.readFile(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer).dict,
  );

/** The source slices as read from the test files (not from the server): UID → data set. */
async function sourceSlices(rels: readonly string[]): Promise<Map<string, NaturalDataset>> {
  const slices = new Map<string, NaturalDataset>();
  for (const rel of rels) {
    const ds = naturalize(await readFile(seriesFile(rel)));
    slices.set(String(ds.SOPInstanceUID), ds);
  }
  return slices;
}

/** The mask a threshold gives on a slice, in modality units. */
function expectedMask(slice: NaturalDataset): number[] {
  const pixels = new Int16Array((slice.PixelData as ArrayBuffer[])[0]!);
  return Array.from(pixels, (p) => (p * Number(slice.RescaleSlope) + Number(slice.RescaleIntercept) > THRESHOLD ? 1 : 0));
}

/** Frame `index` (0-based) of bit-packed SEG pixel data (PS3.5 8.1.1: frames follow bit by bit, LSB first). */
function segFrame(packed: ArrayBuffer, index: number, pixels: number): number[] {
  const bytes = new Uint8Array(packed);
  return Array.from({ length: pixels }, (_, i) => {
    const bit = index * pixels + i;
    return (bytes[bit >> 3]! >> (bit & 7)) & 1;
  });
}

type Item = Record<string, unknown>;
const items = (value: unknown): Item[] => (Array.isArray(value) ? (value as Item[]) : value ? [value as Item] : []);

async function retrieveSeg(segSeries: string, segInstance: string, study: string): Promise<NaturalDataset> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of client.retrieveInstance(study, segSeries, segInstance)) chunks.push(chunk);
  return naturalize(Buffer.concat(chunks));
}

describe('examples/ai-worker against atrium', () => {
  it('segments the new CT series of the date range and stores SEGs that reference their sources', async () => {
    const doneFile = join(work, 'done.txt');
    const report = await runWorker({ url: server.root, studyDate: '20000101-', doneFile, threshold: THRESHOLD });
    const bySource = new Map(report.segmented.map((s) => [s.sourceSeries, s]));
    const ct5 = await sourceSlices(SERIES.ct5);
    const ct2 = await sourceSlices(SERIES.ct2);
    const seriesOf = (slices: Map<string, NaturalDataset>) => String([...slices.values()][0]!.SeriesInstanceUID);
    // Study B is from 1995, outside the range; the CR series is not segmented.
    expect([...bySource.keys()].sort()).toEqual([seriesOf(ct5), seriesOf(ct2)].sort());
    expect(report.skipped).toEqual([]);

    // Found by QIDO as SEG series of study A.
    const segSeries = [];
    for await (const s of client.search('series', { study: STUDY.a }, { Modality: 'SEG' })) segSeries.push(String(s['0020000E']?.Value?.[0]));
    expect(segSeries.sort()).toEqual(report.segmented.map((s) => s.segSeries).sort());

    // Both values occur, so the comparison below can tell a right mask from a constant one.
    let inMask = 0;
    let allPixels = 0;
    for (const slices of [ct5, ct2]) {
      const result = bySource.get(seriesOf(slices))!;
      const seg = await retrieveSeg(result.segSeries, result.segInstance, STUDY.a);
      const first = [...slices.values()][0]!;
      expect(seg.SOPClassUID).toBe(SEGMENTATION_STORAGE);
      expect(seg.Modality).toBe('SEG');
      expect(seg.SegmentationType).toBe('BINARY');
      expect(seg.StudyInstanceUID).toBe(STUDY.a);
      expect(seg.FrameOfReferenceUID).toBe(first.FrameOfReferenceUID);
      expect(Number(seg.NumberOfFrames)).toBe(slices.size);
      expect(items(seg.SegmentSequence)).toHaveLength(1);

      // Referenced Series Sequence: the source series and every one of its instances.
      const [referenced] = items(seg.ReferencedSeriesSequence);
      expect(referenced!.SeriesInstanceUID).toBe(first.SeriesInstanceUID);
      expect(items(referenced!.ReferencedInstanceSequence).map((i) => i.ReferencedSOPInstanceUID).sort()).toEqual([...slices.keys()].sort());

      // Each frame derives from one source slice, and holds the threshold of that slice's pixels.
      const frames = items(seg.PerFrameFunctionalGroupsSequence);
      const sources = frames.map((f) => String(items(items(f.DerivationImageSequence)[0]!.SourceImageSequence)[0]!.ReferencedSOPInstanceUID));
      expect([...sources].sort()).toEqual([...slices.keys()].sort());
      const pixels = Number(seg.Rows) * Number(seg.Columns);
      sources.forEach((uid, i) => {
        const mask = segFrame((seg.PixelData as ArrayBuffer[])[0]!, i, pixels);
        expect(mask, `frame ${i + 1}`).toEqual(expectedMask(slices.get(uid)!));
        inMask += mask.reduce((a, b) => a + b, 0);
        allPixels += pixels;
      });
    }
    expect(inMask).toBeGreaterThan(0);
    expect(inMask).toBeLessThan(allPixels);
  });

  it('a later run does only the series not done yet, then nothing; single slices are skipped with a reason', async () => {
    const doneFile = join(work, 'done.txt');
    const single = await readFile(new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA));
    const stored = await client.store([{ body: single }]);
    expect(stored.stored).toHaveLength(1);

    const second = await runWorker({ url: server.root, doneFile, threshold: THRESHOLD });
    const ct4 = await sourceSlices(SERIES.ct4);
    expect(second.segmented.map((s) => s.sourceSeries)).toEqual([String([...ct4.values()][0]!.SeriesInstanceUID)]);
    expect(second.segmented[0]!.frames).toBe(4);
    expect(second.skipped).toEqual([{ series: '1.3.6.1.4.1.5962.1.3.2.1.20040826185059.5457', reason: expect.stringMatching(/fewer than two/) }]);

    const third = await runWorker({ url: server.root, doneFile, threshold: THRESHOLD });
    expect(third).toEqual({ segmented: [], skipped: [] });
  });
});
