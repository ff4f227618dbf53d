import { createHash, randomUUID } from 'node:crypto';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

export interface SpooledFile {
  path: string;
  /** SHA-256 of the bytes, lower-case hex. */
  sha256: string;
  size: number;
}

/** The stream was longer than `maxBytes`; nothing is left on disk. */
export class SpoolLimitError extends Error {
  override readonly name = 'SpoolLimitError';
  constructor(readonly maxBytes: number) {
    super(`upload exceeds the limit of ${maxBytes} bytes`);
  }
}

/**
 * Writes a stream to a new temp file in `dir`, hashing while writing, and
 * fsyncs it before resolving, so a later rename makes durable bytes visible.
 * On any error (including the size limit) the temp file is removed and the
 * source stream destroyed.
 */
export async function spoolToTemp(
  stream: Readable,
  dir: string,
  opts: { maxBytes?: number } = {},
): Promise<SpooledFile> {
  const path = join(dir, `spool-${randomUUID()}.tmp`);
  const hash = createHash('sha256');
  const file = await open(path, 'wx');
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      size += bytes.length;
      if (opts.maxBytes !== undefined && size > opts.maxBytes) throw new SpoolLimitError(opts.maxBytes);
      hash.update(bytes);
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await file.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
    }
    await file.sync();
    await file.close();
    return { path, sha256: hash.digest('hex'), size };
  } catch (err) {
    stream.destroy();
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw err;
  }
}
