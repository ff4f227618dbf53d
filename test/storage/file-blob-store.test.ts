import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileBlobStore } from '../../src/storage/files/file-blob-store.js';
import { SpoolLimitError, spoolToTemp } from '../../src/storage/files/spool.js';
import { TENANT_A, TENANT_B } from './fixtures.js';

const sha = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const STUDY = '1.2.840.99.1';
const ref = (tenant: typeof TENANT_A, sha256: string, studyUid = STUDY) => ({ tenant, studyUid, sha256 });

describe('FileBlobStore', () => {
  let dir: string;
  let blobs: FileBlobStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'atrium-blobs-'));
    blobs = new FileBlobStore(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function put(tenant = TENANT_A, content = 'DICM bytes 0123456789') {
    const spooled = await spoolToTemp(Readable.from([Buffer.from(content)]), blobs.tempDir());
    await blobs.place(ref(tenant, spooled.sha256), spooled.path);
    await blobs.sync([ref(tenant, spooled.sha256)]);
    return spooled;
  }

  it('spools with the SHA-256 and size of the bytes', async () => {
    const chunks = [Buffer.from('abc'), Buffer.from('def'), Buffer.alloc(100_000, 7)];
    const spooled = await spoolToTemp(Readable.from(chunks), blobs.tempDir());
    expect(spooled.size).toBe(100_006);
    expect(spooled.sha256).toBe(sha(Buffer.concat(chunks)));
    expect(readFileSync(spooled.path).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('removes the temp file when the stream fails or exceeds maxBytes', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(spoolToTemp(failing, blobs.tempDir())).rejects.toThrow('client went away');
    await expect(
      spoolToTemp(Readable.from([Buffer.alloc(10), Buffer.alloc(10)]), blobs.tempDir(), { maxBytes: 15 }),
    ).rejects.toBeInstanceOf(SpoolLimitError);
    expect(readdirSync(blobs.tempDir())).toEqual([]);
  });

  it('places content-addressed under blobs/<tenant>/<xx>/<study>/<sha>.dcm, a study in one directory', async () => {
    const spooled = await put();
    const path = blobs.path(ref(TENANT_A, spooled.sha256));
    const fanOut = createHash('sha1').update(STUDY).digest('hex').slice(0, 2);
    expect(path).toBe(join(dir, 'blobs', TENANT_A, fanOut, STUDY, `${spooled.sha256}.dcm`));
    expect(blobs.path(ref(TENANT_A, sha('other')))).toBe(join(dir, 'blobs', TENANT_A, fanOut, STUDY, `${sha('other')}.dcm`));
    expect(readFileSync(path, 'utf8')).toBe('DICM bytes 0123456789');
    expect(existsSync(spooled.path)).toBe(false);
  });

  it('is idempotent: committing an existing blob leaves it in place', async () => {
    const first = await put();
    const again = await put();
    expect(again.sha256).toBe(first.sha256);
    expect(readFileSync(blobs.path(ref(TENANT_A, first.sha256)), 'utf8')).toBe('DICM bytes 0123456789');
  });

  it('keeps tenants apart', async () => {
    const spooled = await put(TENANT_A);
    expect(existsSync(blobs.path(ref(TENANT_B, spooled.sha256)))).toBe(false);
    await put(TENANT_B);
    await blobs.remove(ref(TENANT_A, spooled.sha256));
    expect(existsSync(blobs.path(ref(TENANT_B, spooled.sha256)))).toBe(true);
  });

  it('reads ranges as streams (inclusive end) and as buffers', async () => {
    const { sha256 } = await put();
    expect(await text(blobs.openRead(ref(TENANT_A, sha256)))).toBe('DICM bytes 0123456789');
    expect(await text(blobs.openRead(ref(TENANT_A, sha256), { start: 5, end: 9 }))).toBe('bytes');
    expect((await blobs.readRange(ref(TENANT_A, sha256), 11, 4)).toString()).toBe('0123');
    await expect(blobs.readRange(ref(TENANT_A, sha256), 18, 10)).rejects.toThrow(RangeError);
  });

  it('removes blobs, quietly when already gone', async () => {
    const { sha256 } = await put();
    await blobs.remove(ref(TENANT_A, sha256));
    expect(existsSync(blobs.path(ref(TENANT_A, sha256)))).toBe(false);
    await expect(blobs.remove(ref(TENANT_A, sha256))).resolves.toBeUndefined();
  });

  it('refuses paths that could leave the store', () => {
    expect(() => blobs.path(ref('../etc' as typeof TENANT_A, 'a'.repeat(64)))).toThrow(RangeError);
    expect(() => blobs.path(ref(TENANT_A, '../../passwd'))).toThrow(RangeError);
    expect(() => blobs.path(ref(TENANT_A, 'a'.repeat(64), '..'))).toThrow(RangeError);
  });
});
