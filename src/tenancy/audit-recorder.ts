import type { AuditEvent, AuditStore } from '../storage/audit-store.js';

/**
 * Appends audit events in small batches, one transaction per event-loop turn,
 * so recording costs a request only a push into memory. A batch that cannot
 * be written (the database busy with another process) is retried, not dropped.
 */
export class AuditRecorder {
  #queue: AuditEvent[] = [];
  #scheduled = false;

  constructor(
    private readonly store: AuditStore,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(event: AuditEvent): void {
    this.#queue.push(event);
    this.#schedule(0);
  }

  /** Writes what is queued now (shutdown, tests). */
  flush(): void {
    this.#scheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    try {
      this.store.append(batch);
    } catch (err) {
      this.#queue = [...batch, ...this.#queue];
      this.onError(err);
      this.#schedule(100);
    }
  }

  #schedule(delayMs: number): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setTimeout(() => this.flush(), delayMs);
  }
}
