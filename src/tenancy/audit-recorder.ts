import type { AuditEvent, AuditStore } from '../storage/audit-store.js';

/** The longest recorded events wait for an fsync (power loss can cost at most this window). */
const SYNC_INTERVAL_MS = 1000;

/**
 * Writes each audit event before the response that reports the access is
 * sent, so a crash of the process loses none (the write is in the database's
 * log); the log is synced in the background at least once a second, bounding
 * what a power loss can take. An event that cannot be written at once (the
 * database busy with another process) is queued and retried, never dropped.
 */
export class AuditRecorder {
  #queue: AuditEvent[] = [];
  #retrying = false;
  #syncTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: AuditStore,
    private readonly sync: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  record(event: AuditEvent): void {
    this.#queue.push(event);
    if (!this.#retrying) this.flush();
  }

  /** Writes what is queued (also at shutdown). */
  flush(): void {
    if (this.#queue.length === 0) return;
    try {
      this.store.append(this.#queue);
      this.#queue = [];
      this.#retrying = false;
      this.#scheduleSync();
    } catch (err) {
      this.onError(err);
      this.#retrying = true;
      setTimeout(() => this.flush(), 100);
    }
  }

  #scheduleSync(): void {
    this.#syncTimer ??= setTimeout(() => {
      this.#syncTimer = undefined;
      this.sync().catch(this.onError);
    }, SYNC_INTERVAL_MS);
    this.#syncTimer.unref();
  }
}
