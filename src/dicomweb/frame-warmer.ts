import type { FastifyBaseLogger } from 'fastify';
import type { TenantId } from '../storage/ids.js';
import type { IndexStore } from '../storage/index-store.js';
import type { StoredInstanceRef } from '../storage/ingest.js';
import { needsCodec, type FrameService } from './frame-service.js';

/** Instances waiting beyond this are not warmed (they still transcode on first request). */
const MAX_QUEUED = 10_000;

/**
 * Transcodes newly stored instances into the frame cache in the background
 * (e.g. to HTJ2K, so a viewer's first look is a cache hit). One instance and
 * one frame at a time, so warming never holds more than one codec thread and
 * STOW's acknowledgement never waits for it.
 */
export class FrameWarmer {
  readonly #queue: Array<{ tenant: TenantId; ref: StoredInstanceRef }> = [];
  #running = false;
  #closed = false;

  constructor(
    private readonly deps: { index: IndexStore; frames: FrameService; log: FastifyBaseLogger },
    readonly transferSyntaxUid: string,
  ) {}

  enqueue(tenant: TenantId, refs: readonly StoredInstanceRef[]): void {
    for (const ref of refs) {
      if (ref.outcome === 'identical' || !needsCodec(ref.transferSyntaxUid, this.transferSyntaxUid)) continue;
      if (this.#queue.length >= MAX_QUEUED) {
        this.deps.log.warn('frame warming queue full; instances will be transcoded on first request');
        return;
      }
      this.#queue.push({ tenant, ref });
    }
    if (!this.#running) void this.#drain();
  }

  close(): void {
    this.#closed = true;
    this.#queue.length = 0;
  }

  async #drain(): Promise<void> {
    this.#running = true;
    try {
      for (let job = this.#queue.shift(); job && !this.#closed; job = this.#queue.shift()) {
        const { tenant, ref } = job;
        const [record] = this.deps.index.listInstances(tenant, ref);
        if (!record?.pixel || !this.deps.frames.canProduce(tenant, record, this.transferSyntaxUid)) continue;
        const numbers = Array.from({ length: record.pixel.numberOfFrames }, (_, i) => i + 1);
        try {
          for await (const _frame of this.deps.frames.frames(tenant, record, numbers, this.transferSyntaxUid, { lookahead: 1 })) {
            if (this.#closed) break;
          }
        } catch (err) {
          this.deps.log.warn({ err, sopInstanceUid: ref.sopInstanceUid }, 'frame warming failed for an instance');
        }
      }
    } finally {
      this.#running = false;
    }
  }
}
