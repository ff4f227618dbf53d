/**
 * A stored file in memory, split into its transfer syntax and data set bytes,
 * for rewriting it in another syntax. How a file begins is recognised as
 * instance-reader does (file-format.ts: PS3.10 7.1 and the forms real files take).
 */
import { DicomReadError } from './dicom-read-error.js';
import { FileWindow } from './file-window.js';
import { guessBareSyntax, inflateDataSet, metaStartOf } from './file-format.js';
import { readRawElement, type RawReadContext } from './raw-element-reader.js';
import { ExplicitVRLittleEndian, getTransferSyntax, type TransferSyntax } from './transfer-syntax.js';

const TRANSFER_SYNTAX_UID = 0x00020010;
const GROUP_LENGTH_0002 = 0x00020000;

export interface StoredDataSet {
  /** The syntax the data set is encoded in; for a deflated file, after inflating (Explicit VR Little Endian). */
  readonly syntax: TransferSyntax;
  readonly bytes: Uint8Array;
}

export function storedDataSet(file: Uint8Array): StoredDataSet {
  const start = metaStartOf(file, file.length);
  if (!start) {
    const uid = guessBareSyntax(file);
    const syntax = uid === undefined ? undefined : getTransferSyntax(uid);
    if (!syntax) throw new DicomReadError('not-part10', 'neither a Part 10 file nor a bare data set');
    return { syntax, bytes: file };
  }
  const w = FileWindow.overBuffer(file);
  const ctx: RawReadContext = { explicitVr: true, littleEndian: true, captureBinaryMax: Infinity };
  let pos = start.at;
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
  if (!declared.deflated) return { syntax: declared, bytes: file.subarray(pos) };
  return { syntax: getTransferSyntax(ExplicitVRLittleEndian)!, bytes: inflateDataSet(file.subarray(groupEnd ?? pos)) };
}
