import type { EncodedFrame, NativeFrame } from '../codecs/codec.js';
import { pixelDescriptionOf, type PixelDescription } from '../codecs/pixel-description.js';
import { ExplicitVRLittleEndian, getTransferSyntax } from '../dicom/transfer-syntax.js';
import type { BlobStore } from '../storage/blob-store.js';
import type { CachedFrame, FrameCache } from '../storage/frame-cache.js';
import { readFrames, type Frame } from '../storage/frame-reader.js';
import type { TenantId } from '../storage/ids.js';
import type { IndexStore, InstanceRecord } from '../storage/index-store.js';
import type { PixelSource } from './pixel-source.js';

/** A frame as sent; transcoded frames say what their pixels became (photometric interpretation may change). */
export interface ServedFrame extends Frame {
  readonly description?: PixelDescription;
}

/** What the service needs of the codec pool. */
export interface FrameCodecs {
  transcode(request: { data: Uint8Array; from: string; to: string; description: PixelDescription }): Promise<EncodedFrame>;
  decode(request: { data: Uint8Array; from: string; description: PixelDescription }): Promise<NativeFrame>;
}

export interface FrameServiceDeps {
  index: IndexStore;
  blobs: BlobStore;
  cache: FrameCache;
  codecs: FrameCodecs;
  /** Whether the codecs can turn frames stored in `from` into `to` (for this pixel description, when given). */
  canTranscode(from: string, to: string, description?: PixelDescription): boolean;
}

/** Frames transcoded ahead of the one being sent, so the pool's threads all work on a multi-frame request. */
const LOOKAHEAD = 4;
/** Pixel descriptions kept, by content hash: parsing an instance's JSON per frame request would dominate. */
const DESCRIPTIONS_KEPT = 4096;

const isNative = (uid: string) => getTransferSyntax(uid)?.encapsulated === false;

/**
 * Frames of stored instances in any syntax the codecs can produce: read at
 * their stored offsets, transcoded one frame at a time in the codec pool, and
 * kept in the frame cache, so a frame is transcoded once however often and
 * however concurrently it is asked for.
 */
export class FrameService implements PixelSource {
  readonly #deps: FrameServiceDeps;
  readonly #descriptions = new Map<string, PixelDescription | null>();

  constructor(deps: FrameServiceDeps) {
    this.#deps = deps;
  }

  /** The instance's pixel description (undefined without an image pixel module). */
  description(tenant: TenantId, record: InstanceRecord): PixelDescription | undefined {
    let d = this.#descriptions.get(record.sha256);
    if (d === undefined) {
      const [json] = this.#deps.index.listMetadataJson(tenant, {
        studyUid: record.studyUid,
        seriesUid: record.seriesUid,
        sopInstanceUid: record.sopInstanceUid,
      });
      d = json === undefined ? null : (pixelDescriptionOf(JSON.parse(json)) ?? null);
      if (this.#descriptions.size >= DESCRIPTIONS_KEPT) this.#descriptions.delete(this.#descriptions.keys().next().value!);
      this.#descriptions.set(record.sha256, d);
    }
    return d ?? undefined;
  }

  /** Whether frames stored in `from` can in general be sent in `to`: cheap, for negotiating once per stored syntax. */
  canProduceFrom(from: string, to: string): boolean {
    return !needsCodec(from, to) || (keepsLossyHonest(from, to) && this.#deps.canTranscode(from, to));
  }

  /** Whether frames of this instance can be sent in `to` (as stored, as native, or through a codec). */
  canProduce(tenant: TenantId, record: InstanceRecord, to: string): boolean {
    const from = record.transferSyntaxUid;
    if (!needsCodec(from, to)) return true;
    if (!record.pixel || !keepsLossyHonest(from, to)) return false;
    const description = this.description(tenant, record);
    return description !== undefined && this.#deps.canTranscode(from, to, description);
  }

  /** Frames `numbers` (checked to exist by the caller) in `to`. */
  async *frames(
    tenant: TenantId,
    record: InstanceRecord,
    numbers: readonly number[],
    to: string,
    { lookahead = LOOKAHEAD }: { lookahead?: number } = {},
  ): AsyncGenerator<ServedFrame> {
    const layout = record.pixel;
    if (!layout) throw new RangeError('the instance has no pixel data');
    const path = this.#deps.blobs.path({ tenant, studyUid: record.studyUid, sha256: record.sha256 });
    if (!needsCodec(record.transferSyntaxUid, to)) {
      yield* readFrames(path, layout, record.transferSyntaxUid, numbers);
      return;
    }
    const description = this.#required(tenant, record);
    const transcoded = (number: number) =>
      this.#deps.cache.getOrProduce({ tenant, sha256: record.sha256, frame: number, transferSyntaxUid: to }, async () => {
        const raw = await this.#readOne(path, record, number);
        const encoded = await this.#deps.codecs.transcode({ data: raw.data, from: raw.transferSyntaxUid, to, description });
        return cached(encoded.data, encoded.description);
      });
    const pending: Array<Promise<CachedFrame>> = [];
    let next = 0;
    // Every frame of an instance decodes to the same description: parsed once per request.
    let produced: PixelDescription | undefined;
    try {
      for (let i = 0; i < numbers.length; i++) {
        while (next < numbers.length && next < i + lookahead) pending.push(transcoded(numbers[next++]!));
        const frame = await pending.shift()!;
        produced ??= JSON.parse(frame.meta) as PixelDescription;
        yield { number: numbers[i]!, data: frame.data, transferSyntaxUid: to, description: produced };
      }
    } finally {
      // A client that went away leaves transcodes running: they still fill the cache; nobody awaits them.
      for (const p of pending) p.catch(() => undefined);
    }
  }

  async nativeFrame(tenant: TenantId, record: InstanceRecord, number: number): Promise<NativeFrame> {
    const description = this.#required(tenant, record);
    const path = this.#deps.blobs.path({ tenant, studyUid: record.studyUid, sha256: record.sha256 });
    if (isNative(record.transferSyntaxUid)) {
      const raw = await this.#readOne(path, record, number);
      return { data: raw.data, description };
    }
    const key = { tenant, sha256: record.sha256, frame: number, transferSyntaxUid: ExplicitVRLittleEndian };
    const frame = await this.#deps.cache.getOrProduce(key, async () => {
      const raw = await this.#readOne(path, record, number);
      const decoded = await this.#deps.codecs.decode({ data: raw.data, from: raw.transferSyntaxUid, description });
      return cached(decoded.data, decoded.description);
    });
    return { data: frame.data, description: JSON.parse(frame.meta) as PixelDescription };
  }

  #required(tenant: TenantId, record: InstanceRecord): PixelDescription {
    const description = this.description(tenant, record);
    if (!description) throw new RangeError('the instance has no image pixel description (Rows, Columns, Bits Allocated)');
    return description;
  }

  async #readOne(path: string, record: InstanceRecord, number: number): Promise<Frame> {
    const frames = readFrames(path, record.pixel!, record.transferSyntaxUid, [number]);
    const { value } = await frames.next();
    await frames.return(undefined);
    return value as Frame;
  }
}

/**
 * Lossy data may be decoded (to native) or re-encoded lossily, but never put in a
 * lossless compressed syntax, whose name would claim a fidelity the pixels lost.
 */
function keepsLossyHonest(from: string, to: string): boolean {
  const source = getTransferSyntax(from);
  const target = getTransferSyntax(to);
  return !(source?.lossy && target?.encapsulated && !target.lossy);
}

/** As stored, or native data read as Explicit VR Little Endian, needs no codec. */
export function needsCodec(stored: string, to: string): boolean {
  return !(stored === to || (isNative(stored) && to === ExplicitVRLittleEndian));
}

function cached(data: Uint8Array, description: PixelDescription): CachedFrame {
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), meta: JSON.stringify(description) };
}
