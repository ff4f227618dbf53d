/**
 * PS3.18 10.4.1.1.4 frames resources: /frames/{frame-list} as multipart/related of
 * application/octet-stream (native) or the stored compressed media (8.7.3.5.2).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { elementValue, encapsulatedFrame, parse } from './harness/dicomfile.js';
import { get, parseMediaType, readMultipart, type Part } from './harness/http.js';
import { seed } from './harness/stow.js';
import { startTarget, type Target } from './harness/target.js';
import { CANONICAL, TS, canonical, md5, readBytes, type ManifestRow } from './harness/testdata.js';

let t: Target;
let seedFailures: string[] = [];
// Native Little Endian, 8/16-bit, interleaved: concatenated frames are the Pixel Data
// value and their MD5 is the manifest's pixel_md5.
const NATIVE = CANONICAL.filter(
  (r) =>
    (r.transferSyntaxUid === TS.explicitLE || r.transferSyntaxUid === TS.implicitLE) &&
    (r.bitsAllocated === 8 || r.bitsAllocated === 16) &&
    r.frames > 1 &&
    r.planarConfiguration !== 1 &&
    /^[0-9a-f]{32}$/.test(r.pixelMd5),
);
const NM = canonical('files/dcm4che/NM-MONO2-16-13x-heart.dcm');
const JPEG = canonical('files/pydicom/examples_ybr_color.dcm'); // 30 frames, one fragment each
const JLS = canonical('files/highdicom/sm_image_jpegls.dcm'); // 25 frames
const RLE = canonical('files/dcm4che/US-PAL-8-10x-echo.dcm'); // 10 frames
const ENCAPSULATED = [JPEG, JLS, RLE];
const OHIF_ACCEPT = 'multipart/related; type=application/octet-stream; transfer-syntax=*';

beforeAll(async () => {
  t = await startTarget();
  expect(NATIVE.length).toBeGreaterThanOrEqual(4);
  expect(NATIVE).toContain(NM);
  seedFailures = await seed(t.root, [...NATIVE, ...ENCAPSULATED]);
});
afterAll(async () => {
  await t?.stop();
});

it('test data is stored (PS3.18 10.5)', () => {
  expect(seedFailures).toEqual([]);
});

const framesUrl = (r: ManifestRow, list: string): string => `${t.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}/frames/${list}`;
const frameLength = (r: ManifestRow): number => (r.rows * r.cols * r.samplesPerPixel * r.bitsAllocated) / 8;
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

async function frames(r: ManifestRow, list: string, accept = OHIF_ACCEPT): Promise<readonly Part[]> {
  const res = await get(framesUrl(r, list), { accept });
  expect(res.status, `${r.file} frames/${list}: ${res.text().slice(0, 200)}`).toBe(200);
  const mp = readMultipart(res);
  expect(mp.startsWithBoundary, 'body starts with --boundary').toBe(true);
  return mp.parts;
}

function expectPartType(p: Part, mediaType: string, ts: string): void {
  const ct = parseMediaType(p.headers['content-type']);
  expect(ct, 'every part has a Content-Type').toBeDefined();
  expect(ct?.type).toBe(mediaType);
  expect(ct?.params['transfer-syntax'], 'every part Content-Type carries transfer-syntax').toBe(ts);
}

describe('PS3.18 10.4.1.1.4: native frames', () => {
  it('/frames/1 of a multi-frame 16-bit file: application/octet-stream with transfer-syntax, exact length and bytes', async () => {
    const bytes = readBytes(NM);
    const pixels = elementValue(bytes, parse(bytes), '7FE00010')!;
    const [p, ...rest] = await frames(NM, '1');
    expect(rest).toHaveLength(0);
    expectPartType(p!, 'application/octet-stream', TS.explicitLE);
    expect(p!.body.length).toBe(frameLength(NM));
    expect(p!.body.equals(pixels.subarray(0, frameLength(NM)))).toBe(true);
  });

  it('/frames/1,2,3: three parts, in order', async () => {
    const bytes = readBytes(NM);
    const pixels = elementValue(bytes, parse(bytes), '7FE00010')!;
    const parts = await frames(NM, '1,2,3');
    expect(parts).toHaveLength(3);
    const n = frameLength(NM);
    parts.forEach((p, i) => {
      expectPartType(p, 'application/octet-stream', TS.explicitLE);
      expect(p.body.equals(pixels.subarray(i * n, (i + 1) * n)), `frame ${i + 1}`).toBe(true);
    });
  });

  it('frames out of order and repeated come back as asked (/frames/3,1)', async () => {
    const bytes = readBytes(NM);
    const pixels = elementValue(bytes, parse(bytes), '7FE00010')!;
    const n = frameLength(NM);
    const parts = await frames(NM, '3,1');
    expect(parts).toHaveLength(2);
    expect(parts[0]!.body.equals(pixels.subarray(2 * n, 3 * n))).toBe(true);
    expect(parts[1]!.body.equals(pixels.subarray(0, n))).toBe(true);
  });

  it('all frames of every native LE multi-frame file concatenate to the Pixel Data (manifest pixel_md5)', async () => {
    const bad: string[] = [];
    for (const r of NATIVE) {
      const parts = await frames(r, range(r.frames).join(','));
      const all = Buffer.concat(parts.map((p) => p.body));
      if (parts.length !== r.frames) bad.push(`${r.file}: ${parts.length} parts for ${r.frames} frames`);
      else if (md5(all) !== r.pixelMd5) bad.push(`${r.file}: md5 ${md5(all)} != ${r.pixelMd5}`);
    }
    expect(bad).toEqual([]);
  }, 120_000);

  it('Accept with the explicit stored syntax (quoted)', async () => {
    const parts = await frames(NM, '2', `multipart/related; type="application/octet-stream"; transfer-syntax=${TS.explicitLE}`);
    expectPartType(parts[0]!, 'application/octet-stream', TS.explicitLE);
  });
});

describe('PS3.18 10.4.1.1.4: encapsulated frames as stored (transfer-syntax=*)', () => {
  for (const r of ENCAPSULATED) {
    it(`${r.file} (${r.tsName}): /frames/1 and /frames/1,2,3 equal the stored fragments`, async () => {
      const file = parse(readBytes(r));
      const one = await frames(r, '1');
      expect(one).toHaveLength(1);
      const three = await frames(r, '1,2,3');
      expect(three).toHaveLength(3);
      for (const [i, p] of [[0, one[0]!] as const, ...three.map((p, i) => [i, p] as const)]) {
        const ct = parseMediaType(p.headers['content-type']);
        // OHIF asks for type=application/octet-stream; transfer-syntax=*: the part must
        // say which syntax it holds, else the viewer decodes garbage.
        expect(ct?.params['transfer-syntax'], 'transfer-syntax of the part').toBe(r.transferSyntaxUid);
        const want = encapsulatedFrame(file, i);
        // a trailing pad byte of the last fragment may be dropped or kept
        const same = p.body.equals(want) || p.body.equals(want.subarray(0, want.length - 1)) || p.body.subarray(0, want.length).equals(want);
        expect(same, `frame ${i + 1}: ${p.body.length} bytes vs stored ${want.length}`).toBe(true);
      }
    });
  }

  it('the compressed media type itself is acceptable (image/jpeg for JPEG Baseline, 8.7.3.5.2)', async () => {
    const parts = await frames(JPEG, '2', 'multipart/related; type="image/jpeg"; transfer-syntax=1.2.840.10008.1.2.4.50');
    expect(parts).toHaveLength(1);
    expectPartType(parts[0]!, 'image/jpeg', '1.2.840.10008.1.2.4.50');
  });
});

describe('PS3.18 10.4.1.1.4: invalid frame numbers', () => {
  // Frame numbers start at 1 (PS3.18 8.3.? frame-list = 1*uint, PS3.3 C.7.6.6). A
  // number outside the instance's frames is a bad request or names a resource that
  // does not exist: 400 or 404 are both accepted.
  it('frame 0', async () => {
    const res = await get(framesUrl(NM, '0'), { accept: OHIF_ACCEPT });
    expect([400, 404]).toContain(res.status);
  });

  it('a frame past the end', async () => {
    const res = await get(framesUrl(NM, String(NM.frames + 1)), { accept: OHIF_ACCEPT });
    expect([400, 404]).toContain(res.status);
  });

  it('a list with one bad number fails as a whole', async () => {
    const res = await get(framesUrl(NM, `1,${NM.frames + 5}`), { accept: OHIF_ACCEPT });
    expect([400, 404]).toContain(res.status);
  });

  it('a non-numeric frame list: 400', async () => {
    const res = await get(framesUrl(NM, 'abc'), { accept: OHIF_ACCEPT });
    expect(res.status).toBe(400);
  });
});
