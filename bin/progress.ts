/**
 * Progress of a long command on stderr (stdout stays for results): a bar
 * redrawn in place on a terminal; plain lines now and then otherwise, so logs
 * and CI output stay readable.
 */
export class Progress {
  readonly #out: NodeJS.WriteStream;
  readonly #tty: boolean;
  readonly #intervalMs: number;
  #last = 0;
  #lastShown = '';
  #drawn = false;

  constructor(out: NodeJS.WriteStream = process.stderr) {
    this.#out = out;
    this.#tty = out.isTTY === true;
    this.#intervalMs = this.#tty ? 100 : 5000;
  }

  /** Reports `done` of `total` for a phase; drawn at most once per interval, and always at 0 and when complete. */
  update(phase: string, done: number, total: number, detail = ''): void {
    const now = Date.now();
    const shown = `${phase} ${done}`;
    if (shown === this.#lastShown || (done !== 0 && done !== total && now - this.#last < this.#intervalMs)) return;
    this.#last = now;
    this.#lastShown = shown;
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const tail = `${done}/${total}${detail ? `, ${detail}` : ''}`;
    if (!this.#tty) {
      this.#out.write(`${phase}: ${percent}% ${tail}\n`);
      return;
    }
    const width = 30;
    const filled = Math.round((percent / 100) * width);
    const line = `${phase} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${percent}% ${tail}`;
    this.#out.write(`\r\x1b[K${line.slice(0, (this.#out.columns ?? 120) - 1)}`);
    this.#drawn = true;
  }

  /** Ends the bar's line, so what is written next starts on a line of its own. */
  finish(): void {
    if (this.#drawn) this.#out.write('\n');
    this.#drawn = false;
  }
}
