import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { deflateRaw } from 'node:zlib';
import { packBits, unpackBits } from '../../codecs/packed-bits.js';
import type { PixelDescription } from '../../codecs/pixel-description.js';
import { writeDataSet, type DataSetChanges, type NewValue } from '../../dicom/data-set-writer.js';
import { encodeFileMetaInformation } from '../../dicom/file-meta.js';
import { storedDataSet } from '../../dicom/part10-source.js';
import { ExplicitVRLittleEndian, getTransferSyntax } from '../../dicom/transfer-syntax.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { TenantId } from '../../storage/ids.js';
import type { InstanceRecord } from '../../storage/index-store.js';
import { needsCodec, type FrameService } from '../frame-service.js';

const PHOTOMETRIC_INTERPRETATION = 0x00280004;
const PLANAR_CONFIGURATION = 0x00280006;
const LOSSY_IMAGE_COMPRESSION = 0x00282110;
const LOSSY_IMAGE_COMPRESSION_RATIO = 0x00282112;
const LOSSY_IMAGE_COMPRESSION_METHOD = 0x00282114;
/** Its pixels are encoded as the main image's: they would be in the old encoding. Type 3, so dropped. */
const ICON_IMAGE_SEQUENCE = 0x00880200;

/** PS3.3 C.7.6.1.1.5.1: the method recorded for each lossy syntax atrium can encode. */
const LOSSY_METHOD: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2.4.50': 'ISO_10918_1',
  '1.2.840.10008.1.2.4.51': 'ISO_10918_1',
  '1.2.840.10008.1.2.4.81': 'ISO_14495_1',
  '1.2.840.10008.1.2.4.91': 'ISO_15444_1',
  '1.2.840.10008.1.2.4.93': 'ISO_15444_2',
  '1.2.840.10008.1.2.4.203': 'ISO_15444_15',
};

const deflateRawAsync = promisify(deflateRaw);

const PREAMBLE_AND_DICM = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1')]);

export interface TranscodeDeps {
  blobs: BlobStore;
  frames: FrameService;
}

/**
 * A stored instance as a Part 10 file in another transfer syntax (PS3.18
 * 8.7.3.5): a new meta header, the data set in Explicit VR Little Endian, and
 * the frames transcoded one by one through the frame service (so they land in
 * the frame cache), with the pixel module updated where the encoding changes it.
 */
export async function transcodedInstance(deps: TranscodeDeps, tenant: TenantId, record: InstanceRecord, to: string): Promise<Buffer> {
  const target = getTransferSyntax(to);
  if (!target) throw new RangeError(`unknown transfer syntax ${to}`);
  const source = storedDataSet(await readFile(deps.blobs.path({ tenant, studyUid: record.studyUid, sha256: record.sha256 })));
  const pixelSyntax = pixelSyntaxOf(to);
  const changes = record.pixel && needsCodec(record.transferSyntaxUid, pixelSyntax) ? await pixelChanges(deps, tenant, record, pixelSyntax) : {};
  let dataSet = writeDataSet(source.bytes, source.syntax, changes);
  // On the thread pool: a large data set would hold the event loop for seconds.
  if (target.deflated) dataSet = [await deflateRawAsync(Buffer.concat(dataSet))];
  const meta = encodeFileMetaInformation({ sopClassUid: record.sopClassUid, sopInstanceUid: record.sopInstanceUid, transferSyntaxUid: to });
  return Buffer.concat([PREAMBLE_AND_DICM, meta, ...dataSet]);
}

/** The syntax frames must be in for an instance in `to`: native data sets (deflated too) hold Explicit VR LE pixels. */
export function pixelSyntaxOf(to: string): string {
  return getTransferSyntax(to)?.encapsulated ? to : ExplicitVRLittleEndian;
}

async function pixelChanges(deps: TranscodeDeps, tenant: TenantId, record: InstanceRecord, to: string): Promise<DataSetChanges> {
  const original = deps.frames.description(tenant, record);
  if (!original || !record.pixel) throw new RangeError('the instance has no image pixel description');
  const numbers = Array.from({ length: record.pixel.numberOfFrames }, (_, i) => i + 1);
  const frames: Uint8Array[] = [];
  let produced: PixelDescription = original;
  for await (const frame of deps.frames.frames(tenant, record, numbers, to)) {
    frames.push(frame.data);
    produced = frame.description ?? produced;
  }
  const target = getTransferSyntax(to)!;
  const set = new Map<number, NewValue>();
  if (produced.photometricInterpretation !== original.photometricInterpretation) {
    set.set(PHOTOMETRIC_INTERPRETATION, text('CS', produced.photometricInterpretation));
  }
  if (produced.samplesPerPixel > 1) set.set(PLANAR_CONFIGURATION, { vr: 'US', value: uint16(produced.planarConfiguration) });
  const method = LOSSY_METHOD[to];
  if (method !== undefined) {
    const nativeBytes = (original.rows * original.columns * original.samplesPerPixel * original.bitsAllocated * frames.length) / 8;
    const encodedBytes = frames.reduce((n, f) => n + f.length, 0);
    set.set(LOSSY_IMAGE_COMPRESSION, text('CS', '01'));
    set.set(LOSSY_IMAGE_COMPRESSION_RATIO, text('DS', formatRatio(nativeBytes / Math.max(1, encodedBytes))));
    set.set(LOSSY_IMAGE_COMPRESSION_METHOD, text('CS', method));
  }
  const pixelData = target.encapsulated
    ? { kind: 'encapsulated' as const, frames }
    : { kind: 'native' as const, vr: produced.bitsAllocated > 8 ? ('OW' as const) : ('OB' as const), data: joinNative(frames, produced) };
  return { pixelData, set, drop: new Set([ICON_IMAGE_SEQUENCE]) };
}

/** Native frames back to back; 1-bit frames are packed without padding between them (PS3.5 8.1.1). */
function joinNative(frames: readonly Uint8Array[], d: PixelDescription): Buffer {
  if (d.bitsAllocated !== 1) return Buffer.concat(frames);
  const count = d.rows * d.columns * d.samplesPerPixel;
  const pixels = new Uint8Array(count * frames.length);
  frames.forEach((frame, i) => pixels.set(unpackBits(frame, count), i * count));
  return Buffer.from(packBits(pixels, pixels.length));
}

function text(vr: 'CS' | 'DS', value: string): NewValue {
  return { vr, value: Buffer.from(value.length % 2 ? `${value} ` : value, 'latin1') };
}

function uint16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n, 0);
  return b;
}

/** A DS of at most 16 characters (PS3.5 6.2). */
function formatRatio(ratio: number): string {
  return ratio.toFixed(ratio >= 100 ? 1 : 3);
}
