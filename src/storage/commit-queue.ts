import type { BlobStore } from './blob-store.js';
import type { DuplicatePolicy, IndexStore, NewInstance, PutOutcome } from './index-store.js';

/**
 * Instances that arrive together, e.g. the parts of one STOW request. Its
 * members wait for each other (up to MAX_WAIT_MS) so they share one flush.
 */
export class CommitGroup {
  /** Members announced but not yet committed or withdrawn. */
  expected = 0;
}

interface Pending {
  group: CommitGroup;
  instance: NewInstance;
  resolve: (outcome: PutOutcome) => void;
  reject: (err: unknown) => void;
}

/** The most instances one flush commits. */
const MAX_BATCH = 64;
/** The longest an instance waits for the rest of its group. */
const MAX_WAIT_MS = 50;

/**
 * Group commit: instances are made durable together, one fsync per blob
 * directory and one index transaction (one WAL fsync) per batch, instead of
 * per instance. The disk here does about a thousand flushes a second, so
 * flushes per instance bound STOW throughput.
 *
 * A member is announced (`expect`) when its bytes start arriving and ends with
 * `commit` or `withdraw`. A flush takes every pending instance whose group has
 * nothing more on its way, so a request's parts share a flush, a lone instance
 * waits for nothing, and instances of other requests that become ready while a
 * flush runs share the next one. A group still receiving is flushed anyway
 * after MAX_WAIT_MS.
 */
export class CommitQueue {
  #pending: Pending[] = [];
  #flushing = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly index: IndexStore,
    private readonly blobs: BlobStore,
    private readonly policy: DuplicatePolicy,
  ) {}

  expect(group: CommitGroup): void {
    group.expected++;
  }

  withdraw(group: CommitGroup): void {
    group.expected--;
    this.#maybeFlush();
  }

  /** Resolves once the instance's blob and index row are durable (or it was refused). */
  commit(group: CommitGroup, instance: NewInstance): Promise<PutOutcome> {
    group.expected--;
    return new Promise((resolve, reject) => {
      this.#pending.push({ group, instance, resolve, reject });
      this.#maybeFlush();
    });
  }

  #maybeFlush(): void {
    if (this.#flushing || this.#pending.length === 0) return;
    const ready = this.#pending.filter((p) => p.group.expected === 0).length;
    if (ready === 0 && this.#pending.length < MAX_BATCH) {
      this.#timer ??= setTimeout(() => {
        this.#timer = undefined;
        if (!this.#flushing) void this.#flush(true);
      }, MAX_WAIT_MS);
      return;
    }
    void this.#flush(false);
  }

  async #flush(all: boolean): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = true;
    const take = (p: Pending) => all || p.group.expected === 0 || this.#pending.length >= MAX_BATCH;
    const batch = this.#pending.filter(take).slice(0, MAX_BATCH);
    this.#pending = this.#pending.filter((p) => !batch.includes(p));
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
