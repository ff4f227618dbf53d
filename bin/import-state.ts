/**
 * What earlier runs of `atrium import` got acknowledged, so a rerun after an
 * interruption sends only the rest. JSON Lines, appended as the server
 * acknowledges each request: a killed run loses at most the requests in
 * flight (sent again next time; the server takes identical bytes as a
 * success), and a line cut short by the kill is ignored on reading.
 * Only acknowledgements are kept: failures and skips are looked at again.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import type { Uid } from '../src/storage/ids.js';
import type { FoundFile } from './import-files.js';

interface StateLine {
  /** The DICOMweb root it was stored to: another destination starts afresh. */
  readonly to: string;
  readonly file: string;
  /** Size and mtime: a file changed since is sent again. */
  readonly size: number;
  readonly mtimeMs: number;
  readonly sop: Uid | null;
}

export class ImportState {
  readonly #acknowledged: Map<string, StateLine>;
  readonly #handle: FileHandle;
  readonly #destination: string;
  #writes: Promise<void> = Promise.resolve();

  private constructor(acknowledged: Map<string, StateLine>, handle: FileHandle, destination: string) {
    this.#acknowledged = acknowledged;
    this.#handle = handle;
    this.#destination = destination;
  }

  static async open(path: string, destination: string): Promise<ImportState> {
    const acknowledged = new Map<string, StateLine>();
    const text = await readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return '';
      throw err;
    });
    for (const line of text.split('\n')) {
      const entry = parseLine(line);
      if (entry?.to === destination) acknowledged.set(entry.file, entry);
    }
    const handle = await open(path, 'a');
    // Finish a line an interrupted run cut short, so the next one starts on its own line.
    if (text !== '' && !text.endsWith('\n')) await handle.appendFile('\n');
    return new ImportState(acknowledged, handle, destination);
  }

  /** Acknowledged by an earlier run, and unchanged since. */
  has(file: FoundFile): boolean {
    const entry = this.#acknowledged.get(file.rel);
    return entry !== undefined && entry.size === file.size && entry.mtimeMs === file.mtimeMs;
  }

  /** Records files the server acknowledged; writes are serialised, one line per file. */
  record(files: ReadonlyArray<{ readonly file: FoundFile; readonly sop: Uid | undefined }>): Promise<void> {
    if (files.length === 0) return this.#writes;
    const lines = files
      .map(({ file, sop }) => JSON.stringify({ to: this.#destination, file: file.rel, size: file.size, mtimeMs: file.mtimeMs, sop: sop ?? null } satisfies StateLine))
      .join('\n');
    this.#writes = this.#writes.then(() => this.#handle.appendFile(`${lines}\n`));
    return this.#writes;
  }

  async close(): Promise<void> {
    await this.#writes.catch(() => undefined);
    await this.#handle.close();
  }
}

function parseLine(line: string): StateLine | undefined {
  if (line.trim() === '') return undefined;
  try {
    const value: unknown = JSON.parse(line);
    if (value === null || typeof value !== 'object') return undefined;
    const v = value as Partial<StateLine>;
    const ok = typeof v.to === 'string' && typeof v.file === 'string' && typeof v.size === 'number' && typeof v.mtimeMs === 'number';
    return ok ? (v as StateLine) : undefined;
  } catch {
    return undefined; // a line cut short by an interrupted run
  }
}
