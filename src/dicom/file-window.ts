/**
 * A movable window of bytes over a file (or an in-memory buffer): the parsers
 * read synchronously inside the window and ask for a bigger or other window when
 * they run off its end. This keeps a multi-gigabyte instance's memory to the
 * window, never the file.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** Thrown by synchronous parsers when bytes they need lie beyond the window. */
export class NeedMoreBytes {
  /** Absolute offset one past the last byte needed. */
  constructor(readonly needed: number) {}
}

export class FileWindow {
  /** Bytes [start, end) of the source. */
  bytes: Uint8Array;
  view: DataView;
  start = 0;
  readonly size: number;
  #fh: FileHandle | null;
  readonly #path: string | null;

  private constructor(fh: FileHandle | null, path: string | null, size: number, bytes: Uint8Array) {
    this.#fh = fh;
    this.#path = path;
    this.size = size;
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  static overFile(fh: FileHandle, size: number): FileWindow {
    return new FileWindow(fh, null, size, new Uint8Array(0));
  }

  static overBuffer(bytes: Uint8Array): FileWindow {
    return new FileWindow(null, null, bytes.length, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  /**
   * A file whose first bytes are already in memory (kept while it was written):
   * the file is opened only if parsing needs more than `head`. Call close().
   */
  static overFileWithHead(path: string, size: number, head: Uint8Array): FileWindow {
    return new FileWindow(null, path, size, new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
  }

  /** Closes a file this window opened itself. */
  async close(): Promise<void> {
    if (this.#path !== null) await this.#fh?.close();
  }

  get end(): number {
    return this.start + this.bytes.length;
  }

  /** The window holds the whole source, so views into it stay valid forever. */
  get whole(): boolean {
    return this.start === 0 && this.bytes.length === this.size;
  }

  has(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.end;
  }

  /**
   * Synchronous parsers call this before reading [pos, pos+n): it throws
   * NeedMoreBytes when the bytes exist but are outside the window, and returns
   * false when they are past the end of the source (the caller reports truncation).
   */
  require(pos: number, n: number): boolean {
    if (pos >= this.start && pos + n <= this.end) return true;
    if (pos + n > this.size) return false;
    throw new NeedMoreBytes(pos + n);
  }

  /** Replaces the window with [pos, pos + length), clipped to the source, unless it already holds it. */
  async load(pos: number, length: number): Promise<void> {
    const len = Math.max(0, Math.min(length, this.size - pos));
    if (this.has(pos, len)) return;
    if (this.#fh === null && this.#path !== null) this.#fh = await open(this.#path, 'r');
    if (this.#fh === null) throw new Error(`FileWindow: [${pos}, ${pos + len}) outside an in-memory source`);
    const buf = Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await this.#fh.read(buf, got, len - got, pos + got);
      if (bytesRead === 0) break; // the file shrank under us: parsers will see truncation
      got += bytesRead;
    }
    // A plain Uint8Array: Buffer's subarray and slice are slower, and its slice does not copy.
    this.bytes = new Uint8Array(buf.buffer, buf.byteOffset, got);
    this.view = new DataView(buf.buffer, buf.byteOffset, got);
    this.start = pos;
  }

  /** Makes [pos, pos+n) available, reading at least `block` bytes when it must read. */
  async ensure(pos: number, n: number, block = 64 * 1024): Promise<void> {
    if (this.has(pos, Math.min(n, this.size - pos))) return;
    await this.load(pos, Math.max(n, block));
  }

  /**
   * A value's bytes: a view when the window holds the whole source (it never
   * moves), otherwise a copy, so values survive the window moving on.
   */
  capture(pos: number, n: number): Uint8Array {
    const from = pos - this.start;
    return this.whole ? this.bytes.subarray(from, from + n) : Uint8Array.prototype.slice.call(this.bytes, from, from + n);
  }
}
