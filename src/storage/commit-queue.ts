import type { BlobStore } from './blob-store.js';
import type { DuplicatePolicy, IndexStore, NewInstance, PutOutcome } from './index-store.js';

interface Pending {
  instance: NewInstance;
  resolve: (outcome: PutOutcome) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit: instances placed by concurrent requests are made durable
 * together, one fsync per blob directory and one index transaction (one WAL
 * fsync) per batch, instead of per instance. A batch forms from whatever
 * arrives while the previous one is being flushed, so a lone instance waits
 * for nothing, and load makes batches (and throughput) grow.
 */
export class CommitQueue {
  #pending: Pending[] = [];
  #flushing = false;

  constructor(
    private readonly index: IndexStore,
    private readonly blobs: BlobStore,
    private readonly policy: DuplicatePolicy,
  ) {}

  /** Resolves once the instance's blob and index row are durable (or it was refused). */
  commit(instance: NewInstance): Promise<PutOutcome> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ instance, resolve, reject });
      if (!this.#flushing) void this.#flush();
    });
  }

  async #flush(): Promise<void> {
    this.#flushing = true;
    // Let the callbacks that are already due (other parts finishing) join this batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.#pending.length > 0) {
      const batch = this.#pending;
      this.#pending = [];
      try {
        await this.blobs.sync(batch.map(({ instance }) => instance));
        const outcomes = this.index.putInstances(
          batch.map((p) => p.instance),
          this.policy,
        );
        await this.index.durable();
        batch.forEach((p, i) => p.resolve(outcomes[i]!));
      } catch (err) {
        for (const p of batch) p.reject(err);
      }
    }
    this.#flushing = false;
  }
}
