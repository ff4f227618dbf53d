import { mkdir, open, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { CachedFrame, FrameCache, FrameCacheStats, FrameKey } from '../frame-cache.js';
import { isUid, TenantId } from '../ids.js';

const SHA256 = /^[0-9a-f]{64}$/;
/** Evict down to this share of the limit, so eviction runs in batches rather than on every insert. */
const LOW_WATER = 0.9;

interface Entry {
  path: string;
  size: number;
}

/**
 * The frame cache as files: `<root>/<tenant>/<sha[0:2]>/<sha>/<frame>.<syntax>`,
 * each `[u32 LE meta length][meta][frame bytes]`. Written to a temp name and
 * renamed, never fsynced: a torn entry after a crash is at worst a miss.
 * Recency is kept in memory (a Map in use order), rebuilt from mtimes at start.
 */
export class FileFrameCache implements FrameCache {
  readonly #root: string;
  readonly #maxBytes: number;
  /** Key → entry, least recently used first. */
  readonly #entries = new Map<string, Entry>();
  readonly #inFlight = new Map<string, Promise<CachedFrame>>();
  #bytes = 0;
  #hits = 0;
  #misses = 0;
  #scanned: Promise<void> | undefined;

  constructor(root: string, maxBytes: number) {
    this.#root = root;
    this.#maxBytes = maxBytes;
  }

  async get(key: FrameKey): Promise<CachedFrame | undefined> {
    await this.#ready();
    const id = this.#id(key);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    try {
      const file = await readWhole(entry.path, entry.size);
      this.#touch(id, entry);
      this.#hits++;
      return decode(file);
    } catch {
      // Evicted by another process sharing the directory, or torn: a miss.
      this.#forget(id);
      return undefined;
    }
  }

  async getOrProduce(key: FrameKey, produce: () => Promise<CachedFrame>): Promise<CachedFrame> {
    const cached = await this.get(key);
    if (cached) return cached;
    const id = this.#id(key);
    let pending = this.#inFlight.get(id);
    if (!pending) {
      this.#misses++;
      pending = this.#produceAndStore(id, key, produce).finally(() => this.#inFlight.delete(id));
      this.#inFlight.set(id, pending);
    }
    return pending;
  }

  async removeInstance(tenant: TenantId, sha256: string): Promise<void> {
    await this.#ready();
    const dir = this.#instanceDir(tenant, sha256);
    for (const [id, entry] of this.#entries) if (entry.path.startsWith(dir)) this.#forget(id);
    await rm(dir, { recursive: true, force: true });
  }

  async removeTenant(tenant: TenantId): Promise<void> {
    await this.#ready();
    const dir = join(this.#root, checkedTenant(tenant));
    for (const [id, entry] of this.#entries) if (entry.path.startsWith(dir + '/')) this.#forget(id);
    await rm(dir, { recursive: true, force: true });
  }

  stats(): FrameCacheStats {
    return { bytes: this.#bytes, entries: this.#entries.size, hits: this.#hits, misses: this.#misses };
  }

  async #produceAndStore(id: string, key: FrameKey, produce: () => Promise<CachedFrame>): Promise<CachedFrame> {
    const frame = await produce();
    const file = encode(frame);
    if (file.length > this.#maxBytes * (1 - LOW_WATER)) return frame; // too big to be worth caching
    const path = this.#path(key);
    const temp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(temp, file);
      await rename(temp, path);
    } catch {
      await unlink(temp).catch(() => undefined);
      return frame; // a full disk makes the cache useless, not the request fail
    }
    this.#add(id, { path, size: file.length });
    return frame;
  }

  /**
   * The recency list is rebuilt from disk on first use, not at construction:
   * CLI commands open the archive too and never touch the cache. A cache that
   * cannot be read back starts empty rather than failing requests.
   */
  #ready(): Promise<void> {
    return (this.#scanned ??= this.#scan().catch(() => undefined));
  }

  #add(id: string, entry: Entry): void {
    this.#forget(id);
    this.#entries.set(id, entry);
    this.#bytes += entry.size;
    if (this.#bytes > this.#maxBytes) this.#evict();
  }

  #touch(id: string, entry: Entry): void {
    this.#entries.delete(id);
    this.#entries.set(id, entry);
  }

  #forget(id: string): void {
    const entry = this.#entries.get(id);
    if (!entry) return;
    this.#entries.delete(id);
    this.#bytes -= entry.size;
  }

  #evict(): void {
    for (const [id, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes * LOW_WATER) break;
      this.#forget(id);
      void unlink(entry.path).catch(() => undefined);
    }
  }

  #id(key: FrameKey): string {
    return `${key.tenant}/${key.sha256}/${key.frame}.${key.transferSyntaxUid}`;
  }

  #instanceDir(tenant: TenantId, sha256: string): string {
    if (!SHA256.test(sha256)) throw new RangeError(`invalid sha256: ${JSON.stringify(sha256)}`);
    return join(this.#root, checkedTenant(tenant), sha256.slice(0, 2), sha256) + '/';
  }

  #path(key: FrameKey): string {
    // Every part becomes a path segment: validated so no input walks out of the root.
    if (!Number.isInteger(key.frame) || key.frame < 1) throw new RangeError(`invalid frame number ${key.frame}`);
    if (!isUid(key.transferSyntaxUid)) throw new RangeError(`invalid transfer syntax ${JSON.stringify(key.transferSyntaxUid)}`);
    return `${this.#instanceDir(key.tenant, key.sha256)}${key.frame}.${key.transferSyntaxUid}`;
  }

  /** Rebuilds the recency list from what is on disk, oldest first; removes leftover temp files. */
  async #scan(): Promise<void> {
    await mkdir(this.#root, { recursive: true });
    const found: Array<{ id: string; entry: Entry; mtime: number }> = [];
    for (const tenant of await readdir(this.#root)) {
      if (!TenantId.is(tenant)) continue;
      for (const fan of await readdir(join(this.#root, tenant)).catch(() => [])) {
        for (const sha of await readdir(join(this.#root, tenant, fan)).catch(() => [])) {
          const dir = join(this.#root, tenant, fan, sha);
          for (const name of await readdir(dir).catch(() => [])) {
            const path = join(dir, name);
            if (name.endsWith('.tmp')) {
              await unlink(path).catch(() => undefined);
              continue;
            }
            const s = await stat(path).catch(() => undefined);
            if (s) found.push({ id: `${tenant}/${sha}/${name}`, entry: { path, size: s.size }, mtime: s.mtimeMs });
          }
        }
      }
    }
    found.sort((a, b) => a.mtime - b.mtime);
    for (const { id, entry } of found) this.#add(id, entry);
  }
}

/**
 * One positioned read of the size the index knows: a hit costs what reading a
 * stored native frame costs (readFile would stat, read in chunks and join them).
 */
async function readWhole(path: string, size: number): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(size);
    const { bytesRead } = await file.read(buffer, 0, size, 0);
    if (bytesRead !== size) throw new Error('cache entry changed size');
    return buffer;
  } finally {
    await file.close();
  }
}

function checkedTenant(tenant: TenantId): TenantId {
  if (!TenantId.is(tenant)) throw new RangeError(`invalid tenant id: ${JSON.stringify(tenant)}`);
  return tenant;
}

function encode(frame: CachedFrame): Buffer {
  const meta = Buffer.from(frame.meta, 'utf8');
  const head = Buffer.allocUnsafe(4);
  head.writeUInt32LE(meta.length, 0);
  return Buffer.concat([head, meta, frame.data]);
}

function decode(file: Buffer): CachedFrame {
  const metaLength = file.readUInt32LE(0);
  return { meta: file.toString('utf8', 4, 4 + metaLength), data: file.subarray(4 + metaLength) };
}
