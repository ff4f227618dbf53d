/**
 * PS3.18 8.7 media types and content negotiation (8.7.1 Accept, 8.7.3 multipart,
 * 8.7.5 defaults) across resources.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, parseMediaType, readMultipart } from './harness/http.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { TS, canonical, sha256 } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
const X = canonical('files/pydicom/dicomdirtests/77654033/CR1/6154.dcm');
const JPEG = canonical('files/pydicom/examples_ybr_color.dcm');

beforeAll(async () => {
  t = await startTarget();
  seedFailures = await seed(t.root, [X, JPEG]);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const inst = (r: typeof X): string => `${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`;

describe('metadata (application/dicom+json)', () => {
  for (const accept of ['application/dicom+json', '*/*', 'application/*', 'application/dicom+json; charset=utf-8', 'image/png;q=0.9, application/dicom+json;q=0.5']) {
    it(`Accept: ${accept} → 200 application/dicom+json`, async () => {
      const res = await get(`${inst(X)}/metadata`, { accept });
      expect(res.status).toBe(200);
      expect(parseMediaType(res.headers['content-type'])?.type).toBe('application/dicom+json');
    });
  }

  it('Accept: image/png only → 406', async () => {
    const res = await get(`${inst(X)}/metadata`, { accept: 'image/png' });
    expect(res.status).toBe(406);
  });
});

describe('QIDO (application/dicom+json)', () => {
  it('Accept: */* (Orthanc) → 200 application/dicom+json', async () => {
    const res = await get(`${t.root}/studies?StudyInstanceUID=${X.studyUid}`, { accept: '*/*' });
    expect(res.status).toBe(200);
    expect(parseMediaType(res.headers['content-type'])?.type).toBe('application/dicom+json');
  });

  it('Accept: text/html only → 406', async () => {
    const res = await get(`${t.root}/studies?StudyInstanceUID=${X.studyUid}`, { accept: 'text/html' });
    expect(res.status).toBe(406);
  });
});

describe('instances', () => {
  it('multipart/related without type → the default, application/dicom (8.7.5)', async () => {
    const res = await get(inst(X), { accept: 'multipart/related' });
    expect(res.status).toBe(200);
    const mp = readMultipart(res);
    expect(parseMediaType(mp.parts[0]?.headers['content-type'])?.type).toBe('application/dicom');
    expect(sha256(mp.parts[0]!.body)).toBe(X.sha256);
  });

  it('a wildcard transfer-syntax among specific ones picks a syntax the instance has', async () => {
    const res = await get(inst(JPEG), {
      accept: `multipart/related; type="application/dicom"; transfer-syntax=1.2.840.10008.1.2.4.90, multipart/related; type="application/dicom"; transfer-syntax=*;q=0.5`,
    });
    expect(res.status).toBe(200);
    const p = readMultipart(res).parts[0]!;
    expect(parseMediaType(p.headers['content-type'])?.params['transfer-syntax']).toBe(JPEG.transferSyntaxUid);
    expect(sha256(p.body)).toBe(JPEG.sha256);
  });

  it('multipart/related; type=image/png on an instance resource (not a media type of instances) → 406', async () => {
    const res = await get(inst(X), { accept: 'multipart/related; type="image/png"' });
    expect(res.status).toBe(406);
  });
});

describe('frames', () => {
  it('type=application/octet-stream without transfer-syntax (8.7.3.5.2): the default, or the lossy data as stored (8.7.3), or 406', async () => {
    // PS3.18 8.7.3: without a Transfer Syntax parameter the default applies "unless the
    // origin server has only access to the pixel data in lossy compressed form"; this
    // file is JPEG Baseline (lossy), so the stored syntax, labelled, is conformant too.
    const res = await get(`${inst(JPEG)}/frames/1`, { accept: 'multipart/related; type="application/octet-stream"' });
    expect([200, 406]).toContain(res.status);
    if (res.status === 200) {
      const p = readMultipart(res).parts[0]!;
      const ts = parseMediaType(p.headers['content-type'])?.params['transfer-syntax'] ?? TS.explicitLE;
      expect([TS.explicitLE, '1.2.840.10008.1.2.4.50']).toContain(ts);
      if (ts === TS.explicitLE) expect(p.body.length).toBe(JPEG.rows * JPEG.cols * JPEG.samplesPerPixel);
      else expect([p.body[0], p.body[1]], 'a JPEG stream starts with SOI').toEqual([0xff, 0xd8]);
    }
  });

  it('native frame: Accept */* gets application/octet-stream parts with transfer-syntax', async () => {
    const res = await get(`${inst(X)}/frames/1`, { accept: '*/*' });
    expect(res.status).toBe(200);
    const p = readMultipart(res).parts[0]!;
    const ct = parseMediaType(p.headers['content-type']);
    expect(ct?.type).toBe('application/octet-stream');
    expect(ct?.params['transfer-syntax']).toBe(TS.explicitLE);
  });
});
