import type { Readable } from 'node:stream';
import type { TenantId, Uid } from './ids.js';

/**
 * Names one stored blob. Blobs are content-addressed within their study: the
 * study groups the files a STOW batch writes, so they share a directory and
 * one fsync makes the batch durable.
 */
export interface BlobRef {
  readonly tenant: TenantId;
  readonly studyUid: Uid;
  readonly sha256: string;
}

/** An inclusive byte range, as fs.createReadStream and HTTP Range (RFC 9110 14.1.2) count. */
export interface InclusiveRange {
  start: number;
  end: number;
}

/**
 * The stored Part 10 bytes, content-addressed by SHA-256 within a tenant's study.
 * Files on disk now; an S3-compatible store later, with the same shape.
 */
export interface BlobStore {
  /**
   * Moves a fully written, fsynced temp file into place (a rename). Idempotent:
   * a blob that exists holds the same bytes. Not durable until `sync` has run for it.
   */
  place(ref: BlobRef, tempPath: string): Promise<void>;
  /**
   * Makes placed blobs durable (fsync of their directories, once per directory),
   * so a batch of instances pays for each directory once.
   */
  sync(refs: readonly BlobRef[]): Promise<void>;
  /** Local file path for streaming reads. */
  path(ref: BlobRef): string;
  /** A read stream of the blob, or of `range` (inclusive ends) of it. */
  openRead(ref: BlobRef, range?: InclusiveRange): Readable;
  /** Exactly `length` bytes at `offset`; rejects when the blob is shorter. */
  readRange(ref: BlobRef, offset: number, length: number): Promise<Buffer>;
  /** Deletes the blob; no error when it is already gone. */
  remove(ref: BlobRef): Promise<void>;
  /** Deletes every blob of a tenant (tenant removal). */
  removeTenant(tenant: TenantId): Promise<void>;
  /** A directory on the same filesystem as the blobs, for spooling uploads. */
  tempDir(): string;
}
