/**
 * Every lossless compressed test file, stored over STOW and fetched back as
 * native frames over HTTP, reproduces the manifest's pixel MD5 (pydicom + GDCM,
 * an independent decoder); HTJ2K files reproduce the pixels of the native file
 * holding the same image (`same_sop_uid_as`).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, readMultipart } from '../../conformance/harness/http.js';
import { stow } from '../../conformance/harness/stow.js';
import { MANIFEST, md5, row, TESTDATA_DIR, type ManifestRow } from '../../conformance/harness/testdata.js';
import { canDecode } from '../../src/codecs/registry.js';
import { startServer, type TestServer } from './helpers/server.js';

const LOSSLESS = new Set(['4.57', '4.70', '4.80', '4.90', '4.92', '4.201', '4.202', '5'].map((s) => `1.2.840.10008.1.2.${s}`));
const HEX_MD5 = /^[0-9a-f]{32}$/;

/**
 * Where the manifest's reference is wrong: this file's JPEG-LS streams say
 * NEAR=0 (lossless), DCMTK's dcmdjpls decodes them to the pixels of the same
 * image's JPEG Lossless and unfragmented JPEG-LS files, yet the manifest gives
 * the near-lossless (.81) file's checksum. DCMTK's decode is the reference here.
 */
const DCMTK_REFERENCE = new Set(['files/dicomParser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm']);

function dcmtkPixelMd5(r: ManifestRow): string {
  const out = join(mkdtempSync(join(tmpdir(), 'atrium-dcmtk-')), 'decoded.dcm');
  execFileSync('dcmdjpls', [TESTDATA_DIR + r.file, out]);
  const bytes = readFileSync(out);
  const at = bytes.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57])); // (7FE0,0010) OW
  const length = bytes.readUInt32LE(at + 8);
  rmSync(join(out, '..'), { recursive: true });
  return md5(bytes.subarray(at + 12, at + 12 + length));
}

/** The MD5 a lossless decode must give: the manifest's, or for HTJ2K that of the same image stored natively. */
function expectedMd5(r: ManifestRow): string | undefined {
  if (DCMTK_REFERENCE.has(r.file)) return dcmtkPixelMd5(r);
  if (HEX_MD5.test(r.pixelMd5)) return r.pixelMd5;
  const native = r.sameSopUidAs.map(row).find((x) => HEX_MD5.test(x.pixelMd5) && !LOSSLESS.has(x.transferSyntaxUid));
  return native?.pixelMd5;
}

// Valid files only: the odd ones (broken streams, inconsistent headers) have no
// reference a second decoder agrees on; the codec tests say how each one fares.
const ROWS = MANIFEST.filter((r) => r.expect === 'valid' && LOSSLESS.has(r.transferSyntaxUid) && r.sopUid !== '' && r.studyUid !== '' && r.seriesUid !== '' && expectedMd5(r) !== undefined);

/** Files sharing a SOP Instance UID go to different servers (a server keeps one instance per UID). */
function groups(rows: readonly ManifestRow[]): ManifestRow[][] {
  const out: ManifestRow[][] = [];
  for (const r of rows) {
    const group = out.find((g) => !g.some((x) => x.sopUid === r.sopUid));
    if (group) group.push(r);
    else out.push([r]);
  }
  return out;
}

/** pydicom's pixel_array order: samples interleaved whatever the planar configuration. */
function interleaved(frame: Buffer, r: ManifestRow): Buffer {
  if (r.samplesPerPixel === 1 || r.planarConfiguration !== 1) return frame;
  const bytes = r.bitsAllocated / 8;
  const pixels = r.rows * r.cols;
  const out = Buffer.alloc(frame.length);
  for (let p = 0; p < pixels; p++) {
    for (let s = 0; s < r.samplesPerPixel; s++) frame.copy(out, (p * r.samplesPerPixel + s) * bytes, (s * pixels + p) * bytes, (s * pixels + p + 1) * bytes);
  }
  return out;
}

const servers: TestServer[] = [];
const serverOf = new Map<ManifestRow, TestServer>();
beforeAll(async () => {
  for (const group of groups(ROWS)) {
    const server = await startServer();
    servers.push(server);
    for (const r of group) {
      const { status } = await stow(server.root, [r]);
      expect(status, r.file).toBe(200);
      serverOf.set(r, server);
    }
  }
}, 120_000);
afterAll(async () => {
  for (const s of servers) await s.close();
});

describe('every lossless compressed test file decodes over HTTP to the reference pixels', () => {
  it('covers every lossless syntax the test data holds a checkable file of', () => {
    for (const ts of LOSSLESS) expect(canDecode(ts), ts).toBe(true);
    const covered = new Set(ROWS.map((r) => r.transferSyntaxUid.replace('1.2.840.10008.1.2.', '')));
    expect([...covered].sort()).toEqual(['4.202', '4.57', '4.70', '4.80', '4.90', '5']);
    expect(ROWS.length).toBeGreaterThanOrEqual(43);
  });

  it.each(ROWS.map((r) => [r.file, r] as const))('%s', async (_file, r) => {
    const server = serverOf.get(r)!;
    const list = Array.from({ length: r.frames }, (_, i) => i + 1).join(',');
    const url = `${server.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}/frames/${list}`;
    const res = await get(url, { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1' });
    expect(res.status, res.text().slice(0, 300)).toBe(200);
    const frames = readMultipart(res).parts.map((p) => interleaved(p.body, r));
    expect(frames).toHaveLength(r.frames);
    expect(md5(Buffer.concat(frames))).toBe(expectedMd5(r));
  });
});
