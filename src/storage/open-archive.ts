import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from './blob-store.js';
import { FileBlobStore } from './files/file-blob-store.js';
import type { IndexStore } from './index-store.js';
import { openSqliteDatabase } from './sqlite/sqlite-database.js';
import { SqliteIndexStore } from './sqlite/sqlite-index-store.js';
import type { AuditStore } from './audit-store.js';
import { SqliteAuditStore } from './sqlite/sqlite-audit-store.js';
import { SqliteKeyStore } from './sqlite/sqlite-key-store.js';
import { SqliteTenantStore } from './sqlite/sqlite-tenant-store.js';
import type { KeyStore } from './key-store.js';
import type { TenantStore } from './tenant-store.js';
import type { FrameCache } from './frame-cache.js';
import { FileFrameCache } from './files/file-frame-cache.js';

export interface Archive {
  index: IndexStore;
  blobs: BlobStore;
  tenants: TenantStore;
  keys: KeyStore;
  audit: AuditStore;
  frameCache: FrameCache;
}

export interface ArchiveOptions {
  /** Bound of the frame cache (`<dataDir>/cache/frames`); default 2 GiB. */
  frameCacheBytes?: number;
}

const DEFAULT_FRAME_CACHE_BYTES = 2 * 1024 ** 3;

/** The embedded store: `index.sqlite` and content-addressed files under one data directory. */
export async function openArchive(dataDir: string, options: ArchiveOptions = {}): Promise<Archive> {
  await mkdir(dataDir, { recursive: true });
  const db = openSqliteDatabase(join(dataDir, 'index.sqlite'));
  return {
    index: new SqliteIndexStore(db),
    blobs: new FileBlobStore(dataDir),
    tenants: new SqliteTenantStore(db),
    keys: new SqliteKeyStore(db),
    audit: new SqliteAuditStore(db),
    frameCache: new FileFrameCache(join(dataDir, 'cache', 'frames'), options.frameCacheBytes ?? DEFAULT_FRAME_CACHE_BYTES),
  };
}
