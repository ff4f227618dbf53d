/**
 * PS3.18 10.4.1.1.3 bulkdata resources: every BulkDataURI in metadata answers, with
 * the element's value, and byte ranges (RFC 9110 14) are honoured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkDataUris, type Dataset } from './harness/dicomjson.js';
import { elementValue, parse } from './harness/dicomfile.js';
import { get, parseMediaType, readMultipart, type Response } from './harness/http.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { TS, canonical, readBytes, type ManifestRow } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
const NATIVE = [
  canonical('files/pydicom-data/emri_small.dcm'),
  canonical('files/dcm4che/NM-MONO2-16-13x-heart.dcm'),
  canonical('files/pydicom/dicomdirtests/98892001/CT2N/6293.dcm'),
];
const PALETTE = canonical('files/dcm4che/US-PAL-8-10x-echo.dcm');
const ALL = [...NATIVE, PALETTE];

beforeAll(async () => {
  t = await startTarget();
  expect(NATIVE.every((r) => r.transferSyntaxUid === TS.explicitLE)).toBe(true);
  seedFailures = await seed(t.root, ALL);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const BULK_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';
const instanceUrl = (r: ManifestRow): string => `${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`;

async function metadataOf(r: ManifestRow): Promise<{ url: string; ds: Dataset }> {
  const url = `${instanceUrl(r)}/metadata`;
  const res = await get(url, { accept: 'application/dicom+json' });
  expect(res.status).toBe(200);
  return { url, ds: (res.json() as Dataset[])[0]! };
}

/** The payload of a bulkdata response: the single part of a multipart, or the body. */
function payload(res: Response): Buffer {
  const mt = parseMediaType(res.headers['content-type']);
  if (mt?.type === 'multipart/related') {
    const parts = readMultipart(res).parts;
    expect(parts).toHaveLength(1);
    return parts[0]!.body;
  }
  return res.body;
}

describe('PS3.18 10.4.1.1.3: bulkdata', () => {
  it('every BulkDataURI answers 200', async () => {
    const bad: string[] = [];
    let n = 0;
    for (const r of ALL) {
      const { url, ds } = await metadataOf(r);
      for (const b of bulkDataUris(ds)) {
        n++;
        const res = await get(new URL(b.uri, url).toString(), { accept: BULK_ACCEPT });
        if (res.status !== 200) bad.push(`${r.file} ${b.path}: ${res.status}`);
      }
    }
    expect(n).toBeGreaterThanOrEqual(ALL.length);
    expect(bad).toEqual([]);
  });

  it('top-level bulk values of native Little Endian files equal the stored value bytes', async () => {
    const bad: string[] = [];
    for (const r of [...NATIVE, PALETTE]) {
      const bytes = readBytes(r);
      const file = parse(bytes);
      const { url, ds } = await metadataOf(r);
      for (const b of bulkDataUris(ds).filter((x) => !x.path.includes('/'))) {
        const want = elementValue(bytes, file, b.tag);
        if (!want) continue; // encapsulated Pixel Data: see the frames suite
        const res = await get(new URL(b.uri, url).toString(), { accept: BULK_ACCEPT });
        const got = res.status === 200 ? payload(res) : undefined;
        if (!got || !got.equals(want)) bad.push(`${r.file} ${b.tag}: ${res.status}, ${got?.length ?? 0} bytes vs ${want.length}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('Range: bytes=0-99 on Pixel Data answers 206 with the first 100 bytes', async () => {
    for (const r of NATIVE) {
      const bytes = readBytes(r);
      const want = elementValue(bytes, parse(bytes), '7FE00010')!.subarray(0, 100);
      const { url, ds } = await metadataOf(r);
      const uri = ds['7FE00010']?.BulkDataURI;
      expect(typeof uri).toBe('string');
      const res = await get(new URL(String(uri), url).toString(), { accept: `application/octet-stream, ${BULK_ACCEPT}`, range: 'bytes=0-99' });
      expect(res.status, r.file).toBe(206);
      const got = payload(res);
      expect(got.length).toBe(100);
      expect(got.equals(want)).toBe(true);
    }
  });

  it('Range: bytes=-10 (suffix) answers the last 10 bytes', async () => {
    const r = NATIVE[0]!;
    const bytes = readBytes(r);
    const value = elementValue(bytes, parse(bytes), '7FE00010')!;
    const { url, ds } = await metadataOf(r);
    const res = await get(new URL(String(ds['7FE00010']?.BulkDataURI), url).toString(), { accept: `application/octet-stream, ${BULK_ACCEPT}`, range: 'bytes=-10' });
    expect(res.status).toBe(206);
    expect(payload(res).equals(value.subarray(value.length - 10))).toBe(true);
  });

  it('an unsatisfiable range answers 416', async () => {
    const r = NATIVE[0]!;
    const { url, ds } = await metadataOf(r);
    const res = await get(new URL(String(ds['7FE00010']?.BulkDataURI), url).toString(), {
      accept: `application/octet-stream, ${BULK_ACCEPT}`,
      range: 'bytes=999999999-',
    });
    expect(res.status).toBe(416);
  });
});
