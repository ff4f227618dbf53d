/**
 * Slows down credential guessing: a client (address) with too many failed
 * authentications in a window is refused until the window has passed.
 */
export class FailureLimiter {
  readonly #failures = new Map<string, { count: number; since: number }>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 60_000,
  ) {}

  /** Seconds until the client may try again, or 0 when it may now. */
  blockedFor(client: string, now = Date.now()): number {
    const entry = this.#failures.get(client);
    if (!entry || now - entry.since >= this.windowMs) return 0;
    return entry.count >= this.maxFailures ? Math.ceil((entry.since + this.windowMs - now) / 1000) : 0;
  }

  fail(client: string, now = Date.now()): void {
    const entry = this.#failures.get(client);
    if (!entry || now - entry.since >= this.windowMs) this.#failures.set(client, { count: 1, since: now });
    else entry.count++;
    // Bounded memory under a spray of addresses: drop expired entries now and then.
    if (this.#failures.size > 10_000) {
      for (const [key, value] of this.#failures) if (now - value.since >= this.windowMs) this.#failures.delete(key);
    }
  }
}
