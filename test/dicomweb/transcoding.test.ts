import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, http, readMultipart, type Response } from '../../conformance/harness/http.js';
import { stow } from '../../conformance/harness/stow.js';
import { md5, row, TESTDATA_DIR, type ManifestRow } from '../../conformance/harness/testdata.js';
import { codecFor } from '../../src/codecs/registry.js';
import { pixelDescriptionOf } from '../../src/codecs/pixel-description.js';
import { readInstance } from '../../src/dicom/instance-reader.js';
import type { DicomJsonDataset } from '../../src/dicom/json-model.js';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, type TestServer } from './helpers/server.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const HTJ2K = '1.2.840.10008.1.2.4.201';
const RLE = '1.2.840.10008.1.2.5';
const JPEG_BASELINE = '1.2.840.10008.1.2.4.50';

const J2K_LOSSLESS = row('files/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.90.dcm');
const NATIVE_CT = row('files/DICOMHTJ2K/CT2_UNC.dcm');
const JLS_TWO_FRAMES = row('files/dicomParser/multi-frame/CT0012.not_fragmented_no_bot_jpeg_ls.80.dcm');
const IMPLICIT_CT = row('files/dicomParser/CT1_UNC.implicit_little_endian.dcm');
const RGB_BIG_ENDIAN = row('files/pydicom-data/SC_rgb_expb.dcm');

let server: TestServer;
const work = mkdtempSync(join(tmpdir(), 'atrium-transcode-'));
const instanceUrl = (r: ManifestRow) => `${server.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`;
const octet = (ts: string) => `multipart/related; type="application/octet-stream"; transfer-syntax=${ts}`;

async function frames(r: ManifestRow, list: string, accept: string): Promise<{ res: Response; bodies: Buffer[] }> {
  const res = await get(`${instanceUrl(r)}/frames/${list}`, { accept });
  expect(res.status, res.text().slice(0, 300)).toBe(200);
  const bodies = readMultipart(res).parts.map((p) => p.body);
  return { res, bodies };
}

async function metadata(r: ManifestRow): Promise<DicomJsonDataset> {
  const res = await get(`${instanceUrl(r)}/metadata`);
  return (res.json() as DicomJsonDataset[])[0]!;
}

/** Writes a Part 10 response body to disk and reads it with atrium's reader and with DCMTK's dcmdump. */
async function part10(body: Buffer, name: string) {
  const path = join(work, name);
  writeFileSync(path, body);
  const dump = execFileSync('dcmdump', ['-q', '+E', path], { encoding: 'latin1' });
  return { path, dump, info: await readInstance(path, { bulkDataUri: (p) => p }) };
}

beforeAll(async () => {
  server = await startServer();
  for (const r of [J2K_LOSSLESS, NATIVE_CT, JLS_TWO_FRAMES, IMPLICIT_CT, RGB_BIG_ENDIAN]) {
    const { status } = await stow(server.root, [r]);
    expect(status, r.file).toBe(200);
  }
});
afterAll(async () => {
  await server.close();
  rmSync(work, { recursive: true, force: true });
});

describe('frames in any syntax the codecs produce (PS3.18 8.7.3, Table 8.7.3-5)', () => {
  it('decodes a JPEG 2000 frame to native: the pixel MD5 of an independent decoder', async () => {
    const { res, bodies } = await frames(J2K_LOSSLESS, '1', octet(EXPLICIT_LE));
    expect(readMultipart(res).parts[0]!.headers['content-type']).toContain(`transfer-syntax=${EXPLICIT_LE}`);
    expect(md5(bodies[0]!)).toBe(J2K_LOSSLESS.pixelMd5);
  });

  it('decodes both frames of a JPEG-LS multi-frame instance, in the order asked', async () => {
    const { bodies } = await frames(JLS_TWO_FRAMES, '1,2', octet(EXPLICIT_LE));
    expect(md5(Buffer.concat(bodies))).toBe(JLS_TWO_FRAMES.pixelMd5);
    const reversed = await frames(JLS_TWO_FRAMES, '2,1', octet(EXPLICIT_LE));
    expect(reversed.bodies[0]!.equals(bodies[1]!)).toBe(true);
  });

  it.each([
    ['image/jphc', HTJ2K],
    ['image/jls', JPEG_LS],
    ['image/dicom-rle', RLE],
  ])('encodes a native frame as %s losslessly: decoding it back over HTTP gives the original', async (mediaType, ts) => {
    const { res, bodies } = await frames(NATIVE_CT, '1', `multipart/related; type="${mediaType}"; transfer-syntax=${ts}`);
    expect(readMultipart(res).parts[0]!.headers['content-type']).toBe(`${mediaType}; transfer-syntax=${ts}`);
    expect(bodies[0]!.length).toBeLessThan(512 * 512 * 2);
    const decoded = await codecFor(ts)!.decode(bodies[0]!, pixelDescriptionOf(await metadata(NATIVE_CT))!);
    expect(md5(decoded.data)).toBe(NATIVE_CT.pixelMd5);
  });

  it('answers a single-part frame request with the bare codestream', async () => {
    const res = await get(`${instanceUrl(NATIVE_CT)}/frames/1`, { accept: `image/jls; transfer-syntax=${JPEG_LS}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`image/jls; transfer-syntax=${JPEG_LS}`);
    expect(res.body.subarray(0, 2).toString('hex')).toBe('ffd8'); // JPEG-LS SOI
  });

  it('still sends frames as stored for transfer-syntax=* (what OHIF asks)', async () => {
    const { res, bodies } = await frames(J2K_LOSSLESS, '1', 'multipart/related; type="application/octet-stream"; transfer-syntax=*');
    expect(readMultipart(res).parts[0]!.headers['content-type']).toContain('transfer-syntax=1.2.840.10008.1.2.4.90');
    expect(bodies[0]!.subarray(0, 4).toString('hex')).toBe('ff4fff51'); // J2K codestream SOC, SIZ
  });

  it('keeps transcoded frames in the frame cache and shares one transcode among concurrent requests', async () => {
    const cache = server.archive.frameCache;
    const before = cache.stats();
    const accept = octet(HTJ2K);
    const answers = await Promise.all(Array.from({ length: 8 }, () => frames(JLS_TWO_FRAMES, '2', accept)));
    const after = cache.stats();
    expect(after.misses - before.misses).toBe(1);
    expect(new Set(answers.map((a) => md5(a.bodies[0]!))).size).toBe(1);
    const again = await frames(JLS_TWO_FRAMES, '2', accept);
    expect(cache.stats().hits).toBeGreaterThan(after.hits);
    expect(again.bodies[0]!.equals(answers[0]!.bodies[0]!)).toBe(true);
  });

  it('refuses with 406 what the codec cannot produce (16-bit data as 8-bit JPEG), naming what it can', async () => {
    const res = await get(`${instanceUrl(NATIVE_CT)}/frames/1`, { accept: octet(JPEG_BASELINE).replace('application/octet-stream', 'image/jpeg') });
    expect(res.status).toBe(406);
    expect(res.text()).toContain('Available');
  });
});

describe('instances in any syntax the codecs produce (PS3.18 8.7.3.5)', () => {
  it('sends an instance stored as Implicit VR in Explicit VR Little Endian by default', async () => {
    const res = await get(instanceUrl(IMPLICIT_CT), { accept: 'application/dicom' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
    const { dump, info } = await part10(res.body, 'implicit-as-explicit.dcm');
    expect(dump).toContain('LittleEndianExplicit');
    expect(info.transferSyntaxUid).toBe(EXPLICIT_LE);
    expect(info.dataset['00100010']).toBeDefined();
  });

  it('decodes a JPEG 2000 instance to Explicit VR Little Endian: valid Part 10 with the decoded pixels', async () => {
    const res = await get(instanceUrl(J2K_LOSSLESS), { accept: `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT_LE}` });
    expect(res.status).toBe(200);
    const [part] = readMultipart(res).parts;
    const { path, info } = await part10(part!.body, 'j2k-as-native.dcm');
    expect(info.transferSyntaxUid).toBe(EXPLICIT_LE);
    expect(info.pixel?.kind).toBe('native');
    const frame = (await frames(J2K_LOSSLESS, '1', octet(EXPLICIT_LE))).bodies[0]!;
    const value = info.pixel!.kind === 'native' ? info.pixel!.value : undefined;
    const written = readFileSync(path).subarray(value!.offset, value!.offset + value!.length);
    expect(written.equals(frame)).toBe(true);
  });

  it.each([
    [JPEG_LS, 'dcmdjpls'],
    [RLE, 'dcmdrle'],
  ])('encodes a native instance in %s so that DCMTK (%s) decodes it to the original pixels', async (ts, tool) => {
    const res = await get(instanceUrl(NATIVE_CT), { accept: `application/dicom; transfer-syntax=${ts}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`application/dicom; transfer-syntax=${ts}`);
    const { path, info } = await part10(res.body, `native-as-${ts}.dcm`);
    expect(info.transferSyntaxUid).toBe(ts);
    expect(info.pixel?.kind).toBe('encapsulated');
    const decoded = join(work, `decoded-${ts}.dcm`);
    execFileSync(tool, [path, decoded]);
    const back = await readInstance(decoded, { bulkDataUri: (p) => p });
    const v = back.pixel!.kind === 'native' ? back.pixel!.value : undefined;
    const pixels = readFileSync(decoded).subarray(v!.offset, v!.offset + v!.length);
    expect(md5(pixels)).toBe(NATIVE_CT.pixelMd5);
  });

  it('deflates an instance when Deflated Explicit VR Little Endian is asked for', async () => {
    const deflated = '1.2.840.10008.1.2.1.99';
    const res = await get(instanceUrl(J2K_LOSSLESS), { accept: `application/dicom; transfer-syntax=${deflated}` });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe(`application/dicom; transfer-syntax=${deflated}`);
    const { dump, info } = await part10(res.body, 'j2k-as-deflated.dcm');
    expect(dump).toContain('DeflatedLittleEndianExplicit');
    expect(info.transferSyntaxUid).toBe(deflated);
    // A deflated data set has its values inline: the decoded pixels are the J2K frame's.
    const pixels = Buffer.from(String(info.dataset['7FE00010']?.InlineBinary), 'base64');
    expect(md5(pixels)).toBe(J2K_LOSSLESS.pixelMd5);
  });

  it('marks lossy output as lossy, and produces it only when a lossy syntax is asked for', async () => {
    const plain = await get(instanceUrl(RGB_BIG_ENDIAN), { accept: 'application/dicom' });
    expect(plain.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
    const res = await get(instanceUrl(RGB_BIG_ENDIAN), { accept: `application/dicom; transfer-syntax=${JPEG_BASELINE}` });
    expect(res.status).toBe(200);
    const { info } = await part10(res.body, 'rgb-as-jpeg.dcm');
    expect(info.dataset['00282110']?.Value).toEqual(['01']);
    expect(info.dataset['00282114']?.Value).toEqual(['ISO_10918_1']);
    expect(Number(info.dataset['00282112']?.Value?.[0])).toBeGreaterThan(1);
    execFileSync('dcmdjpeg', [join(work, 'rgb-as-jpeg.dcm'), join(work, 'rgb-from-jpeg.dcm')]);
  });

  it('transcodes every instance of a series retrieve, each part labelled with its syntax', async () => {
    const res = await get(`${server.root}/studies/${JLS_TWO_FRAMES.studyUid}/series/${JLS_TWO_FRAMES.seriesUid}`, {
      accept: `multipart/related; type="application/dicom"; transfer-syntax=${EXPLICIT_LE}`,
    });
    expect(res.status).toBe(200);
    const parts = readMultipart(res).parts;
    expect(parts.length).toBeGreaterThan(0);
    for (const [i, p] of parts.entries()) {
      expect(p.headers['content-type']).toBe(`application/dicom; transfer-syntax=${EXPLICIT_LE}`);
      expect((await part10(p.body, `series-${i}.dcm`)).info.transferSyntaxUid).toBe(EXPLICIT_LE);
    }
  });
});

describe('1-bit frames, which need not end on a byte boundary', () => {
  it('round-trips a 62-frame 10x10 1-bit segmentation through RLE: native pixel data back bit for bit', async () => {
    const seg = row('files/highdicom/seg_image_sm_dots.dcm');
    const first = await startServer();
    const second = await startServer();
    try {
      expect((await stow(first.root, [seg])).status).toBe(200);
      const url = (root: string) => `${root}/studies/${seg.studyUid}/series/${seg.seriesUid}/instances/${seg.sopUid}`;
      const asRle = await get(url(first.root), { accept: `application/dicom; transfer-syntax=${RLE}` });
      expect(asRle.status, asRle.text().slice(0, 200)).toBe(200);
      expect((await part10(asRle.body, 'seg-rle.dcm')).info.pixel).toMatchObject({ kind: 'encapsulated', numberOfFrames: 62 });
      expect((await stow(second.root, [asRle.body])).status).toBe(200);
      const back = await get(url(second.root), { accept: `application/dicom; transfer-syntax=${EXPLICIT_LE}` });
      const { path, info } = await part10(back.body, 'seg-native.dcm');
      const original = await readInstance(TESTDATA_DIR + seg.file, { bulkDataUri: (p) => p });
      const pixels = (file: string, layout: typeof info.pixel) => {
        const v = layout!.kind === 'native' ? layout!.value : undefined;
        return readFileSync(file).subarray(v!.offset, v!.offset + Math.ceil((10 * 10 * 62) / 8));
      };
      expect(pixels(path, info.pixel).equals(pixels(TESTDATA_DIR + seg.file, original.pixel))).toBe(true);
    } finally {
      await first.close();
      await second.close();
    }
  });
});

describe('the frame cache and deletion', () => {
  it('drops the cached frames of a deleted instance', async () => {
    await frames(NATIVE_CT, '1', octet(HTJ2K));
    const [record] = server.archive.index.listInstances(TenantId.DEFAULT, { studyUid: NATIVE_CT.studyUid, sopInstanceUid: NATIVE_CT.sopUid });
    const key = { tenant: TenantId.DEFAULT, sha256: record!.sha256, frame: 1, transferSyntaxUid: HTJ2K };
    expect(await server.archive.frameCache.get(key)).toBeDefined();
    const res = await http('DELETE', instanceUrl(NATIVE_CT));
    expect(res.status).toBe(204);
    expect(await server.archive.frameCache.get(key)).toBeUndefined();
  });
});

describe('warming the frame cache after STOW', () => {
  it('transcodes new instances to the configured syntax in the background', async () => {
    const warm = await startServer({ warmTransferSyntax: HTJ2K });
    try {
      const { status } = await stow(warm.root, [JLS_TWO_FRAMES]);
      expect(status).toBe(200);
      const deadline = Date.now() + 20_000;
      while (warm.archive.frameCache.stats().entries < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(warm.archive.frameCache.stats().entries).toBe(2);
      const misses = warm.archive.frameCache.stats().misses;
      const url = `${warm.root}/studies/${JLS_TWO_FRAMES.studyUid}/series/${JLS_TWO_FRAMES.seriesUid}/instances/${JLS_TWO_FRAMES.sopUid}/frames/1,2`;
      const res = await get(url, { accept: octet(HTJ2K) });
      expect(res.status).toBe(200);
      expect(warm.archive.frameCache.stats().misses).toBe(misses);
    } finally {
      await warm.close();
    }
  });
});

describe('a flood of transcoding requests', () => {
  it('queues what the pool can take, answers 503 with Retry-After beyond it, and stays up', async () => {
    const jpeg = row('files/fo-dicom/HasFragmentSequence.dcm'); // 96 frames, JPEG baseline
    const small = await startServer({ codecThreads: 1 });
    try {
      expect((await stow(small.root, [jpeg])).status).toBe(200);
      const url = (n: number) => `${small.root}/studies/${jpeg.studyUid}/series/${jpeg.seriesUid}/instances/${jpeg.sopUid}/frames/${n}`;
      const answers = await Promise.all(Array.from({ length: 96 }, (_, i) => get(url(i + 1), { accept: octet(EXPLICIT_LE) })));
      const statuses = answers.map((a) => a.status);
      expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
      expect(statuses.filter((s) => s === 503).length).toBeGreaterThan(0);
      for (const a of answers.filter((x) => x.status === 503)) expect(a.headers['retry-after']).toBe('1');
      expect((await get(`${small.origin}/healthz`)).status).toBe(200);
      // Once the flood has passed, every frame comes back.
      for (let n = 1; n <= 96; n++) expect((await get(url(n), { accept: octet(EXPLICIT_LE) })).status, `frame ${n}`).toBe(200);
    } finally {
      await small.close();
    }
  });
});

describe('a frame the codec cannot decode', () => {
  it('fails that request with a clear 500, keeps the stored bytes retrievable, and the server up', async () => {
    const broken = row('files/pydicom/JPEG2000-embedded-sequence-delimiter.dcm');
    const own = await startServer();
    try {
      const { status } = await stow(own.root, [broken]);
      expect(status).toBe(200);
      const url = `${own.root}/studies/${broken.studyUid}/series/${broken.seriesUid}/instances/${broken.sopUid}`;
      const res = await get(`${url}/frames/1`, { accept: octet(EXPLICIT_LE) });
      expect(res.status).toBe(500);
      expect(res.json()).toMatchObject({ error: 'ATRIUM_ERR_CODEC' });
      expect(res.text()).toMatch(/could not be transcoded: .+/);
      expect((await get(`${own.origin}/healthz`)).status).toBe(200);
      const asStored = await get(url, { accept: 'multipart/related; type="application/dicom"; transfer-syntax=*' });
      expect(md5(readMultipart(asStored).parts[0]!.body)).toBe(md5(readFileSync(TESTDATA_DIR + broken.file)));
    } finally {
      await own.close();
    }
  });
});
