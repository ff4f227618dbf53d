import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, readMultipart, type Response } from '../../conformance/harness/http.js';
import { items, stow } from '../../conformance/harness/stow.js';
import { readBytes, row, type ManifestRow } from '../../conformance/harness/testdata.js';
import type { DisplayImage } from '../../src/codecs/render/display-image.js';
import { TenantId } from '../../src/storage/ids.js';
import { dcmtkRender, difference } from '../codecs/render/dcmtk.js';
import { startServer, type TestServer } from './helpers/server.js';

const CT = row('files/DICOMHTJ2K/CT2_UNC.dcm');
const MR = row('files/DICOMHTJ2K/MR1_UNC.dcm');
const CR_MONO1 = row('files/fo-dicom/CR-MONO1-10-chest.dcm');
const RGB = row('files/pydicom-data/US1_UNCR.dcm');
const PALETTE = row('files/pydicom-data/OT-PAL-8-face.dcm');
const MULTIFRAME = row('files/fo-dicom/MOVEKNEE.dcm');
const PDF = row('files/orthanc-tests/sample-pdf.dcm');
const SR = row('files/pydicom/test-SR.dcm');
const SEG = row('files/highdicom/seg_image_ct_binary_overlap.dcm');
const STUDY_DIR = 'files/pydicom/dicomdirtests/98892001/';
const STUDY_FILES = ['CT2N/6293.dcm', 'CT2N/6924.dcm', 'CT5N/2062.dcm', 'CT5N/2392.dcm', 'CT5N/2693.dcm', 'CT5N/3023.dcm', 'CT5N/3353.dcm'].map(
  (f) => row(STUDY_DIR + f),
);
/** JPEG 2000 lossless, and the same image uncompressed (same SOP Instance UID: stored in another tenant). */
const J2K = row('files/pydicom-data/693_J2KR.dcm');
const J2K_TWIN = row('files/pydicom-data/693_UNCR.dcm');
const COMPRESSED = TenantId.parse('compressed');
const SYNTAXES = 'files/orthanc-tests/TransferSyntaxes/';
/** Compressed files decoded by the PixelSource, then rendered; compared with DCMTK's own decoding and rendering. */
const COMPRESSED_CASES: Array<[string, ManifestRow, string, string[], 1 | 3, number, number]> = [
  // Colour: the JPEG decoder upsamples and converts YBR_FULL_422 to RGB, DCMTK's
  // IJG decoder the same way; RLE YBR_FULL is converted by atrium (real-valued
  // equations) and by DCMTK (fixed-point): rounding differences only.
  ['JPEG baseline, YBR_FULL_422', row(`${SYNTAXES}1.2.840.10008.1.2.4.50.dcm`), '', [], 3, 2, 1],
  ['RLE, YBR_FULL colour-by-plane', row('files/orthanc-tests/2023-04-21-RLEPlanarConfigurationYBR_FULL.dcm'), '', [], 3, 2, 1],
  ['JPEG lossless, signed CT', row(`${SYNTAXES}1.2.840.10008.1.2.4.70.dcm`), '', ['+Wi', '1'], 1, 1, 0.6],
  ['JPEG 12-bit, MR', row(`${SYNTAXES}1.2.840.10008.1.2.4.51.dcm`), '', ['+Wi', '1'], 1, 1, 0.6],
  ['RLE, signed NM', row(`${SYNTAXES}1.2.840.10008.1.2.5.dcm`), '?window=500,1000', ['+Ww', '500', '1000'], 1, 1, 0.6],
  ['JPEG lossless MONOCHROME1 CR with a Modality LUT Sequence', row('files/fo-dicom/CR-ModalitySequenceLUT.dcm'), '?window=500,1000', ['+Ww', '500', '1000'], 1, 1, 0.6],
];

let server: TestServer;

const study = (r: ManifestRow, root = server.root) => `${root}/studies/${r.studyUid}`;
const series = (r: ManifestRow, root = server.root) => `${study(r, root)}/series/${r.seriesUid}`;
const instance = (r: ManifestRow, root = server.root) => `${series(r, root)}/instances/${r.sopUid}`;
const compressedRoot = () => `${server.origin}/tenants/${COMPRESSED}/dicom-web`;

/** A response body decoded by sharp (an independent PNG/JPEG/GIF decoder) to raw pixels. */
async function pixels(body: Buffer, channels: 1 | 3): Promise<DisplayImage> {
  const { data, info } = await sharp(body).toColourspace(channels === 1 ? 'b-w' : 'srgb').raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels, data };
}

async function ok(url: string, headers: Record<string, string> = {}): Promise<Response> {
  const res = await get(url, headers);
  expect(res.status, res.text().slice(0, 400)).toBe(200);
  return res;
}

/** The status and message of an error answer. */
async function failure(url: string, headers: Record<string, string> = {}) {
  const res = await get(url, headers);
  const message = res.headers['content-type']?.includes('json') ? String((res.json() as { message?: string }).message) : '';
  return { status: res.status, message };
}

beforeAll(async () => {
  server = await startServer();
  const files = [CT, MR, CR_MONO1, RGB, PALETTE, MULTIFRAME, PDF, SR, SEG, ...STUDY_FILES];
  const stored = await stow(server.root, files);
  expect(items(stored.json, '00081199')).toHaveLength(files.length);
  server.archive.tenants.add(COMPRESSED);
  const compressed = await stow(compressedRoot(), [J2K, ...COMPRESSED_CASES.map((c) => c[1])]);
  expect(items(compressed.json, '00081199')).toHaveLength(1 + COMPRESSED_CASES.length);
});
afterAll(() => server.close());

describe('rendered images compared with DCMTK (dcmj2pnm), over HTTP', () => {
  // Tolerance: at most 1 grey level per sample, mean below 0.6. Both apply
  // PS3.3 C.11.2.1.2 exactly; DCMTK truncates the windowed value to an integer
  // where atrium rounds to the nearest (the standard leaves quantization open),
  // so a sample differs by 0 or 1, never more. Colour images are not windowed
  // (VOI applies to grayscale only, PS3.4 N.2.1.3), and must match exactly.
  const cases: Array<[string, ManifestRow, string, string[], 1 | 3, number]> = [
    ['CT, explicit window', CT, '?window=40,400,LINEAR', ['+Ww', '40', '400'], 1, 1],
    ['CT, the data set window', CT, '', ['+Wi', '1'], 1, 1],
    ['MR, explicit window', MR, '?window=600,1200,linear', ['+Ww', '600', '1200'], 1, 1],
    ['MR, the data set window', MR, '', ['+Wi', '1'], 1, 1],
    ['MONOCHROME1 CR, explicit window', CR_MONO1, '?window=500,800', ['+Ww', '500', '800'], 1, 1],
    ['MONOCHROME1 CR, the data set window', CR_MONO1, '', ['+Wi', '1'], 1, 1],
    ['CT, SIGMOID window', CT, '?window=40,400,SIGMOID', ['+Ww', '40', '400', '+Wfs'], 1, 1],
    ['RGB, a window asked for is not applied', RGB, '?window=40,400', ['+Ww', '40', '400'], 3, 0],
    ['RGB', RGB, '', [], 3, 0],
    ['PALETTE COLOR, a window asked for is not applied', PALETTE, '?window=40,400', ['+Ww', '40', '400'], 3, 0],
    ['PALETTE COLOR', PALETTE, '', [], 3, 0],
  ];
  it.each(cases)('%s', async (_name, r, query, options, channels, tolerance) => {
    const res = await ok(`${instance(r)}/rendered${query}`, { accept: 'image/png' });
    expect(res.headers['content-type']).toBe('image/png');
    const ours = await pixels(res.body, channels);
    const { mean, max } = difference(ours, await dcmtkRender(r.file, options, channels));
    expect(max).toBeLessThanOrEqual(tolerance);
    expect(mean).toBeLessThan(0.6);
  });

  it.each(COMPRESSED_CASES)('%s: decoded, then rendered as DCMTK renders it', async (_name, r, query, options, channels, tolerance, meanTolerance) => {
    const res = await ok(`${instance(r, compressedRoot())}/rendered${query}`, { accept: 'image/png' });
    const { mean, max } = difference(await pixels(res.body, channels), await dcmtkRender(r.file, options, channels));
    expect(max).toBeLessThanOrEqual(tolerance);
    expect(mean).toBeLessThan(meanTolerance);
  });

  it('a JPEG 2000 lossless CT renders as DCMTK renders its uncompressed twin', async () => {
    const res = await ok(`${instance(J2K, compressedRoot())}/rendered?window=40,400`, { accept: 'image/png' });
    const { mean, max } = difference(await pixels(res.body, 1), await dcmtkRender(J2K_TWIN.file, ['+Ww', '40', '400'], 1));
    expect(max).toBeLessThanOrEqual(1);
    expect(mean).toBeLessThan(0.6);
  });
});

describe('Retrieve Rendered resources (PS3.18 10.4.1.1.3)', () => {
  it('an instance: image/jpeg by default, at its own size', async () => {
    const res = await ok(`${instance(CT)}/rendered`);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(await sharp(res.body).metadata()).toMatchObject({ format: 'jpeg', width: 512, height: 512 });
  });

  it('image/png and image/gif on request, by Accept or by the accept query parameter (8.3.3.1)', async () => {
    expect((await ok(`${instance(CT)}/rendered`, { accept: 'image/gif' })).headers['content-type']).toBe('image/gif');
    const viaQuery = await ok(`${instance(CT)}/rendered?accept=image/png`, { accept: 'image/jpeg' });
    expect(viaQuery.headers['content-type']).toBe('image/png');
    expect((await sharp(viaQuery.body).metadata()).format).toBe('png');
    // Quoted or unquoted parameters, q-values: the best acceptable wins.
    expect((await ok(`${instance(CT)}/rendered`, { accept: 'image/jpeg;q=0.5, image/png' })).headers['content-type']).toBe('image/png');
  });

  it('406 for a media type it cannot render, listing the ones it can', async () => {
    const { status, message } = await failure(`${instance(CT)}/rendered`, { accept: 'image/webp' });
    expect(status).toBe(406);
    expect(message).toContain('image/jpeg');
    expect(message).toContain('image/png');
  });

  it('one frame: /frames/1/rendered is the instance rendered', async () => {
    const a = await ok(`${instance(CT)}/frames/1/rendered`, { accept: 'image/png' });
    const b = await ok(`${instance(CT)}/rendered`, { accept: 'image/png' });
    expect(a.body.equals(b.body)).toBe(true);
  });

  it('a multi-frame instance: multipart/related of one image per frame, in order, with Content-Location', async () => {
    const res = await ok(`${instance(MULTIFRAME)}/rendered`, { accept: 'multipart/related; type="image/png"' });
    expect(res.headers['content-type']).toMatch(/^multipart\/related; type="?image\/png"?; boundary=/);
    const { parts } = readMultipart(res);
    expect(parts).toHaveLength(19);
    expect(parts.every((p) => p.headers['content-type'] === 'image/png')).toBe(true);
    expect(parts[4]!.headers['content-location']).toBe(`${instance(MULTIFRAME)}/frames/5/rendered`);
    const fifth = await ok(`${instance(MULTIFRAME)}/frames/5/rendered`, { accept: 'image/png' });
    expect(parts[4]!.body.equals(fifth.body)).toBe(true);
    // */* (or no Accept) also gets the multipart, of the default image/jpeg.
    expect((await ok(`${instance(MULTIFRAME)}/rendered`)).headers['content-type']).toMatch(/^multipart\/related; type="?image\/jpeg"?/);
  });

  it('a multi-frame instance as image/gif: one animated GIF, a page per frame', async () => {
    const res = await ok(`${instance(MULTIFRAME)}/rendered?viewport=64,64`, { accept: 'image/gif' });
    expect(await sharp(res.body, { animated: true }).metadata()).toMatchObject({ format: 'gif', pages: 19, width: 64, pageHeight: 64 });
  });

  it('a multi-frame instance asked as a single-frame type: 406 saying what to ask for (10.4.4)', async () => {
    const { status, message } = await failure(`${instance(MULTIFRAME)}/rendered`, { accept: 'image/jpeg' });
    expect(status).toBe(406);
    expect(message).toContain('multipart/related');
    expect(message).toContain('/frames/{n}/rendered');
  });

  it('a frame list: the frames asked for, in the order asked', async () => {
    const res = await ok(`${instance(MULTIFRAME)}/frames/7,2/rendered`, { accept: 'multipart/related; type=image/png' });
    const locations = readMultipart(res).parts.map((p) => p.headers['content-location']);
    expect(locations).toEqual([`${instance(MULTIFRAME)}/frames/7/rendered`, `${instance(MULTIFRAME)}/frames/2/rendered`]);
  });

  it('a series and a study: multipart/related, every frame of every image instance in series and instance order', async () => {
    const [first] = STUDY_FILES;
    const seriesRes = await ok(`${series(first!)}/rendered`);
    const seriesCount = STUDY_FILES.filter((r) => r.seriesUid === first!.seriesUid).length;
    expect(readMultipart(seriesRes).parts).toHaveLength(seriesCount);
    const studyRes = await ok(`${study(first!)}/rendered`, { accept: 'multipart/related; type="image/png"' });
    const parts = readMultipart(studyRes).parts;
    expect(parts).toHaveLength(STUDY_FILES.length);
    const order = await instanceOrder(first!);
    expect(parts.map((p) => p.headers['content-location'])).toEqual(order.map((o) => `${orderedUrl(o)}/frames/1/rendered`));
  });

  it('a study or series asked as a single-part type: 406, even with one instance (10.4.4)', async () => {
    const { status, message } = await failure(`${study(CT)}/rendered`, { accept: 'image/jpeg' });
    expect(status).toBe(406);
    expect(message).toContain('multipart/related; type="image/jpeg"');
  });

  it('an Encapsulated PDF renders as its document: application/pdf, the exact bytes', async () => {
    const res = await ok(`${instance(PDF)}/rendered`);
    expect(res.headers['content-type']).toBe('application/pdf');
    const file = readBytes(PDF);
    const start = file.indexOf('%PDF-');
    const end = file.lastIndexOf('%%EOF\n') + '%%EOF\n'.length;
    expect(res.body.equals(file.subarray(start, end))).toBe(true);
    expect((await ok(`${instance(PDF)}/rendered`, { accept: 'application/pdf' })).body.equals(res.body)).toBe(true);
    expect((await failure(`${instance(PDF)}/rendered`, { accept: 'image/jpeg' })).status).toBe(406);
  });

  it('a binary segmentation: its 1-bit frames as black and white images', async () => {
    const res = await ok(`${instance(SEG)}/frames/3/rendered`, { accept: 'image/png' });
    const image = await pixels(res.body, 1);
    expect(image).toMatchObject({ width: SEG.cols, height: SEG.rows });
    expect(image.data.every((v) => v === 0 || v === 255)).toBe(true);
    expect(image.data.some((v) => v === 255)).toBe(true);
  });

  it('objects without pixel data (SR) have no rendered image: 406 at the instance and study, 404 for a frame', async () => {
    const { status, message } = await failure(`${instance(SR)}/rendered`);
    expect(status).toBe(406);
    expect(message).toContain('no pixel data');
    expect((await failure(`${study(SR)}/rendered`)).status).toBe(406);
    expect((await failure(`${instance(SR)}/frames/1/rendered`)).status).toBe(404);
  });

  it('unknown resources: 404', async () => {
    const unknown = '1.2.3.4.5.6.7.8.9';
    for (const url of [
      `${server.root}/studies/${unknown}/rendered`,
      `${study(CT)}/series/${unknown}/rendered`,
      `${series(CT)}/instances/${unknown}/rendered`,
      `${instance(CT)}/frames/2/rendered`,
      `${instance(MULTIFRAME)}/frames/1,20/rendered`,
      `${server.root}/studies/${unknown}/thumbnail`,
      `${instance(CT)}/frames/2/thumbnail`,
    ]) {
      expect((await failure(url)).status, url).toBe(404);
    }
  });
});

describe('rendering query parameters (PS3.18 8.3.5.1)', () => {
  const png = { accept: 'image/png' };

  it('window: a different window, a different image; the data set\'s own window, the default image', async () => {
    const [meta] = (await ok(`${instance(CT)}/metadata`)).json() as Array<Record<string, { Value: number[] }>>;
    const [center, width] = [meta!['00281050']!.Value[0], meta!['00281051']!.Value[0]];
    const base = await ok(`${instance(CT)}/rendered`, png);
    const own = await ok(`${instance(CT)}/rendered?window=${center},${width}`, png);
    const bone = await ok(`${instance(CT)}/rendered?window=300,1500`, png);
    expect(own.body.equals(base.body)).toBe(true);
    expect(bone.body.equals(base.body)).toBe(false);
  });

  it('viewport=vw,vh scales to fit keeping the aspect ratio; sx,sy,sw,sh crops first', async () => {
    expect(await sharp((await ok(`${instance(CT)}/rendered?viewport=128,64`, png)).body).metadata()).toMatchObject({ width: 64, height: 64 });
    const crop = await ok(`${instance(CT)}/rendered?viewport=256,256,0,0,256,128`, png);
    expect(await sharp(crop.body).metadata()).toMatchObject({ width: 256, height: 128 });
    const full = await pixels((await ok(`${instance(CT)}/rendered`, png)).body, 1);
    const region = await pixels(crop.body, 1);
    // Unscaled (256x128 region into 256x256): the region's pixels as they are in the whole image.
    for (const [x, y] of [[0, 0], [100, 50], [255, 127]] as const) expect(region.data[y * 256 + x]).toBe(full.data[y * 512 + x]);
  });

  it('viewport with a negative sw mirrors the region', async () => {
    const full = await pixels((await ok(`${instance(CT)}/rendered`, png)).body, 1);
    const mirrored = await pixels((await ok(`${instance(CT)}/rendered?viewport=512,512,512,0,-512,512`, png)).body, 1);
    for (const [x, y] of [[0, 0], [100, 300], [511, 511]] as const) expect(mirrored.data[y * 512 + x]).toBe(full.data[y * 512 + (511 - x)]);
  });

  it('quality: lower quality, smaller JPEG', async () => {
    const low = await ok(`${instance(CT)}/rendered?quality=10`);
    const high = await ok(`${instance(CT)}/rendered?quality=100`);
    expect(low.body.length).toBeLessThan(high.body.length / 2);
  });

  it('annotation and iccprofile are accepted and not applied, which a Warning says', async () => {
    const res = await ok(`${instance(CT)}/rendered?annotation=patient,technique&iccprofile=srgb`, png);
    expect(res.headers['warning']).toMatch(/^299 atrium ".*annotation.*", 299 atrium ".*iccprofile.*"$/);
    const plain = await ok(`${instance(CT)}/rendered`, png);
    expect(res.body.equals(plain.body)).toBe(true);
  });

  it.each([
    ['window=abc', 'window'],
    ['window=40', 'window'],
    ['window=40,0', 'window'],
    ['window=40,0.5,LINEAR', 'window'],
    ['window=40,400,CUBIC', 'window'],
    ['window=40,400&window=50,500', 'window'],
    ['viewport=0,10', 'viewport'],
    ['viewport=10', 'viewport'],
    ['viewport=10,10,1,2,3', 'viewport'],
    ['viewport=10,10,0,0,0,5', 'viewport'],
    ['viewport=10,10,-1,0,5,5', 'viewport'],
    ['viewport=99999,10', 'viewport'],
    ['viewport=10,10,600,0,10,10', 'viewport'],
    ['quality=0', 'quality'],
    ['quality=101', 'quality'],
    ['quality=high', 'quality'],
    ['annotation=everything', 'annotation'],
    ['iccprofile=cmyk', 'iccprofile'],
  ])('%s: 400 naming %s', async (query, name) => {
    const { status, message } = await failure(`${instance(CT)}/rendered?${query}`);
    expect(status).toBe(400);
    expect(message).toContain(`${name}:`);
  });

  it('a bad parameter on a thumbnail is a 400 too', async () => {
    expect((await failure(`${instance(CT)}/thumbnail?viewport=0,0`)).status).toBe(400);
  });
});

describe('Thumbnails (PS3.18 10.4.1.1.4)', () => {
  it('an instance: a small JPEG that fits in 128x128, cacheable by the client only', async () => {
    const res = await ok(`${instance(CT)}/thumbnail`);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, max-age=3600');
    expect(await sharp(res.body).metadata()).toMatchObject({ format: 'jpeg', width: 128, height: 128 });
    expect(res.body.length).toBeLessThan(10_000);
  });

  it('keeps the aspect ratio and never enlarges a small image', async () => {
    expect(await sharp((await ok(`${instance(RGB)}/thumbnail`)).body).metadata()).toMatchObject({ width: 128, height: 96 });
    expect(await sharp((await ok(`${instance(STUDY_FILES[0]!)}/thumbnail`)).body).metadata()).toMatchObject({ width: 16, height: 16 });
  });

  it('a viewport sets its size; image/png and image/gif on request; multipart is not a thumbnail (406)', async () => {
    const res = await ok(`${instance(CT)}/thumbnail?viewport=64,64`, { accept: 'image/png' });
    expect(await sharp(res.body).metadata()).toMatchObject({ format: 'png', width: 64, height: 64 });
    expect((await ok(`${instance(CT)}/thumbnail`, { accept: 'image/gif' })).headers['content-type']).toBe('image/gif');
    expect((await failure(`${instance(CT)}/thumbnail`, { accept: 'multipart/related; type="image/jpeg"' })).status).toBe(406);
  });

  it('a multi-frame instance: its middle frame', async () => {
    const thumb = await ok(`${instance(MULTIFRAME)}/thumbnail`, { accept: 'image/png' });
    const middle = await ok(`${instance(MULTIFRAME)}/frames/10/thumbnail`, { accept: 'image/png' });
    const other = await ok(`${instance(MULTIFRAME)}/frames/1/thumbnail`, { accept: 'image/png' });
    expect(thumb.body.equals(middle.body)).toBe(true);
    expect(thumb.body.equals(other.body)).toBe(false);
  });

  it('a series: its middle instance; a study: the middle instance of its first series', async () => {
    const order = await instanceOrder(STUDY_FILES[0]!);
    const inSeries = (uid: string) => order.filter((o) => o.series === uid);
    const middleOf = (list: typeof order) => list[Math.floor((list.length - 1) / 2)]!;
    const thumbnail = (url: string) => ok(`${url}/thumbnail`, { accept: 'image/png' });
    const firstSeries = inSeries(order[0]!.series);
    const lastSeries = inSeries(order.at(-1)!.series);
    expect(firstSeries.length).toBeGreaterThan(1);
    expect(lastSeries.length).toBeGreaterThan(2);
    const studyThumb = await thumbnail(study(STUDY_FILES[0]!));
    expect(studyThumb.body.equals((await thumbnail(orderedUrl(middleOf(firstSeries)))).body)).toBe(true);
    const seriesThumb = await thumbnail(`${study(STUDY_FILES[0]!)}/series/${lastSeries[0]!.series}`);
    expect(seriesThumb.body.equals((await thumbnail(orderedUrl(middleOf(lastSeries)))).body)).toBe(true);
    expect(seriesThumb.body.equals((await thumbnail(orderedUrl(lastSeries[0]!))).body)).toBe(false);
  });

  it('nothing with pixel data (SR, PDF): 404 with a reason', async () => {
    for (const r of [SR, PDF]) {
      for (const url of [`${instance(r)}/thumbnail`, `${series(r)}/thumbnail`, `${study(r)}/thumbnail`]) {
        const { status, message } = await failure(url);
        expect(status, url).toBe(404);
        expect(message).toContain('pixel data');
      }
    }
  });
});

interface Ordered {
  series: string;
  sop: string;
}

/** The instances of a study in series number, then instance number order, from QIDO-RS. */
async function instanceOrder(r: ManifestRow): Promise<Ordered[]> {
  type Json = Array<Record<string, { Value?: unknown[] }>>;
  const v = (item: Json[number], tag: string) => String(item[tag]?.Value?.[0]);
  const byNumber = (tag: string) => (a: Json[number], b: Json[number]) => Number(v(a, tag)) - Number(v(b, tag));
  const seriesList = ((await ok(`${study(r)}/series?includefield=00200011`)).json() as Json).sort(byNumber('00200011'));
  const out: Ordered[] = [];
  for (const s of seriesList) {
    const url = `${study(r)}/series/${v(s, '0020000E')}/instances?includefield=00200013`;
    const list = ((await ok(url)).json() as Json).sort(byNumber('00200013'));
    out.push(...list.map((i) => ({ series: v(s, '0020000E'), sop: v(i, '00080018') })));
  }
  return out;
}

/** The URL of an instance of the test study. */
function orderedUrl(o: Ordered): string {
  return `${study(STUDY_FILES[0]!)}/series/${o.series}/instances/${o.sop}`;
}
