import { createReadStream, mkdirSync } from 'node:fs';
import { mkdir, open, rename, rm, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { createHash } from 'node:crypto';
import type { BlobRef, BlobStore, InclusiveRange } from '../blob-store.js';
import { isUid, TenantId } from '../ids.js';

const SHA256 = /^[0-9a-f]{64}$/;
const READ_CHUNK = 1 << 20;

/**
 * Blobs as files: `<dataDir>/blobs/<tenant>/<xx>/<StudyInstanceUID>/<sha256>.dcm`,
 * spooled through `<dataDir>/tmp` (same filesystem, so placing is an atomic
 * rename). A study's files share a directory, so a STOW batch (which almost
 * always holds one study) needs one directory fsync; `xx`, two hex digits of
 * a hash of the UID, keeps the tenant directory small at millions of studies.
 */
export class FileBlobStore implements BlobStore {
  readonly #root: string;
  readonly #temp: string;
  /** Study directories known to exist, so a put into a known study costs no mkdir or stat. */
  readonly #knownDirs = new Set<string>();

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'blobs');
    this.#temp = join(dataDir, 'tmp');
    mkdirSync(this.#temp, { recursive: true });
    mkdirSync(this.#root, { recursive: true });
  }

  path({ tenant, studyUid, sha256 }: BlobRef): string {
    // All three become path segments: validate them so no input can walk out of the root.
    if (!TenantId.is(tenant)) throw new RangeError(`invalid tenant id: ${JSON.stringify(tenant)}`);
    if (!isUid(studyUid)) throw new RangeError(`invalid study UID: ${JSON.stringify(studyUid)}`);
    if (!SHA256.test(sha256)) throw new RangeError(`invalid sha256: ${JSON.stringify(sha256)}`);
    const fanOut = createHash('sha1').update(studyUid).digest('hex').slice(0, 2);
    return join(this.#root, tenant, fanOut, studyUid, `${sha256}.dcm`);
  }

  async place(ref: BlobRef, tempPath: string): Promise<void> {
    const target = this.path(ref);
    const dir = dirname(target);
    if (!this.#knownDirs.has(dir)) {
      await mkdirDurably(dir);
      this.#knownDirs.add(dir);
    }
    // Content-addressed: renaming over an existing blob replaces it with the same bytes.
    await rename(tempPath, target);
  }

  async sync(refs: readonly BlobRef[]): Promise<void> {
    // A rename is durable only once its directory entry is on disk.
    const dirs = new Set(refs.map((ref) => dirname(this.path(ref))));
    await Promise.all([...dirs].map(fsyncDirectory));
  }

  openRead(ref: BlobRef, range?: InclusiveRange): Readable {
    const path = this.path(ref);
    // 1 MiB reads: a typical instance leaves in one or two thread-pool round trips, not sixteen.
    return createReadStream(path, { ...range, highWaterMark: READ_CHUNK });
  }

  async readRange(ref: BlobRef, offset: number, length: number): Promise<Buffer> {
    const file = await open(this.path(ref), 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new RangeError(`blob ${ref.sha256} ends before byte ${offset + length}`);
        done += bytesRead;
      }
      return buffer;
    } finally {
      await file.close();
    }
  }

  async remove(ref: BlobRef): Promise<void> {
    try {
      await unlink(this.path(ref));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }

  async removeTenant(tenant: TenantId): Promise<void> {
    if (!TenantId.is(tenant)) throw new RangeError(`invalid tenant id: ${JSON.stringify(tenant)}`);
    await rm(join(this.#root, tenant), { recursive: true, force: true });
    this.#knownDirs.clear();
  }

  tempDir(): string {
    return this.#temp;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** mkdir -p, fsyncing the parent of every directory it creates. */
async function mkdirDurably(dir: string): Promise<void> {
  if (await exists(dir)) return;
  await mkdirDurably(dirname(dir));
  try {
    await mkdir(dir);
  } catch (err) {
    // A concurrent commit may have created it first.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return;
  }
  await fsyncDirectory(dirname(dir));
}

async function fsyncDirectory(dir: string): Promise<void> {
  // Windows cannot open a directory for fsync; NTFS journals the metadata itself.
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
