/**
 * Builds a multipart/related response body as a stream (RFC 2046 5.1.1, RFC 2387;
 * PS3.18 8.6.1.2 for WADO-RS). Parts are written one after another; each write waits
 * while the client is slower than us, so a study of any size streams in bounded memory.
 *
 * The body starts with the dash-boundary itself, no preamble and no leading CRLF:
 * OHIF's parser requires it. Each part carries its own Content-Type (with the
 * transfer-syntax, PS3.18 8.7.9) so viewers never have to guess the encoding.
 */
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable } from 'node:stream';
import { isValidBoundary } from './multipart-reader.js';

export interface MultipartWriterPart {
  /** The part's Content-Type, e.g. `application/dicom; transfer-syntax=1.2.840.10008.1.2.1`. */
  readonly contentType: string;
  /** Further part header fields, e.g. Content-Location (PS3.18 8.6.1.2.2). */
  readonly headers?: Readonly<Record<string, string>>;
  readonly body: Uint8Array | Readable | AsyncIterable<Uint8Array>;
}

export interface MultipartWriter {
  readonly boundary: string;
  /** The response body: pipe it or hand it to the HTTP framework. */
  readonly stream: Readable;
  /** Writes one part; resolves once it is handed over (respecting backpressure). */
  writePart(part: MultipartWriterPart): Promise<void>;
  /** Writes the close delimiter and ends the stream. */
  end(): Promise<void>;
  /** Ends the stream with an error: the client sees a truncated body, not a valid one. */
  abort(error: Error): void;
}

/** A random boundary of token characters (no quoting needed), 128 bits of entropy. */
export function randomBoundary(): string {
  return `atrium-${randomBytes(16).toString('hex')}`;
}

const FIELD_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export function createMultipartWriter(boundary: string = randomBoundary()): MultipartWriter {
  if (!isValidBoundary(boundary)) throw new RangeError(`invalid multipart boundary ${JSON.stringify(boundary)}`);
  const out = new PassThrough({ highWaterMark: 64 * 1024 });
  let parts = 0;
  let busy = false;
  let ended = false;

  const write = async (chunk: Uint8Array): Promise<void> => {
    if (out.destroyed) throw new Error('multipart response stream was closed');
    if (!out.write(chunk)) await drained(out);
  };

  return {
    boundary,
    stream: out,
    async writePart(part) {
      if (busy || ended) throw new Error(ended ? 'multipart writer already ended' : 'parts must be written one at a time');
      busy = true;
      try {
        await write(Buffer.from(partHead(boundary, parts === 0, part), 'latin1'));
        parts++;
        if (part.body instanceof Uint8Array) {
          if (part.body.byteLength > 0) await write(part.body);
        } else {
          for await (const chunk of part.body as AsyncIterable<Uint8Array | string>) {
            await write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
          }
        }
      } finally {
        busy = false;
      }
    },
    async end() {
      if (busy) throw new Error('a part is still being written');
      if (ended) return;
      ended = true;
      // close-delimiter = delimiter "--"; with no part, the body is just the close line.
      await write(Buffer.from(`${parts === 0 ? '' : '\r\n'}--${boundary}--\r\n`, 'latin1'));
      out.end();
    },
    abort(error) {
      ended = true;
      out.destroy(error);
    },
  };
}

/**
 * The exact body length createMultipartWriter produces for parts of known
 * sizes, so a response can carry Content-Length instead of chunked framing.
 */
export function multipartLength(
  boundary: string,
  parts: ReadonlyArray<Omit<MultipartWriterPart, 'body'> & { readonly length: number }>,
): number {
  let total = Buffer.byteLength(`${parts.length === 0 ? '' : '\r\n'}--${boundary}--\r\n`, 'latin1');
  parts.forEach((part, i) => (total += Buffer.byteLength(partHead(boundary, i === 0, part), 'latin1') + part.length));
  return total;
}

/** The delimiter line and header block that open a part. */
function partHead(boundary: string, first: boolean, part: Omit<MultipartWriterPart, 'body'>): string {
  let head = `${first ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${checkValue(part.contentType)}\r\n`;
  for (const [name, value] of Object.entries(part.headers ?? {})) {
    if (!FIELD_NAME.test(name) || name.toLowerCase() === 'content-type') {
      throw new RangeError(`invalid part header name ${JSON.stringify(name)}`);
    }
    head += `${name}: ${checkValue(value)}\r\n`;
  }
  return `${head}\r\n`;
}

/** Header values may not contain line breaks (they would inject header fields). */
function checkValue(value: string): string {
  if (/[\r\n\0]/.test(value)) throw new RangeError(`invalid part header value ${JSON.stringify(value)}`);
  return value;
}

/** Resolves on 'drain'; rejects if the stream closes first (client went away). */
function drained(stream: PassThrough): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (err?: Error): void => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      if (err === undefined) resolve();
      else reject(err);
    };
    const onDrain = (): void => done();
    const onClose = (): void => done(new Error('multipart response stream was closed'));
    stream.on('drain', onDrain);
    stream.on('close', onClose);
  });
}
