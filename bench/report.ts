// Aggregates per-round samples into medians and ratios, and renders them.
import os from 'node:os';
import { median } from './harness.js';
import type { Line, Sample } from './workload.js';

export interface TargetInfo {
  readonly name: string;
  readonly version: string;
  /** Why the target could not be measured, if it could not. */
  readonly unavailable?: string;
  /** Instances/s while loading the archive (10 per request), for information. */
  readonly loadRate?: number;
}

export interface LineResult {
  readonly line: Line;
  /** Per target name: the value of every round (NaN for a failed round). */
  readonly rounds: Record<string, number[]>;
  readonly medians: Record<string, number | null>;
  readonly errors: Record<string, string[]>;
  /** medians[first target] / medians[second target]. */
  readonly ratio: number | null;
  /** first/second within each round (paired, so slow drifts in machine load cancel). */
  readonly roundRatios: number[];
}

export interface Report {
  readonly date: string;
  readonly machine: {
    cpus: number;
    cpuModel: string;
    totalMemGiB: number;
    platform: string;
    /** os.loadavg() when the run started and ended: other work on the machine skews everything. */
    loadAverage?: { start: number[]; end: number[] };
  };
  readonly node: string;
  readonly targets: TargetInfo[];
  readonly archive: { id: string; studies: number; instances: number; megabytes: number; multiframeFrames: number };
  readonly settings: { rounds: number; lineSeconds: number; concurrency: number; workloads: string[] };
  readonly lines: LineResult[];
}

export function machine(): Report['machine'] {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    totalMemGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

export function aggregate(lines: readonly Line[], targets: readonly string[], samples: Map<string, Sample[]>): LineResult[] {
  return lines.map((line) => {
    const rounds: Record<string, number[]> = {};
    const medians: Record<string, number | null> = {};
    const errors: Record<string, string[]> = {};
    for (const t of targets) {
      const mine = (samples.get(t) ?? []).filter((s) => s.line === line.id);
      rounds[t] = mine.map((s) => s.value);
      const ok = mine.map((s) => s.value).filter((v) => Number.isFinite(v));
      medians[t] = ok.length ? median(ok) : null;
      errors[t] = [...new Set(mine.flatMap((s) => (s.error ? [s.error] : [])))];
    }
    const [a, b] = targets.map((t) => medians[t]);
    const ratio = a != null && b != null && b !== 0 ? a / b : null;
    const [ra, rb] = targets.map((t) => rounds[t] ?? []);
    const roundRatios = (ra ?? [])
      .map((v, i) => v / (rb?.[i] ?? Number.NaN))
      .filter((v) => Number.isFinite(v));
    return { line, rounds, medians, errors, ratio, roundRatios };
  });
}

export function fmt(v: number | null | undefined): string {
  if (v == null || !Number.isFinite(v)) return '—';
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function cell(r: LineResult, t: TargetInfo): string {
  if (t.unavailable) return 'pending';
  const m = r.medians[t.name];
  if (m == null) return `error: ${(r.errors[t.name] ?? []).join('; ').slice(0, 80) || 'no sample'}`;
  return fmt(m);
}

/** A markdown table: one row per line, medians per target, then the ratio. */
export function markdown(report: Report): string {
  const [a, b] = report.targets;
  const head = ['line', 'unit', ...report.targets.map((t) => t.name)];
  if (a && b) head.push(`${a.name}/${b.name}`, 'per-round range', 'better');
  const rows = [head, head.map(() => '---')];
  for (const r of report.lines) {
    const row = [r.line.label, r.line.unit, ...report.targets.map((t) => cell(r, t))];
    if (a && b) {
      const lo = Math.min(...r.roundRatios);
      const hi = Math.max(...r.roundRatios);
      const range = r.roundRatios.length ? `${lo.toFixed(2)}–${hi.toFixed(2)}` : '—';
      row.push(r.ratio == null ? '—' : `${r.ratio.toFixed(2)}x`, range, r.line.better);
    }
    rows.push(row);
  }
  const m = report.machine;
  const lines = [
    `Date ${report.date}; ${m.cpus} x ${m.cpuModel}, ${m.totalMemGiB} GiB, ${m.platform}; node ${report.node}` +
      (m.loadAverage ? `; load average ${m.loadAverage.start[0]} at start, ${m.loadAverage.end[0]} at end.` : '.'),
    ...report.targets.map(
      (t) =>
        `- ${t.name}: ${t.unavailable ? `not measured (${t.unavailable.split('\n')[0]})` : t.version}` +
        (t.loadRate ? `; archive loaded at ${fmt(t.loadRate)} instances/s` : ''),
    ),
    `- archive ${report.archive.id}: ${report.archive.studies} studies, ${report.archive.instances} instances, ` +
      `${report.archive.megabytes} MB, multi-frame instance of ${report.archive.multiframeFrames} frames`,
    `- ${report.settings.rounds} rounds alternating targets, ${report.settings.lineSeconds} s per line, ` +
      `${report.settings.concurrency} requests in flight for throughput lines, latency lines one at a time; medians over rounds`,
    '',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return lines.join('\n') + '\n';
}
