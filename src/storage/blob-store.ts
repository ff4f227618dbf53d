import type { Readable } from 'node:stream';
import type { TenantId } from './ids.js';

/** An inclusive byte range, as fs.createReadStream and HTTP Range (RFC 9110 14.1.2) count. */
export interface InclusiveRange {
  start: number;
  end: number;
}

/**
 * The stored Part 10 bytes, content-addressed by SHA-256 within a tenant.
 * Files on disk now; an S3-compatible store later, with the same shape.
 */
export interface BlobStore {
  /**
   * Moves a fully written, fsynced temp file into place (a rename). Idempotent:
   * a blob that exists holds the same bytes. Not durable until `sync` has run for it.
   */
  place(tenant: TenantId, sha256: string, tempPath: string): Promise<void>;
  /**
   * Makes placed blobs durable (fsync of their directories, once per directory),
   * so a batch of instances pays for each directory once.
   */
  sync(tenant: TenantId, sha256s: readonly string[]): Promise<void>;
  /** Local file path for streaming reads. */
  path(tenant: TenantId, sha256: string): string;
  /** A read stream of the blob, or of `range` (inclusive ends) of it. */
  openRead(tenant: TenantId, sha256: string, range?: InclusiveRange): Readable;
  /** Exactly `length` bytes at `offset`; rejects when the blob is shorter. */
  readRange(tenant: TenantId, sha256: string, offset: number, length: number): Promise<Buffer>;
  /** Deletes the blob; no error when it is already gone. */
  remove(tenant: TenantId, sha256: string): Promise<void>;
  /** A directory on the same filesystem as the blobs, for spooling uploads. */
  tempDir(): string;
}
