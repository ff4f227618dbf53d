import { createHash, randomUUID } from 'node:crypto';
import { open, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform, Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/** As much as a typical header needs (the reader's first window). */
const HEAD_BYTES = 64 * 1024;

export interface SpooledFile {
  path: string;
  /** SHA-256 of the bytes, lower-case hex. */
  sha256: string;
  size: number;
  /** The first bytes (up to HEAD_BYTES), kept so the header can be parsed without reading the file back. */
  head: Buffer;
  /** Settles when the bytes are on stable storage; await it before the file is made visible. */
  durable: Promise<void>;
}

/** The stream was longer than `maxBytes`; nothing is left on disk. */
export class SpoolLimitError extends Error {
  override readonly name = 'SpoolLimitError';
  constructor(readonly maxBytes: number) {
    super(`upload exceeds the limit of ${maxBytes} bytes`);
  }
}

/**
 * Writes a stream to a new temp file in `dir`, hashing while writing. The
 * returned `durable` settles once the bytes are synced, so a later rename
 * makes durable bytes visible.
 * The write stream batches queued chunks into one writev, so a fast client
 * costs few syscalls. On any error (including the size limit) the temp file
 * is removed and the source stream destroyed.
 */
export async function spoolToTemp(
  stream: Readable,
  dir: string,
  opts: { maxBytes?: number } = {},
): Promise<SpooledFile> {
  const path = join(dir, `spool-${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  let size = 0;
  const head = Buffer.allocUnsafe(HEAD_BYTES);
  const measure = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (size < HEAD_BYTES) chunk.copy(head, size, 0, Math.min(chunk.length, HEAD_BYTES - size));
      size += chunk.length;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) return done(new SpoolLimitError(opts.maxBytes));
      hash.update(chunk);
      done(null, chunk);
    },
  });
  const file = await open(path, 'wx');
  try {
    await pipeline(stream, measure, fileSink(file));
  } catch (err) {
    stream.destroy();
    await file.close();
    await rm(path, { force: true });
    throw err;
  }
  // fdatasync: the bytes and the size (the name becomes durable with its
  // directory, later). It runs while the caller reads the next part.
  const durable = file.datasync().finally(() => file.close());
  durable.catch(() => undefined); // observed by whoever awaits it; never unhandled
  return { path, sha256: hash.digest('hex'), size, head: head.subarray(0, Math.min(size, HEAD_BYTES)), durable };
}

/** Writes into an open file: chunks queued while a write is in flight go out together in one writev. */
function fileSink(file: FileHandle): Writable {
  const writeAll = async (chunks: Buffer[]) => {
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const { bytesWritten } = await file.writev(chunks);
    if (bytesWritten !== total) throw new Error(`short write to the spool file (${bytesWritten} of ${total} bytes)`);
  };
  return new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _encoding, done) {
      writeAll([chunk]).then(() => done(), done);
    },
    writev(entries, done) {
      writeAll(entries.map((e) => e.chunk as Buffer)).then(() => done(), done);
    },
  });
}
