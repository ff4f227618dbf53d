/**
 * A streaming multipart/related reader (RFC 2046 5.1.1, RFC 2387), used by STOW-RS
 * (PS3.18 10.5) on bodies of any size: a few chunks are held at a time, never the body.
 *
 *   multipart-body = [preamble CRLF] dash-boundary transport-padding CRLF body-part
 *                    *encapsulation close-delimiter transport-padding [CRLF epilogue]
 *   encapsulation  = delimiter transport-padding CRLF body-part
 *   delimiter      = CRLF dash-boundary        dash-boundary = "--" boundary
 *
 * The CRLF before "--boundary" belongs to the delimiter, not to the part. We search
 * for LF "--" boundary and drop a CR before it, which also accepts bare-LF bodies;
 * a virtual CRLF before the first byte lets the first delimiter sit at byte 0.
 * Parsing is pull-driven: the source is read only when the current part's body is
 * read, so a slow consumer slows the upload (backpressure) instead of filling memory.
 */
import { Readable } from 'node:stream';
import { parseMediaType } from './media-type.js';

export class MultipartError extends Error {
  override readonly name = 'MultipartError';
}

export interface MultipartPart {
  /** Part header fields, names lower-cased; repeated fields joined with ", ". */
  readonly headers: Map<string, string>;
  readonly contentType: string | undefined;
  /** The part's content. Read it (or leave it unread to skip it) before asking for the next part. */
  readonly body: Readable;
}

export interface ReadMultipartOptions {
  /** Largest header block of one part in bytes (default 16 KiB). */
  readonly maxHeaderBytes?: number;
}

type Source = Readable | AsyncIterable<Uint8Array | string>;

const [CR, LF, DASH, MAX_PADDING] = [0x0d, 0x0a, 0x2d, 1024];
const EMPTY = Buffer.alloc(0);

/**
 * The boundary of a multipart Content-Type (quoted or not), or null when absent or
 * invalid. RFC 2046 5.1.1 allows 1–70 characters, the last not a space; any other
 * printable ASCII character is tolerated.
 */
export function getBoundary(contentType: string): string | null {
  const mt = parseMediaType(contentType);
  if (mt === null || mt.type !== 'multipart') return null;
  const boundary = mt.params.get('boundary');
  return boundary !== undefined && isValidBoundary(boundary, READ_BOUNDARY_MAX) ? boundary : null;
}

/**
 * RFC 2046 5.1.1 allows 1-70 characters, and that is what atrium writes. Peers
 * send longer ones (Orthanc's DICOMweb client: two UUIDs, 73 characters), so
 * reading accepts up to 256: liberal in what it accepts, still bounded.
 */
const READ_BOUNDARY_MAX = 256;

export function isValidBoundary(boundary: string, max = 70): boolean {
  return boundary.length <= max && /^[\x20-\x7e]+$/.test(boundary) && !boundary.endsWith(' ');
}

/**
 * Yields the parts of a multipart body in order. The next part is parsed only once
 * the current body has ended: consumed by the caller, or skipped when the caller never
 * started reading it (or destroyed it). Malformed or truncated input throws a
 * MultipartError from the iterator and errors the current part's body.
 */
export async function* readMultipart(
  source: Source,
  boundary: string,
  options: ReadMultipartOptions = {},
): AsyncGenerator<MultipartPart, void, undefined> {
  if (!isValidBoundary(boundary, READ_BOUNDARY_MAX)) {
    throw new MultipartError(`invalid multipart boundary ${JSON.stringify(boundary)} (1-${READ_BOUNDARY_MAX} printable characters)`);
  }
  const parser = new Parser(source, boundary, options.maxHeaderBytes ?? 16 * 1024);
  try {
    await parser.skipPreamble();
    while (!parser.closed) {
      yield await parser.openPart();
      await parser.finishPart();
    }
    await parser.drainEpilogue();
  } finally {
    await parser.release();
  }
}

/** The part being read: its body ended, or failed; `wake` resumes finishPart(). */
type PartState = { body: Readable; ended: boolean; error: unknown; wake: (() => void) | undefined };

class Parser {
  readonly #iterator: AsyncIterator<Uint8Array | string>;
  readonly #delimiter: Buffer;
  readonly #maxHeaderBytes: number;
  /** Unparsed bytes; during a body, bytes before #bodyFrom are not content. */
  #buf: Buffer = Buffer.from('\r\n');
  #bodyFrom = 0;
  #eof = false;
  #part: PartState | undefined;
  #lock: Promise<unknown> = Promise.resolve();
  closed = false;

  constructor(source: Source, boundary: string, maxHeaderBytes: number) {
    // A Readable is left open when we stop early: the caller owns the request.
    this.#iterator =
      source instanceof Readable
        ? source.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]()
        : source[Symbol.asyncIterator]();
    this.#delimiter = Buffer.from(`\n--${boundary}`, 'latin1');
    this.#maxHeaderBytes = maxHeaderBytes;
  }

  async skipPreamble(): Promise<void> {
    while (!(await this.#bodyChunk('before the first boundary')).done);
  }

  /** Parses the header block after a delimiter line and opens the part's body. */
  async openPart(): Promise<MultipartPart> {
    let end: number;
    while ((end = this.#headerEnd()) < 0) {
      if (this.#buf.length > this.#maxHeaderBytes) break;
      if (!(await this.#more())) throw this.#truncated('in the headers of a part');
    }
    if (end < 0 || end > this.#maxHeaderBytes) {
      throw new MultipartError(`part header block exceeds ${this.#maxHeaderBytes} bytes`);
    }
    const headers = parseHeaders(this.#buf.toString('latin1', 0, end));
    // Keep the LF ending the blank line: an empty body followed by a delimiter
    // without its CRLF is then still found (at index 0).
    this.#buf = this.#buf.subarray(end - 1);
    this.#bodyFrom = 1;
    const body = new Readable({ read: () => void this.#pump(state) });
    const state: PartState = { body, ended: false, error: undefined, wake: undefined };
    this.#part = state;
    return { headers, contentType: headers.get('content-type'), body: state.body };
  }

  /** Waits for the caller to finish the current body, or skips what it left unread. */
  async finishPart(): Promise<void> {
    const state = this.#part;
    if (state === undefined) return;
    if (!state.ended && state.error === undefined && state.body.readableFlowing !== null && !state.body.destroyed) {
      await new Promise<void>((resolve) => {
        state.wake = resolve;
        state.body.once('close', resolve);
      });
    }
    if (!state.ended && state.error === undefined) {
      state.body.destroy();
      try {
        while (!(await this.#readBody(state)).done);
      } catch {
        // kept in state.error
      }
    }
    this.#part = undefined;
    if (state.error !== undefined) throw state.error;
  }

  async drainEpilogue(): Promise<void> {
    do this.#buf = EMPTY;
    while (await this.#more());
  }

  async release(): Promise<void> {
    this.#part?.body.destroy();
    if (!this.#eof) await this.#iterator.return?.();
  }

  /** Serves one read() of the current body. */
  async #pump(state: PartState): Promise<void> {
    if (this.#part !== state || state.ended) return;
    try {
      const { data, done } = await this.#readBody(state);
      if (data !== undefined) state.body.push(data);
      if (done) state.body.push(null);
    } catch (err) {
      // Only error the stream if someone listens, or the process would crash.
      state.body.destroy(state.body.listenerCount('error') > 0 ? (err as Error) : undefined);
    }
    if (state.ended || state.error !== undefined) state.wake?.();
  }

  /** One piece of a part's body; serialised, as both #pump and finishPart read. */
  #readBody(state: PartState): Promise<{ data: Buffer | undefined; done: boolean }> {
    const run = this.#lock.then(async () => {
      if (state.error !== undefined) throw state.error;
      if (state.ended) return { data: undefined, done: true };
      try {
        const result = await this.#bodyChunk('in a part body');
        state.ended = result.done;
        return result;
      } catch (err) {
        state.error = err;
        throw err;
      }
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }

  /**
   * The next piece of body (or preamble) content; `done` once its delimiter is
   * consumed, with #buf then starting after the delimiter line.
   */
  async #bodyChunk(where: string): Promise<{ data: Buffer | undefined; done: boolean }> {
    for (;;) {
      const buf = this.#buf;
      const found = this.#findDelimiter(buf);
      if (found.next >= 0) {
        const end = found.at > this.#bodyFrom && buf[found.at - 1] === CR ? found.at - 1 : found.at;
        const data = end > this.#bodyFrom ? buf.subarray(this.#bodyFrom, end) : undefined;
        this.#buf = buf.subarray(found.next);
        this.#bodyFrom = 0;
        this.closed = found.close;
        return { data, done: true };
      }
      // Hold back what may be the start of a delimiter (with its CR).
      const limit = found.at >= 0 ? found.at - 1 : buf.length - this.#delimiter.length;
      if (limit > this.#bodyFrom) {
        const data = buf.subarray(this.#bodyFrom, limit);
        this.#buf = buf.subarray(limit);
        this.#bodyFrom = 0;
        return { data, done: false };
      }
      if (!(await this.#more())) throw this.#truncated(where);
    }
  }

  /**
   * Finds LF "--" boundary followed by "--" (close) or transport padding and a line
   * end. `next` is -1 while the bytes after a match have not arrived (`at` >= 0).
   */
  #findDelimiter(buf: Buffer): { at: number; next: number; close: boolean } {
    let from = 0;
    for (;;) {
      const at = buf.indexOf(this.#delimiter, from);
      if (at < 0) return { at: -1, next: -1, close: false };
      let j = at + this.#delimiter.length;
      if (j + 2 > buf.length) return { at, next: -1, close: false };
      if (buf[j] === DASH && buf[j + 1] === DASH) return { at, next: j + 2, close: true };
      while (j < buf.length && (buf[j] === 0x20 || buf[j] === 0x09)) j++;
      if (j - at - this.#delimiter.length > MAX_PADDING) {
        throw new MultipartError(`more than ${MAX_PADDING} bytes of padding after a boundary`);
      }
      if (j + 1 >= buf.length) return { at, next: -1, close: false };
      if (buf[j] === LF) return { at, next: j + 1, close: false };
      if (buf[j] === CR && buf[j + 1] === LF) return { at, next: j + 2, close: false };
      from = at + 1; // "--boundaryX": content that merely starts like a delimiter
    }
  }

  /** Index just past the blank line ending the header block, or -1. */
  #headerEnd(): number {
    const buf = this.#buf;
    if (buf[0] === LF) return 1;
    if (buf[0] === CR && buf[1] === LF) return 2;
    const lf = buf.indexOf('\n\n');
    const crlf = buf.indexOf('\n\r\n');
    if (lf < 0) return crlf < 0 ? -1 : crlf + 3;
    return crlf < 0 || lf < crlf ? lf + 2 : crlf + 3;
  }

  async #more(): Promise<boolean> {
    if (this.#eof) return false;
    const { value, done } = await this.#iterator.next();
    if (done === true) return !(this.#eof = true);
    const chunk =
      typeof value === 'string'
        ? Buffer.from(value, 'latin1')
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    return true;
  }

  #truncated(where: string): MultipartError {
    const close = `${this.#delimiter.toString('latin1', 1)}--`;
    return new MultipartError(`multipart body ended ${where} without the close delimiter "${close}" (truncated, or wrong boundary?)`);
  }
}

/** Header fields of a part (RFC 2045/5322 syntax; obsolete line folding unfolded). */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  let last: string | undefined;
  for (const line of block.split(/\r?\n/)) {
    if (line === '') continue;
    if ((line[0] === ' ' || line[0] === '\t') && last !== undefined) {
      headers.set(last, `${headers.get(last) ?? ''} ${line.trim()}`.trim());
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prior = headers.get(name);
    headers.set(name, prior === undefined ? value : `${prior}, ${value}`);
    last = name;
  }
  return headers;
}
