import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { writeDataSet, type DataSetChanges } from '../../src/dicom/data-set-writer.js';
import { encodeFileMetaInformation } from '../../src/dicom/file-meta.js';
import { readInstance, type InstanceInfo } from '../../src/dicom/instance-reader.js';
import { storedDataSet } from '../../src/dicom/part10-source.js';
import { ExplicitVRLittleEndian } from '../../src/dicom/transfer-syntax.js';
import { readFrames } from '../../src/storage/frame-reader.js';

const TESTDATA = fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));
const opts = { bulkDataUri: (p: string) => `bulk/${p}` };
const work = mkdtempSync(join(tmpdir(), 'atrium-writer-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The file rewritten as Part 10 in `transferSyntaxUid`, on disk, and read back. */
async function rewrite(file: string, transferSyntaxUid: string, changes: DataSetChanges = {}) {
  const source = await readInstance(join(TESTDATA, file), opts);
  const stored = storedDataSet(readFileSync(join(TESTDATA, file)));
  const sop = (tag: string) => String(source.dataset[tag]!.Value![0]);
  const meta = encodeFileMetaInformation({ sopClassUid: sop('00080016'), sopInstanceUid: sop('00080018'), transferSyntaxUid });
  const out = join(work, `${file.replaceAll('/', '_')}.${transferSyntaxUid}.dcm`);
  writeFileSync(out, Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), meta, ...writeDataSet(stored.bytes, stored.syntax, changes)]));
  return { source, out, written: await readInstance(out, opts) };
}

async function allFrames(path: string, info: InstanceInfo): Promise<Buffer[]> {
  const numbers = Array.from({ length: info.pixel!.numberOfFrames }, (_, i) => i + 1);
  const frames: Buffer[] = [];
  for await (const f of readFrames(path, info.pixel!, info.transferSyntaxUid, numbers)) frames.push(f.data);
  return frames;
}

/** DCMTK, an independent toolkit, must read the whole file without complaint. */
function dcmdump(path: string): string {
  return execFileSync('dcmdump', ['-q', '+E', path], { encoding: 'latin1', stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('writeDataSet: a stored data set in Explicit VR Little Endian', () => {
  it.each([
    'files/dicomParser/CT1_UNC.implicit_little_endian.dcm',
    'files/pydicom-data/emri_small_big_endian.dcm',
    'files/pydicom-data/SC_rgb_expb_16bit.dcm',
    'files/pydicom-data/gdcm-US-ALOKA-16.dcm',
  ])('%s: same attributes, same frames, readable by DCMTK', async (file) => {
    const { source, out, written } = await rewrite(file, ExplicitVRLittleEndian);
    expect(written.transferSyntaxUid).toBe(ExplicitVRLittleEndian);
    expect(written.dataset).toEqual(source.dataset);
    expect(await allFrames(out, written)).toEqual(await allFrames(join(TESTDATA, file), source));
    expect(dcmdump(out)).toContain('LittleEndianExplicit');
  });

  it('rewrites an implicit VR data set without pixels (a retired VR CS in a sequence kept as UN)', async () => {
    const { source, out, written } = await rewrite('files/dcm4che/Tag-0040-A170-VR-CS.dcm', ExplicitVRLittleEndian);
    expect(written.dataset).toEqual(source.dataset);
    dcmdump(out);
  });

  it('inflates a deflated data set', async () => {
    const file = 'files/pydicom/image_dfl.dcm';
    const { source, out, written } = await rewrite(file, ExplicitVRLittleEndian);
    expect(written.dataset['00100010']).toEqual(source.dataset['00100010']);
    expect(written.pixel?.kind).toBe('native');
    expect((await allFrames(out, written))[0]!.length).toBe(512 * 512);
  });

  it('replaces encapsulated pixel data: one fragment per frame behind a Basic Offset Table', async () => {
    const file = 'files/dicomParser/multi-frame/CT0012.fragmented_no_bot_jpeg_ls.80.dcm';
    const source = await readInstance(join(TESTDATA, file), opts);
    const frames = await allFrames(join(TESTDATA, file), source);
    const { out, written } = await rewrite(file, source.transferSyntaxUid, { pixelData: { kind: 'encapsulated', frames } });
    expect(written.pixel?.kind).toBe('encapsulated');
    const layout = written.pixel as Extract<InstanceInfo['pixel'], { kind: 'encapsulated' }>;
    expect(layout.frames.map((f) => f.length)).toEqual([1, 1]);
    const rewritten = await allFrames(out, written);
    // Fragments are padded to even length; the codestream is otherwise unchanged.
    rewritten.forEach((f, i) => expect(f.subarray(0, frames[i]!.length).equals(frames[i]!)).toBe(true));
    // DCMTK sees the offset table (two 4-byte offsets) and two fragments.
    const items = dcmdump(out).match(/\(fffe,e000\) pi .*# *(\d+),/g) ?? [];
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/# +8,/);
  });

  it('sets, adds and drops top-level attributes in tag order', async () => {
    const set = new Map([
      [0x00280004, { vr: 'CS' as const, value: Buffer.from('RGB ') }],
      [0x00282110, { vr: 'CS' as const, value: Buffer.from('01') }],
    ]);
    const { written } = await rewrite('files/dicomParser/CT1_UNC.implicit_little_endian.dcm', ExplicitVRLittleEndian, {
      set,
      drop: new Set([0x00100010]),
    });
    expect(written.dataset['00280004']?.Value).toEqual(['RGB']);
    expect(written.dataset['00282110']?.Value).toEqual(['01']);
    expect(written.dataset['00100010']).toBeUndefined();
    const tags = Object.keys(written.dataset);
    expect(tags).toEqual([...tags].sort());
  });
});
