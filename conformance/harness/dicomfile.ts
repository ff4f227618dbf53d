/**
 * Byte-level facts about a Part 10 file (dicom-parser): where Pixel Data and other
 * elements sit, and encapsulated frames as stored. Used to know what a server
 * must return without trusting any server.
 */
import { createRequire } from 'node:module';
import type * as DicomParser from 'dicom-parser';

const dicomParser = createRequire(import.meta.url)('dicom-parser') as typeof DicomParser;

export type ParsedFile = DicomParser.DataSet;

export function parse(bytes: Buffer): ParsedFile {
  return dicomParser.parseDicom(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** Raw value bytes of a top-level element (`7FE00010`), as stored in the file. */
export function elementValue(bytes: Buffer, ds: ParsedFile, tag: string): Buffer | undefined {
  const el = ds.elements['x' + tag.toLowerCase()];
  if (!el || el.encapsulatedPixelData || el.hadUndefinedLength) return undefined;
  return bytes.subarray(el.dataOffset, el.dataOffset + el.length);
}

/** Encapsulated frame `index` (0-based) as stored: its fragments concatenated. */
export function encapsulatedFrame(ds: ParsedFile, index: number): Buffer {
  const el = ds.elements['x7fe00010'];
  if (!el?.encapsulatedPixelData) throw new Error('Pixel Data is not encapsulated');
  const frames = Number(ds.intString('x00280008') ?? 1);
  const fragments = el.fragments ?? [];
  let frame: Uint8Array;
  if (frames === fragments.length) {
    frame = dicomParser.readEncapsulatedPixelDataFromFragments(ds, el, index, 1);
  } else if ((el.basicOffsetTable ?? []).length > 0) {
    frame = dicomParser.readEncapsulatedImageFrame(ds, el, index);
  } else {
    const bot = dicomParser.createJPEGBasicOffsetTable(ds, el);
    frame = dicomParser.readEncapsulatedImageFrame(ds, el, index, bot);
  }
  return Buffer.from(frame);
}
