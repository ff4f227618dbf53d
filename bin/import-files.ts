/** Finding the files of a folder to import, and telling DICOM instances from everything else. */
import { open, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { hasDicmAt, isUpper } from '../src/dicom/file-format.js';
import { DicomReadError, readInstance } from '../src/dicom/instance-reader.js';
import { textValue } from '../src/dicomweb/client/json-values.js';
import type { Uid } from '../src/storage/ids.js';

export interface FoundFile {
  readonly path: string;
  /** Path relative to the imported folder, '/'-separated: the file's name in the state file and in messages. */
  readonly rel: string;
  readonly size: number;
  readonly mtimeMs: number;
}

export type Classified =
  /** An instance to send; its SOP Instance UID is unknown when it could not be read here (the server decides). */
  | { readonly kind: 'dicom'; readonly sopInstanceUid: Uid | undefined }
  | { readonly kind: 'skip'; readonly reason: SkipReason }
  /** The file itself could not be read (permissions, vanished). */
  | { readonly kind: 'unreadable'; readonly reason: string };

export type SkipReason = 'not DICOM' | 'DICOMDIR';

/** Media Storage Directory Storage (PS3.10 8.6): a DICOMDIR indexes a file-set, it is not an instance. */
const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

/** Regular files under `dir` (symbolic links to files included), sorted, leaving out `exclude`. */
export async function listFiles(dir: string, exclude: string): Promise<FoundFile[]> {
  const root = resolve(dir);
  const found: FoundFile[] = [];
  for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
    // Directory links are not followed (no cycles); file links are.
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    const path = join(entry.parentPath, entry.name);
    if (path === exclude) continue;
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile()) continue;
    found.push({ path, rel: relative(root, path).split('\\').join('/'), size: info.size, mtimeMs: info.mtimeMs });
  }
  return found.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Reads a file's header as the server will. A file that starts like Part 10
 * ("DICM", or a meta group at byte 0) is DICOM even when unreadable here: the
 * server gives the verdict. A file recognised only as a guessed bare data set
 * must read cleanly, else random bytes would count as broken DICOM.
 */
export async function classify(file: FoundFile): Promise<Classified> {
  let head: Uint8Array;
  try {
    head = await readHead(file.path, 132);
  } catch (err) {
    return { kind: 'unreadable', reason: err instanceof Error ? err.message : String(err) };
  }
  const part10Shaped = hasDicmAt(head, 128) || hasDicmAt(head, 0) || (head[0] === 0x02 && head[1] === 0x00 && isUpper(head[4]) && isUpper(head[5]));
  try {
    const info = await readInstance(file.path, { bulkDataUri: (tagPath) => tagPath, inlineBinaryMaxBytes: 0 });
    const sopClass = textValue(info.dataset, '00080016') ?? textValue(info.meta, '00020002');
    if (sopClass === DICOMDIR_SOP_CLASS) return { kind: 'skip', reason: 'DICOMDIR' };
    return { kind: 'dicom', sopInstanceUid: textValue(info.dataset, '00080018') };
  } catch (err) {
    if (!(err instanceof DicomReadError)) return { kind: 'unreadable', reason: err instanceof Error ? err.message : String(err) };
    return part10Shaped ? { kind: 'dicom', sopInstanceUid: undefined } : { kind: 'skip', reason: 'not DICOM' };
  }
}

async function readHead(path: string, length: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
