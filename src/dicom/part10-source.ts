/**
 * A stored file in memory, split into its transfer syntax and data set bytes,
 * for rewriting it in another syntax. Mirrors instance-reader's recognition of
 * how files begin (PS3.10 7.1, and the non-conforming forms it accepts).
 */
import { inflateRawSync, inflateSync } from 'node:zlib';
import { DicomReadError } from './dicom-read-error.js';
import { FileWindow } from './file-window.js';
import { guessBareSyntax, hasDicmAt, isUpper } from './file-format.js';
import { readRawElement, type RawReadContext } from './raw-element-reader.js';
import { getTransferSyntax, type TransferSyntax } from './transfer-syntax.js';

const PREAMBLE = 128;
const TRANSFER_SYNTAX_UID = 0x00020010;
const GROUP_LENGTH_0002 = 0x00020000;

export interface StoredDataSet {
  /** The syntax the data set is encoded in; for a deflated file, after inflating (Explicit VR Little Endian). */
  readonly syntax: TransferSyntax;
  /** The syntax the file declares. */
  readonly declared: TransferSyntax;
  readonly bytes: Uint8Array;
}

export function storedDataSet(file: Uint8Array): StoredDataSet {
  let metaStart: number;
  if (file.length >= PREAMBLE + 12 && hasDicmAt(file, PREAMBLE)) metaStart = PREAMBLE + 4;
  else if (hasDicmAt(file, 0)) metaStart = 4;
  else if (file.length >= 8 && file[0] === 0x02 && file[1] === 0x00 && isUpper(file[4]) && isUpper(file[5])) metaStart = 0;
  else {
    const uid = guessBareSyntax(file);
    const syntax = uid === undefined ? undefined : getTransferSyntax(uid);
    if (!syntax) throw new DicomReadError('not-part10', 'neither a Part 10 file nor a bare data set');
    return { syntax, declared: syntax, bytes: file };
  }
  const w = FileWindow.overBuffer(file);
  const ctx: RawReadContext = { explicitVr: true, littleEndian: true, captureBinaryMax: Infinity };
  let pos = metaStart;
  let uid = '';
  let groupEnd: number | undefined;
  while (pos + 8 <= file.length && file[pos] === 0x02 && file[pos + 1] === 0x00 && (groupEnd === undefined || pos < groupEnd)) {
    const el = readRawElement(w, pos, ctx, 0);
    if (el.tag === GROUP_LENGTH_0002 && el.value?.length === 4) groupEnd = el.end + Buffer.from(el.value).readUInt32LE(0);
    if (el.tag === TRANSFER_SYNTAX_UID && el.value) uid = Buffer.from(el.value).toString('latin1').replace(/[\0 ]+$/, '');
    pos = el.end;
  }
  const declared = getTransferSyntax(uid);
  if (!declared) throw new DicomReadError('unsupported-syntax', `unknown Transfer Syntax UID ${uid}`);
  if (!declared.deflated) return { syntax: declared, declared, bytes: file.subarray(pos) };
  const start = groupEnd ?? pos;
  const deflated = file.subarray(start);
  let inflated: Buffer;
  try {
    inflated = inflateRawSync(deflated);
  } catch {
    inflated = inflateSync(deflated); // some writers add a zlib header, against PS3.5 A.5
  }
  return { syntax: getTransferSyntax('1.2.840.10008.1.2.1')!, declared, bytes: inflated };
}
