import { open } from 'node:fs/promises';
import type { NativeFrame } from '../../../src/codecs/codec.js';
import { pixelDescriptionOf } from '../../../src/codecs/pixel-description.js';
import { readInstance } from '../../../src/dicom/instance-reader.js';
import type { DicomJsonDataset } from '../../../src/dicom/json-model.js';
import { ExplicitVRBigEndian } from '../../../src/dicom/transfer-syntax.js';
import { bulkLutPaths, type BulkValues } from '../../../src/codecs/render/lookup-table.js';
import { readFrames, swapToLittleEndian } from '../../../src/storage/frame-reader.js';

export const TESTDATA = new URL('../../../../shared/testdata/', import.meta.url);

export interface LoadedFrame {
  frame: NativeFrame;
  dataset: DicomJsonDataset;
  bulk: BulkValues;
}

/**
 * Frame `number` of an uncompressed test file, decoded the way the server's
 * native path does (frame reader, little endian), with the LUT data the
 * renderer asks for read from the file as the HTTP layer reads it.
 */
export async function loadFrame(file: string, number = 1): Promise<LoadedFrame> {
  const path = new URL(file, TESTDATA).pathname;
  const info = await readInstance(path, { bulkDataUri: (p) => `bulkdata/${p}` });
  const description = pixelDescriptionOf(info.dataset);
  if (!info.pixel || !description) throw new Error(`${file} has no native pixel data`);
  const frames = readFrames(path, info.pixel, info.transferSyntaxUid, [number]);
  const { value } = await frames.next();
  await frames.return(undefined);
  const bulk = new Map<string, Uint8Array>();
  const handle = await open(path, 'r');
  try {
    for (const tagPath of bulkLutPaths(info.dataset, number)) {
      const range = info.bulkData[tagPath]!;
      const bytes = Buffer.alloc(range.length);
      await handle.read(bytes, 0, range.length, range.offset);
      if (info.transferSyntaxUid === ExplicitVRBigEndian) swapToLittleEndian(bytes, 16);
      bulk.set(tagPath, bytes);
    }
  } finally {
    await handle.close();
  }
  return { frame: { data: value!.data, description }, dataset: info.dataset, bulk };
}
