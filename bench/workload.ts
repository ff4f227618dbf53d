// What a hot-path benchmark file exports, and what it is given to run.
import type { Agent } from 'undici';
import type { Archive } from './archive.js';
import type { Target } from './targets.js';

export interface Line {
  /** Stable key in result files, e.g. "stow.1". */
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
}

export interface Sample {
  readonly line: string;
  /** NaN when the line failed; `error` then says why. */
  readonly value: number;
  readonly error?: string;
}

/** Measures one line; a failure becomes an errored sample instead of aborting the others. */
export async function measure(line: string, fn: () => Promise<number>): Promise<Sample> {
  try {
    return { line, value: await fn() };
  } catch (err) {
    return { line, value: Number.NaN, error: err instanceof Error ? err.message : String(err) };
  }
}

export interface Budget {
  /** Wall-clock budget of one measured line on one target in one round. */
  readonly lineMs: number;
  /** Requests in flight for throughput lines. */
  readonly concurrency: number;
}

export interface Session {
  readonly target: Target;
  readonly agent: Agent;
  readonly archive: Archive;
  /** Archive file bytes by SOP Instance UID. */
  readonly files: ReadonlyMap<string, Buffer>;
  readonly budget: Budget;
}

export interface Workload {
  readonly name: string;
  readonly lines: readonly Line[];
  /** Called once per round before the targets run it (e.g. to build request bodies shared by all targets). */
  beforeRound?(archive: Archive, files: ReadonlyMap<string, Buffer>, round: number): Promise<void>;
  /** Measures every line once on one target. */
  run(session: Session, round: number): Promise<Sample[]>;
  afterRound?(): void;
}

export function instanceUrl(root: string, study: string, series: string, sop: string): string {
  return `${root}/studies/${study}/series/${series}/instances/${sop}`;
}
