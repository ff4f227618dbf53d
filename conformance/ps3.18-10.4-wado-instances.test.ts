/**
 * PS3.18 10.4 Retrieve Transaction: study, series and instance resources as
 * multipart/related; type="application/dicom" (PS3.18 8.7.3, 8.7.3.5).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, parseMediaType, readMultipart, type Response } from './harness/http.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { elementValue, parse } from './harness/dicomfile.js';
import { CANONICAL, TS, canonical, readBytes, sha256, type ManifestRow } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
const C = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1';
const C_SMART = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6';
const STUDY_C = CANONICAL.filter((r) => r.studyUid === C); // all Explicit VR Little Endian
const JPEG = canonical('files/pydicom/examples_ybr_color.dcm'); // JPEG Baseline, 30 frames
const RLE = canonical('files/dcm4che/US-PAL-8-10x-echo.dcm');
const IMPLICIT = CANONICAL.find((r) => r.transferSyntaxUid === TS.implicitLE && r.category === 'image' && r.studyUid !== C)!;

beforeAll(async () => {
  t = await startTarget();
  expect(STUDY_C.every((r) => r.transferSyntaxUid === TS.explicitLE)).toBe(true);
  seedFailures = await seed(t.root, [...STUDY_C, JPEG, RLE, IMPLICIT]);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const instanceUrl = (r: ManifestRow): string => `${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`;

/** Multipart of application/dicom parts, bytes equal to the files, transfer-syntax on every part. */
function expectInstances(res: Response, rows: readonly ManifestRow[], expectedTs?: (r: ManifestRow) => string): void {
  expect(res.status, res.text().slice(0, 300)).toBe(200);
  const mp = readMultipart(res);
  expect(mp.startsWithBoundary, 'body starts with --boundary (no preamble)').toBe(true);
  expect(mp.closed, 'close delimiter present').toBe(true);
  expect(mp.type?.toLowerCase()).toBe('application/dicom');
  expect(mp.parts).toHaveLength(rows.length);
  const want = new Map(rows.map((r) => [r.sha256, r]));
  for (const p of mp.parts) {
    const ct = parseMediaType(p.headers['content-type']);
    expect(ct?.type, 'part Content-Type').toBe('application/dicom');
    const r = want.get(sha256(p.body));
    expect(r, 'part bytes identical to a stored file').toBeDefined();
    if (!r) continue;
    want.delete(r.sha256);
    expect(ct?.params['transfer-syntax'], `transfer-syntax of ${r.file}`).toBe(expectedTs ? expectedTs(r) : r.transferSyntaxUid);
  }
  expect([...want.values()].map((r) => r.file), 'stored instances missing from the response').toEqual([]);
}

describe('PS3.18 10.4.1: study, series, instance retrieve with transfer-syntax=*', () => {
  const star = 'multipart/related; type="application/dicom"; transfer-syntax=*';
  it('study', async () => {
    expectInstances(await get(`${t.root}/studies/${C}`, { accept: star }), STUDY_C);
  });
  it('series', async () => {
    const rows = STUDY_C.filter((r) => r.seriesUid === C_SMART);
    expectInstances(await get(`${t.root}/studies/${C}/series/${C_SMART}`, { accept: star }), rows);
  });
  it('instance', async () => {
    const r = STUDY_C[0]!;
    expectInstances(await get(instanceUrl(r), { accept: star }), [r]);
  });
  it('encapsulated instances come back as stored (JPEG Baseline, RLE)', async () => {
    for (const r of [JPEG, RLE]) expectInstances(await get(instanceUrl(r), { accept: star }), [r]);
  });
  it('Implicit VR Little Endian instance: never sent in that syntax (8.7.3), the same data set in Explicit VR LE', async () => {
    const res = await get(instanceUrl(IMPLICIT), { accept: star });
    expect(res.status).toBe(200);
    const [part] = readMultipart(res).parts;
    expect(parseMediaType(part!.headers['content-type'])?.params['transfer-syntax']).toBe(TS.explicitLE);
    const sent = parse(part!.body);
    const original = parse(readBytes(IMPLICIT));
    expect(sent.string('x00020010')).toBe(TS.explicitLE);
    expect(sent.string('x00080018')).toBe(IMPLICIT.sopUid);
    expect(elementValue(part!.body, sent, '7FE00010')?.equals(elementValue(readBytes(IMPLICIT), original, '7FE00010')!)).toBe(true);
  });
});

describe('PS3.18 8.7: Accept variants', () => {
  const variants: [string, string][] = [
    ['unquoted type', 'multipart/related; type=application/dicom; transfer-syntax=*'],
    ['explicit stored syntax', `multipart/related; type="application/dicom"; transfer-syntax=${TS.explicitLE}`],
    ['no transfer-syntax (default Explicit VR Little Endian, 8.7.3.5.2)', 'multipart/related; type="application/dicom"'],
    ['*/* (Orthanc; the default media type of the resource, 8.7.5)', '*/*'],
    [
      'several ranges with q-values',
      `application/json;q=0.1, multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.50;q=0.2, multipart/related; type="application/dicom"; transfer-syntax=*;q=0.9`,
    ],
    ['type parameter in another case and order', 'multipart/related; transfer-syntax=*; type="Application/DICOM"'],
  ];
  for (const [name, accept] of variants) {
    it(name, async () => {
      expectInstances(await get(`${t.root}/studies/${C}`, { accept }), STUDY_C);
    });
  }

  it('no Accept header at all: the default representation', async () => {
    expectInstances(await get(`${t.root}/studies/${C}`), STUDY_C);
  });
});

describe('PS3.18 10.4.3 status codes', () => {
  it('406 when nothing acceptable can be produced (image/png on /studies/{s})', async () => {
    const res = await get(`${t.root}/studies/${C}`, { accept: 'image/png' });
    expect(res.status).toBe(406);
  });

  it('406 when every acceptable range has q=0', async () => {
    const res = await get(`${t.root}/studies/${C}`, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*;q=0' });
    expect(res.status).toBe(406);
  });

  it('JPEG instance asked as Explicit VR Little Endian: transcoded (part says so) or 406', async () => {
    const res = await get(instanceUrl(JPEG), { accept: `multipart/related; type="application/dicom"; transfer-syntax=${TS.explicitLE}` });
    expect([200, 406]).toContain(res.status);
    if (res.status === 200) {
      const p = readMultipart(res).parts[0];
      expect(parseMediaType(p?.headers['content-type'])?.params['transfer-syntax']).toBe(TS.explicitLE);
      expect(sha256(p!.body)).not.toBe(JPEG.sha256);
    }
  });

  it('404 for an unknown study', async () => {
    const res = await get(`${t.root}/studies/1.2.826.0.1.3680043.9.9999.1`, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
    expect(res.status).toBe(404);
  });

  it('404 for an unknown series of a known study', async () => {
    const res = await get(`${t.root}/studies/${C}/series/1.2.826.0.1.3680043.9.9999.2`, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
    expect(res.status).toBe(404);
  });

  it('404 for an unknown instance of a known series', async () => {
    const res = await get(`${t.root}/studies/${C}/series/${C_SMART}/instances/1.2.826.0.1.3680043.9.9999.3`, {
      accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
    });
    expect(res.status).toBe(404);
  });

  it('404 for an instance addressed under the wrong study', async () => {
    const r = STUDY_C[0]!;
    const res = await get(`${t.root}/studies/${JPEG.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`, {
      accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
    });
    expect(res.status).toBe(404);
  });
});
