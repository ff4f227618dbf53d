/**
 * The public test files (../shared/testdata) as codec references: their
 * manifest rows, their frames read the way atrium serves them, and the form
 * the manifest's pixel_md5 was computed on.
 */
import { createHash } from 'node:crypto';
import { expanded, isExpandable } from '../../src/codecs/chroma.js';
import type { NativeFrame } from '../../src/codecs/codec.js';
import { unpackBits } from '../../src/codecs/packed-bits.js';
import { bytesPerSample, pixelDescriptionOf, type PixelDescription } from '../../src/codecs/pixel-description.js';
import { codecFor } from '../../src/codecs/registry.js';
import { withPlanarConfiguration } from '../../src/codecs/sample-layout.js';
import { readInstance } from '../../src/dicom/instance-reader.js';
import { readFrames } from '../../src/storage/frame-reader.js';
import { MANIFEST, row, TESTDATA_DIR, type ManifestRow } from '../../conformance/harness/testdata.js';

export const TESTDATA = TESTDATA_DIR;

/** A manifest row (the conformance harness reads MANIFEST.tsv once for every suite). */
export type ReferenceFile = ManifestRow;
export { MANIFEST, row as referenceFile };

export const isMd5 = (value: string) => /^[0-9a-f]{32}$/.test(value);

export interface ReferenceFrames {
  /** The stored syntax for encapsulated frames; Explicit VR Little Endian for native ones (the frame reader swaps). */
  readonly transferSyntaxUid: string;
  readonly description: PixelDescription;
  readonly frames: readonly Uint8Array[];
}

/** Every frame of a test file, read as ingest and the frame reader do; undefined without pixel data. */
export async function readReferenceFrames(file: string): Promise<ReferenceFrames | undefined> {
  const path = `${TESTDATA}${file}`;
  const info = await readInstance(path, { bulkDataUri: (tagPath) => tagPath });
  const description = pixelDescriptionOf(info.dataset);
  if (!info.pixel || !description) return undefined;
  const numbers = Array.from({ length: info.pixel.numberOfFrames }, (_, i) => i + 1);
  const frames: Uint8Array[] = [];
  let transferSyntaxUid = info.transferSyntaxUid;
  for await (const frame of readFrames(path, info.pixel, info.transferSyntaxUid, numbers)) {
    frames.push(new Uint8Array(frame.data));
    transferSyntaxUid = frame.transferSyntaxUid;
  }
  return { transferSyntaxUid, description, frames };
}

/** Every frame of a test file decoded to native by atrium's codecs. */
export async function readNativeFrames(file: string): Promise<NativeFrame[]> {
  const read = await readReferenceFrames(file);
  if (!read) throw new Error(`${file} has no frames`);
  const codec = codecFor(read.transferSyntaxUid)!;
  return Promise.all(read.frames.map((frame) => codec.decode(frame, read.description)));
}

/**
 * A decoded frame in the form pydicom's pixel_array had when the manifest's
 * MD5s were taken: colour-by-pixel, 1-bit pixels one byte each, and samples in
 * the byte order of the file (big endian for Explicit VR Big Endian files).
 */
export function manifestForm(frame: NativeFrame, bigEndian: boolean): Uint8Array {
  const d = frame.description;
  // pydicom expands native 4:2:2 colour: each pixel pair's CB and CR serve both pixels.
  if (isExpandable(d)) return expanded(frame).data;
  let data = withPlanarConfiguration(frame.data, d, d.planarConfiguration, 0);
  if (d.bitsAllocated === 1) data = unpackBits(data, d.rows * d.columns * d.samplesPerPixel);
  if (bigEndian && bytesPerSample(d) > 1) {
    data = Buffer.from(data);
    if (bytesPerSample(d) === 2) (data as Buffer).swap16();
    else if (bytesPerSample(d) === 4) (data as Buffer).swap32();
    else (data as Buffer).swap64();
  }
  return data;
}

export function md5(parts: readonly Uint8Array[]): string {
  const hash = createHash('md5');
  for (const part of parts) hash.update(part);
  return hash.digest('hex');
}
