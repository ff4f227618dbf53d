/**
 * PS3.18 10.5 Store Transaction (STOW-RS).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, readMultipart } from './harness/http.js';
import { items, multipartBody, newBoundary, postStudies, stow, stowContentType } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { CANONICAL, MANIFEST, TS, canonical, readBytes, row, sha256, type ManifestRow } from './harness/testdata.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.stop();
});

const CR1 = canonical('files/pydicom/dicomdirtests/77654033/CR1/6154.dcm');
const CR2 = canonical('files/pydicom/dicomdirtests/77654033/CR2/6247.dcm');
const CT_B = canonical('files/pydicom/dicomdirtests/98892001/CT2N/6293.dcm');
const GARBAGE = Buffer.from('this is not a DICOM Part 10 file '.repeat(20), 'latin1');
const INSTANCE_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/** PS3.18 10.5.3.2: a store response is one application/dicom+json object. */
function expectDicomJsonObject(r: Awaited<ReturnType<typeof stow>>): void {
  expect(r.res.headers['content-type'] ?? '', 'Content-Type of the store response').toMatch(/^application\/dicom\+json\b/i);
  expect(r.json, `body: ${r.res.text().slice(0, 300)}`).toBeTypeOf('object');
  expect(Array.isArray(r.json), 'store response must be a single JSON object, not an array').toBe(false);
}

function expectReferenced(r: Awaited<ReturnType<typeof stow>>, rows: readonly ManifestRow[]): void {
  const refs = items(r.json, '00081199');
  for (const x of rows) {
    const it = refs.find((i) => i.sopInstance === x.sopUid);
    expect(it, `00081199 item for ${x.file}`).toBeDefined();
    expect(it?.sopClass, `ReferencedSOPClassUID (00081150) for ${x.file}`).toMatch(/^[0-9.]+$/);
    expect(it?.retrieveUrl, `RetrieveURL (00081190) for ${x.file}`).toMatch(/\/studies\/[0-9.]+\/series\/[0-9.]+\/instances\/[0-9.]+$/);
  }
}

describe('PS3.18 10.5: single instance', () => {
  it('answers 200 with application/dicom+json holding ReferencedSOPSequence with class, instance and RetrieveURL', async () => {
    const r = await stow(t.root, [CR1]);
    expect(r.status, r.res.text().slice(0, 500)).toBe(200);
    expectDicomJsonObject(r);
    expectReferenced(r, [CR1]);
    const refs = items(r.json, '00081199');
    expect(refs).toHaveLength(1);
    expect(refs[0]?.retrieveUrl).toContain(`/studies/${CR1.studyUid}/series/${CR1.seriesUid}/instances/${CR1.sopUid}`);
    expect(items(r.json, '00081198'), 'no FailedSOPSequence on full success').toHaveLength(0);
  });

  it('the RetrieveURL returns the stored instance', async () => {
    const r = await stow(t.root, [CR1]);
    const url = items(r.json, '00081199')[0]?.retrieveUrl ?? '';
    const abs = new URL(url, t.root + '/').toString();
    const res = await get(abs, { accept: INSTANCE_ACCEPT });
    expect(res.status).toBe(200);
    const mp = readMultipart(res);
    expect(mp.parts).toHaveLength(1);
    expect(sha256(mp.parts[0]!.body)).toBe(CR1.sha256);
  });

  it('storing identical bytes twice succeeds both times (PS3.18 10.5.3: 202 with a warning is allowed)', async () => {
    const a = await stow(t.root, [CR2]);
    const b = await stow(t.root, [CR2]);
    for (const r of [a, b]) {
      expect([200, 202], r.res.text().slice(0, 300)).toContain(r.status);
      expectReferenced(r, [CR2]);
      expect(items(r.json, '00081198')).toHaveLength(0);
    }
  });
});

describe('PS3.18 10.5.1: request media type variants (RFC 2387 parameters may be quoted or not)', () => {
  const variants: [string, { quoteType: boolean; quoteBoundary: boolean }][] = [
    ['type and boundary quoted', { quoteType: true, quoteBoundary: true }],
    ['type and boundary unquoted (Orthanc)', { quoteType: false, quoteBoundary: false }],
    ['type quoted, boundary unquoted', { quoteType: true, quoteBoundary: false }],
    ['type unquoted, boundary quoted', { quoteType: false, quoteBoundary: true }],
  ];
  for (const [name, v] of variants) {
    it(name, async () => {
      const r = await stow(t.root, [CT_B], v);
      expect(r.status, r.res.text().slice(0, 300)).toBe(200);
      expectReferenced(r, [CT_B]);
    });
  }

  it('parameters in another order, extra whitespace and a start parameter', async () => {
    const boundary = newBoundary();
    const body = multipartBody([{ body: readBytes(CT_B) }], boundary);
    const r = await postStudies(t.root, body, `Multipart/Related ;  boundary=${boundary} ; type="application/dicom"`);
    expect(r.status, r.res.text().slice(0, 300)).toBe(200);
    expectReferenced(r, [CT_B]);
  });

  it('part Content-Type with a transfer-syntax parameter', async () => {
    const r = await stow(t.root, [{ body: readBytes(CT_B), contentType: `application/dicom; transfer-syntax=${CT_B.transferSyntaxUid}` }]);
    expect(r.status, r.res.text().slice(0, 300)).toBe(200);
    expectReferenced(r, [CT_B]);
  });

  it('chunked request body (Transfer-Encoding: chunked, no Content-Length)', async () => {
    const rows = CANONICAL.filter((r) => r.file.includes('dicomdirtests/98892001/'));
    const r = await stow(t.root, rows, { chunked: true, quoteBoundary: false, quoteType: false });
    expect(r.status, r.res.text().slice(0, 300)).toBe(200);
    expectReferenced(r, rows);
  });
});

describe('PS3.18 10.5: many parts in one request', () => {
  it('every file of the canonical set in one chunked request: one 00081199 item per instance', async () => {
    const r = await stow(t.root, CANONICAL, { chunked: true });
    expectDicomJsonObject(r);
    const failed = items(r.json, '00081198');
    const refs = items(r.json, '00081199');
    const missing = CANONICAL.filter((x) => !refs.some((i) => i.sopInstance === x.sopUid)).map((x) => `${x.file} (${x.tsName})`);
    expect(missing, 'instances without a 00081199 item').toEqual([]);
    expect(refs).toHaveLength(CANONICAL.length);
    expect(failed).toHaveLength(0);
    expect(r.status).toBe(200);
  }, 300_000);

  it('every stored instance is retrievable byte-identical (SHA-256 of the file = SHA-256 of the part), Implicit VR and Big Endian ones as Explicit VR LE', async () => {
    await stow(t.root, CANONICAL, { chunked: true });
    const bad: string[] = [];
    for (const x of CANONICAL) {
      const res = await get(`${t.root}/studies/${x.studyUid}/series/${x.seriesUid}/instances/${x.sopUid}`, { accept: INSTANCE_ACCEPT });
      if (res.status !== 200) {
        bad.push(`${x.file}: HTTP ${res.status}`);
        continue;
      }
      const parts = readMultipart(res).parts;
      if (parts.length !== 1) {
        bad.push(`${x.file}: ${parts.length} part(s)`);
      } else if (x.transferSyntaxUid === TS.implicitLE || x.transferSyntaxUid === TS.explicitBE) {
        // PS3.18 8.7.3: these syntaxes are not used on the web; the instance comes back in Explicit VR LE.
        const body = parts[0]!.body;
        if (!(parts[0]!.headers['content-type'] ?? '').includes(`transfer-syntax=${TS.explicitLE}`)) bad.push(`${x.file}: not sent as Explicit VR LE`);
        else if (!body.includes(Buffer.from(x.sopUid, 'latin1'))) bad.push(`${x.file}: another instance came back`);
      } else if (x.tags.includes('no-meta') || x.tags.includes('no-preamble')) {
        // A file received without preamble or meta header must still come back as
        // Part 10 (PS3.10 7.1, PS3.18 8.7.3.1): a header may precede the received bytes.
        const body = parts[0]!.body;
        const received = readBytes(x);
        const tail = body.subarray(body.length - received.length);
        if (body.subarray(128, 132).toString('latin1') !== 'DICM') bad.push(`${x.file}: not Part 10 (no DICM at 128)`);
        else if (sha256(tail) !== x.sha256) bad.push(`${x.file}: the received bytes are not kept after the header`);
      } else if (sha256(parts[0]!.body) !== x.sha256) {
        bad.push(`${x.file}: bytes differ`);
      }
    }
    expect(bad).toEqual([]);
  }, 300_000);
});

describe('PS3.18 10.5.3: response media types', () => {
  it('Accept: application/dicom+xml gets the store response in the Native DICOM Model (PS3.19)', async () => {
    const boundary = newBoundary();
    const r = await postStudies(t.root, multipartBody([{ body: readBytes(CR1) }], boundary), stowContentType(boundary), {
      accept: 'application/dicom+xml',
    });
    expect([200, 202]).toContain(r.status);
    expect(r.res.headers['content-type']).toMatch(/^application\/dicom\+xml/);
    const xml = r.res.body.toString('utf8');
    expect(xml).toMatch(/<NativeDicomModel[^>]*>/);
    expect(xml).toMatch(/<DicomAttribute tag="00081199" vr="SQ"[^>]*>\s*<Item number="1">/);
    expect(xml).toContain(CR1.sopUid);
  });
});

describe('PS3.18 10.5.3: failures', () => {
  it('a malformed part among good ones: 202, FailedSOPSequence item with FailureReason, the good ones stored', async () => {
    const r = await stow(t.root, [CR1, GARBAGE, CT_B]);
    expect(r.status, r.res.text().slice(0, 500)).toBe(202);
    expectDicomJsonObject(r);
    expectReferenced(r, [CR1, CT_B]);
    const failed = items(r.json, '00081198');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.failureReason, 'FailureReason (00081197) is a US number').toBeTypeOf('number');
    const res = await get(`${t.root}/studies/${CT_B.studyUid}/series/${CT_B.seriesUid}/instances/${CT_B.sopUid}`, { accept: INSTANCE_ACCEPT });
    expect(res.status).toBe(200);
  });

  it('all parts bad: 409 with a FailedSOPSequence item per part', async () => {
    const r = await stow(t.root, [GARBAGE, Buffer.from('also not DICOM', 'latin1')]);
    expect(r.status, r.res.text().slice(0, 500)).toBe(409);
    expectDicomJsonObject(r);
    expect(items(r.json, '00081198')).toHaveLength(2);
    expect(items(r.json, '00081199')).toHaveLength(0);
  });

  it('POST /studies/{study}: a part of another study fails alone (StudyInstanceUID mismatch)', async () => {
    const other = CR1; // study of patient 77654033, not CT_B's study
    expect(other.studyUid).not.toBe(CT_B.studyUid);
    const r = await stow(t.root, [CT_B, other], { study: CT_B.studyUid });
    expect(r.status, r.res.text().slice(0, 500)).toBe(202);
    expectReferenced(r, [CT_B]);
    const failed = items(r.json, '00081198');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.sopInstance).toBe(other.sopUid);
    expect(failed[0]?.failureReason).toBeTypeOf('number');
  });

  it('POST /studies/{study} with only a mismatched part: 409', async () => {
    const r = await stow(t.root, [CR1], { study: CT_B.studyUid });
    expect(r.status, r.res.text().slice(0, 500)).toBe(409);
    expect(items(r.json, '00081198')[0]?.sopInstance).toBe(CR1.sopUid);
  });

  it('DICOMDIR and files without UIDs get a per-part failure, not a crash', async () => {
    const odd = MANIFEST.filter((x) => x.expect === 'odd' && (x.file.includes('DICOMDIR') || x.tags.includes('no-SOPUID')));
    expect(odd.length).toBeGreaterThan(3);
    const r = await stow(t.root, odd);
    expect(r.status, r.res.text().slice(0, 500)).toBe(409);
    expect(items(r.json, '00081198')).toHaveLength(odd.length);
    expect(await t.alive()).toBe(true);
  });
});

describe('PS3.18 10.5.1 / 8.6: unusable request bodies', () => {
  it('a body that is not multipart/related: 415', async () => {
    const r = await postStudies(t.root, readBytes(CR1), 'application/octet-stream');
    expect(r.status).toBe(415);
  });

  it('text/plain garbage: 415', async () => {
    const r = await postStudies(t.root, Buffer.from('hello'), 'text/plain');
    expect(r.status).toBe(415);
  });

  it('multipart/related whose body holds no boundary at all: 400', async () => {
    const r = await postStudies(t.root, Buffer.from('no boundary anywhere in here\r\n'.repeat(10)), stowContentType(newBoundary()));
    expect(r.status).toBe(400);
    expect(await t.alive()).toBe(true);
  });

  it('multipart/related without a boundary parameter: 400', async () => {
    const r = await postStudies(t.root, multipartBody([{ body: readBytes(CR1) }], 'b'), 'multipart/related; type="application/dicom"');
    expect([400, 415]).toContain(r.status);
  });

  it('truncated multipart body (no close delimiter, cut inside a part): 400, or 202 reporting the part that failed', async () => {
    // PS3.18 10.5.3: 400 means the server "was unable to store any instances"; a server
    // that stored the complete first part before the cut must say so with 202 and a
    // Failed SOP Sequence item, and must not have stored the truncated part.
    const boundary = newBoundary();
    const whole = multipartBody([{ body: readBytes(CR1) }, { body: readBytes(CT_B) }], boundary);
    const cut = whole.subarray(0, whole.length - Math.floor(readBytes(CT_B).length / 2));
    const r = await postStudies(t.root, cut, stowContentType(boundary));
    expect([400, 202], r.res.text().slice(0, 300)).toContain(r.status);
    if (r.status === 202) {
      expect(items(r.json, '00081198').length, 'a FailedSOPSequence item for the cut part').toBeGreaterThan(0);
      const stored = items(r.json, '00081199').map((item) => item.sopInstance);
      expect(stored).not.toContain(CT_B.sopUid);
    }
    expect(await t.alive()).toBe(true);
  });
});

describe('robustness of STOW', () => {
  it('the deeply nested sequence file does not crash the server', async () => {
    const deep = row('files/orthanc-tests/2026-05-06-Deeply-Nested-Sequence.dcm');
    const r = await stow(t.root, [deep]).catch((e: unknown) => e as Error);
    expect(await t.alive(), 'server still answering after the deeply nested file').toBe(true);
    if (r instanceof Error) expect.fail(`the STOW request itself failed: ${r.message}`);
    expect(r.status).toBeLessThan(500);
    expect(r.status, 'the STOW route answered (not 404/405)').not.toBeOneOf([404, 405]);
  }, 120_000);

  it('every malformed or odd file, one per request: a 2xx/4xx answer, never a crash', async () => {
    const rows = MANIFEST.filter((x) => x.expect !== 'valid' && !x.file.includes('Deeply-Nested'));
    const bad: string[] = [];
    for (const x of rows) {
      const r = await stow(t.root, [x]).catch((e: unknown) => e as Error);
      if (r instanceof Error) {
        bad.push(`${x.file}: ${r.message}`);
        if (!(await t.alive())) break;
        continue;
      }
      if (r.status >= 500 || r.status < 200 || r.status === 404 || r.status === 405) bad.push(`${x.file}: ${r.status}`);
      if ([200, 202, 409].includes(r.status) && r.json === undefined) bad.push(`${x.file}: ${r.status} without a DICOM JSON body`);
    }
    expect(bad).toEqual([]);
    expect(await t.alive()).toBe(true);
  }, 300_000);
});
