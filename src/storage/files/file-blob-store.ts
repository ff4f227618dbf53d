import { createReadStream, mkdirSync } from 'node:fs';
import { mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import type { BlobStore, InclusiveRange } from '../blob-store.js';
import { TenantId } from '../ids.js';

const SHA256 = /^[0-9a-f]{64}$/;
const READ_CHUNK = 1 << 20;

/**
 * Blobs as files: `<dataDir>/blobs/<tenant>/<sha[0:2]>/<sha256>.dcm`, spooled
 * through `<dataDir>/tmp` (same filesystem, so commit is an atomic rename).
 * The two-character fan-out keeps directories small at millions of files.
 */
export class FileBlobStore implements BlobStore {
  readonly #root: string;
  readonly #temp: string;
  /** Directories known to exist (at most 256 per tenant), so a put costs no mkdir or stat. */
  readonly #knownDirs = new Set<string>();

  constructor(dataDir: string) {
    this.#root = join(dataDir, 'blobs');
    this.#temp = join(dataDir, 'tmp');
    mkdirSync(this.#temp, { recursive: true });
    mkdirSync(this.#root, { recursive: true });
  }

  path(tenant: TenantId, sha256: string): string {
    // Both parts become path segments: validate them so no input can walk out of the root.
    if (!TenantId.is(tenant)) throw new RangeError(`invalid tenant id: ${JSON.stringify(tenant)}`);
    if (!SHA256.test(sha256)) throw new RangeError(`invalid sha256: ${JSON.stringify(sha256)}`);
    return join(this.#root, tenant, sha256.slice(0, 2), `${sha256}.dcm`);
  }

  async place(tenant: TenantId, sha256: string, tempPath: string): Promise<void> {
    const target = this.path(tenant, sha256);
    const dir = dirname(target);
    if (!this.#knownDirs.has(dir)) {
      await mkdirDurably(dir);
      this.#knownDirs.add(dir);
    }
    // Content-addressed: renaming over an existing blob replaces it with the same bytes.
    await rename(tempPath, target);
  }

  async sync(tenant: TenantId, sha256s: readonly string[]): Promise<void> {
    // A rename is durable only once its directory entry is on disk.
    const dirs = new Set(sha256s.map((sha) => dirname(this.path(tenant, sha))));
    await Promise.all([...dirs].map(fsyncDirectory));
  }

  openRead(tenant: TenantId, sha256: string, range?: InclusiveRange): Readable {
    const path = this.path(tenant, sha256);
    // 1 MiB reads: a typical instance leaves in one or two thread-pool round trips, not sixteen.
    return createReadStream(path, { ...range, highWaterMark: READ_CHUNK });
  }

  async readRange(tenant: TenantId, sha256: string, offset: number, length: number): Promise<Buffer> {
    const file = await open(this.path(tenant, sha256), 'r');
    try {
      const buffer = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await file.read(buffer, done, length - done, offset + done);
        if (bytesRead === 0) throw new RangeError(`blob ${sha256} ends before byte ${offset + length}`);
        done += bytesRead;
      }
      return buffer;
    } finally {
      await file.close();
    }
  }

  async remove(tenant: TenantId, sha256: string): Promise<void> {
    try {
      await unlink(this.path(tenant, sha256));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
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
