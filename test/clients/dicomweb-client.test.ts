import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { api } from 'dicomweb-client';
import sharp from 'sharp';
import xhr2 from 'xhr2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';
import { SERIES, seriesFile, STUDY } from '../cli/helpers/dicomdir-series.js';

// dicomweb-client speaks XMLHttpRequest; in Node, xhr2 provides it.
globalThis.XMLHttpRequest ??= xhr2;

type DicomJson = Record<string, { vr: string; Value?: unknown[]; BulkDataURI?: string }>;
type Ids = { studyInstanceUID: string; seriesInstanceUID: string; sopInstanceUID: string };
type MediaType = { mediaType: string; transferSyntaxUID?: string };

/** The dicomweb-client 0.11 calls tested here, typed (its declarations say `any`). */
interface DicomwebClientApi {
  storeInstances(o: { datasets: ArrayBuffer[] }): Promise<string>;
  searchForStudies(o: { queryParams?: Record<string, string> }): Promise<DicomJson[]>;
  searchForSeries(o: { studyInstanceUID?: string; queryParams?: Record<string, string> }): Promise<DicomJson[]>;
  searchForInstances(o: { studyInstanceUID?: string; seriesInstanceUID?: string; queryParams?: Record<string, string> }): Promise<DicomJson[]>;
  retrieveStudyMetadata(o: { studyInstanceUID: string }): Promise<DicomJson[]>;
  retrieveSeriesMetadata(o: { studyInstanceUID: string; seriesInstanceUID: string }): Promise<DicomJson[]>;
  retrieveInstanceMetadata(o: Ids): Promise<DicomJson[]>;
  retrieveInstanceFrames(o: Ids & { frameNumbers: string; mediaTypes?: MediaType[] }): Promise<ArrayBuffer[]>;
  retrieveInstance(o: Ids): Promise<ArrayBuffer>;
  retrieveBulkData(o: { BulkDataURI: string }): Promise<ArrayBuffer[]>;
  /** Documented as an ArrayBuffer; 0.11.3 resolves a single-part body as an array of one. */
  retrieveInstanceRendered(o: Ids & { mediaTypes?: MediaType[] }): Promise<ArrayBuffer[]>;
}

/** Test files with what their MANIFEST.tsv row says (sha256 of the file, MD5 of the decoded pixels). */
const CT = {
  file: new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA),
  sha256: '21419e47daa53f1b8cc12e301cf7a35f7c3284857fae287eed167a2bbba32ce2',
  pixelMd5: '2e389ddbfc1b29d55c52c97e7f2c6f9c',
  ids: {
    studyInstanceUID: '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457',
    seriesInstanceUID: '1.3.6.1.4.1.5962.1.3.2.1.20040826185059.5457',
    sopInstanceUID: '1.3.6.1.4.1.5962.1.1.2.1.1.20040826185059.5457',
  },
};
/** 10 frames of 64x64, 16 bits. */
const MR_MULTIFRAME = {
  file: new URL('files/pydicom-data/emri_small.dcm', TESTDATA),
  pixelMd5: '35c5e95fce41d3229ada2d616dabeb2d',
  ids: {
    studyInstanceUID: '1.2.826.0.1.3680043.2.1143.3365540476747857567072393009509418480',
    seriesInstanceUID: '1.2.826.0.1.3680043.2.1143.3712364435022872412969836992152438492',
    sopInstanceUID: '1.2.826.0.1.3680043.2.1143.6455556726214900995651753669640998622',
  },
};
const EXPLICIT_LE_FRAMES: MediaType[] = [{ mediaType: 'application/octet-stream', transferSyntaxUID: '1.2.840.10008.1.2.1' }];

const md5 = (...parts: ArrayBuffer[]) => parts.reduce((h, p) => h.update(new Uint8Array(p)), createHash('md5')).digest('hex');
const value = (ds: DicomJson | undefined, tag: string) => ds?.[tag]?.Value?.[0];
const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

/** dicomweb-client rejects with just "request failed": name the status. */
async function withStatus<T>(request: Promise<T>): Promise<T> {
  try {
    return await request;
  } catch (err) {
    throw new Error(`dicomweb-client: request failed with HTTP ${(err as { status?: number }).status}`, { cause: err });
  }
}

let server: TestServer;
let client: DicomwebClientApi;
let stowResponse: DicomJson;

beforeAll(async () => {
  server = await startServer();
  client = new api.DICOMwebClient({ url: server.root, singlepart: false, verbose: false }) as unknown as DicomwebClientApi;
  const files = [CT.file, MR_MULTIFRAME.file, ...SERIES.ct5.map(seriesFile)];
  stowResponse = JSON.parse(await client.storeInstances({ datasets: await Promise.all(files.map(async (f) => arrayBuffer(await readFile(f)))) }));
});
afterAll(() => server.close());

describe('dicomweb-client 0.11 against atrium', () => {
  it('storeInstances: one STOW-RS request, every instance in the Referenced SOP Sequence', () => {
    const referenced = (stowResponse['00081199']?.Value ?? []) as DicomJson[];
    expect(referenced.map((item) => value(item, '00081155'))).toContain(CT.ids.sopInstanceUID);
    expect(referenced).toHaveLength(7);
    expect(stowResponse['00081198']).toBeUndefined();
  });

  it('searchForStudies with query parameters: attribute matching, includefield, limit and offset', async () => {
    const byPatient = await client.searchForStudies({ queryParams: { PatientID: '98890234' } });
    expect(byPatient.map((s) => value(s, '0020000D'))).toEqual([STUDY.a]);
    const mr = await client.searchForStudies({ queryParams: { ModalitiesInStudy: 'MR', includefield: '00081030' } });
    expect(mr.map((s) => value(s, '0020000D'))).toEqual([MR_MULTIFRAME.ids.studyInstanceUID]);
    expect(mr[0]).toHaveProperty('00081030');
    const all = await client.searchForStudies({});
    expect(all).toHaveLength(3);
    const page = await client.searchForStudies({ queryParams: { limit: '1', offset: '2' } });
    expect(page.map((s) => value(s, '0020000D'))).toEqual([value(all[2], '0020000D')]);
  });

  it('searchForSeries and searchForInstances, in a study and across studies', async () => {
    const inStudy = await client.searchForSeries({ studyInstanceUID: STUDY.a, queryParams: { Modality: 'CT' } });
    expect(inStudy).toHaveLength(1);
    const series = String(value(inStudy[0], '0020000E'));
    const mr = await client.searchForSeries({ queryParams: { Modality: 'MR' } });
    expect(mr.map((s) => value(s, '0020000E'))).toEqual([MR_MULTIFRAME.ids.seriesInstanceUID]);

    const instances = await client.searchForInstances({ studyInstanceUID: STUDY.a, seriesInstanceUID: series });
    expect(instances).toHaveLength(5);
    const one = await client.searchForInstances({ queryParams: { SOPInstanceUID: CT.ids.sopInstanceUID } });
    expect(one.map((i) => value(i, '0020000D'))).toEqual([CT.ids.studyInstanceUID]);
  });

  it('retrieveStudyMetadata, retrieveSeriesMetadata, retrieveInstanceMetadata', async () => {
    const study = await client.retrieveStudyMetadata({ studyInstanceUID: STUDY.a });
    expect(study).toHaveLength(5);
    const series = await client.retrieveSeriesMetadata({ studyInstanceUID: STUDY.a, seriesInstanceUID: String(value(study[0], '0020000E')) });
    expect(series.map((i) => value(i, '00080018')).sort()).toEqual(study.map((i) => value(i, '00080018')).sort());
    const [instance] = await client.retrieveInstanceMetadata(CT.ids);
    expect(value(instance, '00280010')).toBe(512);
    expect(instance!['7FE00010']?.BulkDataURI).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/dicom-web\/studies\/.+\/bulkdata\//);
  });

  it('retrieveInstanceFrames: uncompressed frames, the pixels the test data describes', async () => {
    const [frame] = await client.retrieveInstanceFrames({ ...CT.ids, frameNumbers: '1', mediaTypes: EXPLICIT_LE_FRAMES });
    expect(frame!.byteLength).toBe(512 * 512 * 2);
    expect(md5(frame!)).toBe(CT.pixelMd5);
    const frames = await client.retrieveInstanceFrames({ ...MR_MULTIFRAME.ids, frameNumbers: '1,2,3,4,5,6,7,8,9,10', mediaTypes: EXPLICIT_LE_FRAMES });
    expect(frames.map((f) => f.byteLength)).toEqual(Array(10).fill(64 * 64 * 2));
    expect(md5(...frames)).toBe(MR_MULTIFRAME.pixelMd5);
    // The library's default Accept (application/octet-stream, no transfer-syntax: Explicit VR Little Endian, PS3.18 8.7.3.5.2).
    const [asStored] = await client.retrieveInstanceFrames({ ...CT.ids, frameNumbers: '1' });
    expect(md5(asStored!)).toBe(CT.pixelMd5);
  });

  it('retrieveInstance: the Part 10 file byte for byte', async () => {
    const part10 = await client.retrieveInstance(CT.ids);
    expect(createHash('sha256').update(new Uint8Array(part10)).digest('hex')).toBe(CT.sha256);
  });

  it('retrieveBulkData: the BulkDataURI of Pixel Data from the metadata', async () => {
    const [instance] = await client.retrieveInstanceMetadata(CT.ids);
    const parts = await client.retrieveBulkData({ BulkDataURI: instance!['7FE00010']!.BulkDataURI! });
    expect(parts).toHaveLength(1);
    expect(md5(parts[0]!)).toBe(CT.pixelMd5);
  });

  it('retrieveInstanceRendered: PNG and JPEG of the image at its size', async () => {
    for (const [mediaType, format] of [['image/png', 'png'], ['image/jpeg', 'jpeg']] as const) {
      const rendered = await withStatus(client.retrieveInstanceRendered({ ...CT.ids, mediaTypes: [{ mediaType }] }));
      expect(rendered).toHaveLength(1);
      expect(await sharp(Buffer.from(rendered[0]!)).metadata()).toMatchObject({ format, width: 512, height: 512 });
    }
  });
});
