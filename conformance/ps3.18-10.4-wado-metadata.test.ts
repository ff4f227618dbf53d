/**
 * PS3.18 10.4 Retrieve Transaction, metadata resources (10.4.1.1.2), answered in
 * the DICOM JSON model (PS3.18 Annex F.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkDataUris, first, validateDataset, type Dataset } from './harness/dicomjson.js';
import { get } from './harness/http.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { CANONICAL, canonical, type ManifestRow } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
const C = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1';
const STUDY_C = CANONICAL.filter((r) => r.studyUid === C);
const IMAGES = [
  canonical('files/pydicom-data/emri_small.dcm'), // native multi-frame
  canonical('files/pydicom/examples_ybr_color.dcm'), // JPEG multi-frame
  canonical('files/dcm4che/US-PAL-8-10x-echo.dcm'), // RLE, palette (LUT data as binary)
  canonical('files/pydicom/charset/chrI2.dcm'),
];
const OTHERS = CANONICAL.filter((r) => ['seg', 'sr', 'rt', 'encapsulated-doc', 'pr', 'waveform'].includes(r.category)).slice(0, 8);
const ALL = [...STUDY_C, ...IMAGES, ...OTHERS];

beforeAll(async () => {
  t = await startTarget();
  seedFailures = await seed(t.root, ALL);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const ACCEPT = { accept: 'application/dicom+json' };

async function metadata(url: string): Promise<Dataset[]> {
  const res = await get(url, ACCEPT);
  expect(res.status, `${url}: ${res.text().slice(0, 200)}`).toBe(200);
  expect(res.headers['content-type']).toMatch(/^application\/dicom\+json\b/);
  const j = res.json();
  expect(Array.isArray(j), 'metadata is a JSON array of datasets').toBe(true);
  return j as Dataset[];
}

const instanceUrl = (r: ManifestRow): string => `${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`;

describe('PS3.18 10.4.1.1.2: metadata resources', () => {
  it('study metadata: one valid dataset per instance', async () => {
    const list = await metadata(`${t.root}/studies/${C}/metadata`);
    expect(list.map((d) => first(d, '00080018')).sort()).toEqual(STUDY_C.map((r) => r.sopUid).sort());
    list.forEach((d, i) => expect(validateDataset(d, `[${i}]`)).toEqual([]));
  });

  it('series metadata', async () => {
    const se = STUDY_C[0]!.seriesUid;
    const list = await metadata(`${t.root}/studies/${C}/series/${se}/metadata`);
    expect(list.map((d) => first(d, '00080018')).sort()).toEqual(STUDY_C.filter((r) => r.seriesUid === se).map((r) => r.sopUid).sort());
  });

  it('instance metadata of every kind of object is valid DICOM JSON (F.2)', async () => {
    const problems: string[] = [];
    for (const r of ALL) {
      const list = await metadata(`${instanceUrl(r)}/metadata`);
      expect(list, r.file).toHaveLength(1);
      problems.push(...validateDataset(list[0], r.file));
      if (first(list[0], '00080018') !== r.sopUid) problems.push(`${r.file}: SOPInstanceUID differs`);
      if (first(list[0], '0020000D') !== r.studyUid) problems.push(`${r.file}: StudyInstanceUID differs`);
    }
    expect(problems).toEqual([]);
  });

  it('404 for metadata of an unknown study', async () => {
    const res = await get(`${t.root}/studies/1.2.826.0.1.3680043.9.9999.7/metadata`, ACCEPT);
    expect(res.status).toBe(404);
  });
});

describe('PS3.18 F.2: value representations', () => {
  it('PN as component-group objects, IS/DS as numbers, UI as strings', async () => {
    const r = STUDY_C[0]!;
    const [d] = await metadata(`${instanceUrl(r)}/metadata`);
    expect(d?.['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Doe^Peter' }] });
    expect(d?.['00200013']?.vr).toBe('IS');
    expect(typeof first(d, '00200013')).toBe('number');
    expect(d?.['00280030']?.vr).toBe('DS');
    for (const v of d?.['00280030']?.Value ?? []) expect(typeof v).toBe('number');
    expect(d?.['00280010']).toEqual({ vr: 'US', Value: [r.rows] });
  });

  it('multi-valued PN groups (Alphabetic, Ideographic, Phonetic) in UTF-8', async () => {
    const r = IMAGES[3]!;
    const [d] = await metadata(`${instanceUrl(r)}/metadata`);
    const pn = first(d, '00100010') as Record<string, string>;
    expect(pn.Alphabetic).toBe('Hong^Gildong');
    expect(pn.Ideographic).toBe('洪^吉洞');
    expect(pn.Phonetic).toBe('홍^길동');
  });

  it('sequences are arrays of datasets (SQ), e.g. in SEG/SR objects', async () => {
    let sequences = 0;
    for (const r of OTHERS) {
      const [d] = await metadata(`${instanceUrl(r)}/metadata`);
      for (const e of Object.values(d ?? {})) if (e.vr === 'SQ' && Array.isArray(e.Value) && e.Value.length > 0) sequences++;
    }
    expect(sequences).toBeGreaterThan(0);
  });
});

describe('PS3.18 10.4.1.1.2 / F.2.7: images for viewers', () => {
  for (const r of IMAGES.slice(0, 3)) {
    it(`${r.file}: pixel module present, NumberOfFrames, Pixel Data as BulkDataURI`, async () => {
      const [d] = await metadata(`${instanceUrl(r)}/metadata`);
      expect(first(d, '00280010'), 'Rows').toBe(r.rows);
      expect(first(d, '00280011'), 'Columns').toBe(r.cols);
      expect(first(d, '00280100'), 'BitsAllocated').toBe(r.bitsAllocated);
      expect(first(d, '00280101'), 'BitsStored').toBe(r.bitsStored);
      expect(first(d, '00280103'), 'PixelRepresentation').toBe(r.pixelRepresentation);
      expect(first(d, '00280002'), 'SamplesPerPixel').toBe(r.samplesPerPixel);
      expect(first(d, '00280004'), 'PhotometricInterpretation').toBe(r.photometric);
      expect(first(d, '00280008'), 'NumberOfFrames').toBe(r.frames);
      expect(d?.['7FE00010']?.vr).toMatch(/^O[BW]$/);
      expect(typeof d?.['7FE00010']?.BulkDataURI, 'Pixel Data BulkDataURI').toBe('string');
      expect(d?.['7FE00010']).not.toHaveProperty('InlineBinary');
    });
  }

  it('series metadata carries every instance with BulkDataURIs (OHIF loads series this way)', async () => {
    const r = IMAGES[0]!;
    const list = await metadata(`${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/metadata`);
    for (const d of list) expect(bulkDataUris(d).some((b) => b.tag === '7FE00010')).toBe(true);
  });
});
