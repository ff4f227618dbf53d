import type { BlobStore } from './blob-store.js';
import type { DuplicatePolicy, IndexStore, NewInstance, PutOutcome } from './index-store.js';

interface Pending {
  instance: NewInstance;
  resolve: (outcome: PutOutcome) => void;
  reject: (err: unknown) => void;
}

/** The most instances one flush commits; past it, a flush starts without waiting for more. */
const MAX_BATCH = 64;
/** The longest an instance waits for others to join its batch. */
const MAX_WAIT_MS = 5;

/**
 * Group commit: instances placed by concurrent requests are made durable
 * together, one fsync per blob directory and one index transaction (one WAL
 * fsync) per batch, instead of per instance. The disk here does about a
 * thousand flushes a second, so flushes per instance bound STOW throughput.
 *
 * Callers announce an instance with `expect()` when they start working on it
 * and end with `commit()` or `withdraw()`. A batch is flushed when every
 * announced instance has arrived (nothing more is coming soon), when it is
 * full, or after MAX_WAIT_MS: a lone instance waits for nothing.
 */
export class CommitQueue {
  #pending: Pending[] = [];
  #expected = 0;
  #flushing = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly index: IndexStore,
    private readonly blobs: BlobStore,
    private readonly policy: DuplicatePolicy,
  ) {}

  /** An instance is on its way: a flush waits for it (up to MAX_WAIT_MS). */
  expect(): void {
    this.#expected++;
  }

  /** An announced instance will not be committed after all. */
  withdraw(): void {
    this.#expected--;
    this.#maybeFlush();
  }

  /** Resolves once the instance's blob and index row are durable (or it was refused). */
  commit(instance: NewInstance): Promise<PutOutcome> {
    this.#expected--;
    return new Promise((resolve, reject) => {
      this.#pending.push({ instance, resolve, reject });
      this.#maybeFlush();
    });
  }

  #maybeFlush(): void {
    if (this.#flushing || this.#pending.length === 0) return;
    if (this.#expected > 0 && this.#pending.length < MAX_BATCH) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        if (!this.#flushing) void this.#flush();
      }, MAX_WAIT_MS);
      return;
    }
    void this.#flush();
  }

  async #flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = true;
    const batch = this.#pending.splice(0, MAX_BATCH);
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
    } finally {
      this.#flushing = false;
      this.#maybeFlush();
    }
  }
}
