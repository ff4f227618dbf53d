// npm run bench -- [--only stow,qido,metadata,wado,frames,transcode] [--peer orthanc|URL|none]
//                  [--rounds N] [--seconds S] [--concurrency C] [--atrium URL]
//                  [--no-build] [--profile] [--atrium-args "--log-level warn"]
//                  [--studies N --series N --instances N --frames N]
//
// Loads one generated archive into atrium and a peer, then runs every selected
// workload on each in turn, round after round (A, B, A, B...), so both servers
// see the same machine state. Prints medians and atrium/peer ratios and writes
// .bench/results/<date>.json and .md.
import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { archiveId, DEFAULT_SHAPE, loadArchive, readArchiveFiles } from './archive.js';
import { frames } from './frames.js';
import { keepAliveAgent } from './harness.js';
import { metadata } from './metadata.js';
import { qido } from './qido.js';
import { aggregate, machine, markdown, type Report, type TargetInfo } from './report.js';
import { storeArchive, stow } from './stow.js';
import { atriumTarget, orthancTarget, REPO, urlTarget, type Target } from './targets.js';
import { transcode } from './transcode.js';
import { wado } from './wado.js';
import type { Budget, Sample, Session, Workload } from './workload.js';

// STOW and transcode last in a round: what they store is dated outside the
// study-list range, but it still grows the index the other workloads read.
const WORKLOADS: readonly Workload[] = [qido, metadata, wado, frames, stow, transcode];

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    peer: { type: 'string', default: 'orthanc' },
    atrium: { type: 'string' },
    'atrium-args': { type: 'string' },
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '4' },
    'no-build': { type: 'boolean', default: false },
    profile: { type: 'boolean', default: false },
    studies: { type: 'string' },
    series: { type: 'string' },
    instances: { type: 'string' },
    frames: { type: 'string' },
  },
});

function positive(name: string, v: string | undefined, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 100_000) throw new Error(`--${name} wants a positive integer, got ${v}`);
  return n;
}

const only = args.only?.split(',').map((s) => s.trim()).filter(Boolean);
const unknown = only?.filter((n) => !WORKLOADS.some((w) => w.name === n)) ?? [];
if (unknown.length) throw new Error(`--only: unknown workload(s) ${unknown.join(', ')}; known: ${WORKLOADS.map((w) => w.name).join(', ')}`);
const workloads = WORKLOADS.filter((w) => !only || only.includes(w.name));
const rounds = positive('rounds', args.rounds, 3);
const budget: Budget = {
  lineMs: positive('seconds', args.seconds, 4) * 1000,
  concurrency: positive('concurrency', args.concurrency, 4),
};
const shape = {
  studies: positive('studies', args.studies, DEFAULT_SHAPE.studies),
  seriesPerStudy: positive('series', args.series, DEFAULT_SHAPE.seriesPerStudy),
  instancesPerSeries: positive('instances', args.instances, DEFAULT_SHAPE.instancesPerSeries),
  multiframeFrames: positive('frames', args.frames, DEFAULT_SHAPE.multiframeFrames),
};
const benchDir = path.join(REPO, '.bench');

function log(msg: string): void {
  process.stderr.write(`[bench] ${msg}\n`);
}

function makeTargets(): Target[] {
  const targets: Target[] = [];
  if (args.atrium) targets.push(urlTarget('atrium', args.atrium));
  else {
    const profileDir = path.join(benchDir, 'profiles');
    targets.push(
      atriumTarget({
        nodeArgs: args.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
        serveArgs: args['atrium-args']?.split(/\s+/).filter(Boolean) ?? [],
      }),
    );
  }
  const peer = args.peer ?? 'orthanc';
  if (peer === 'orthanc') targets.push(orthancTarget());
  else if (peer !== 'none') targets.push(urlTarget('peer', peer));
  return targets;
}

function buildAtrium(): string | undefined {
  log('npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const errors = `${r.stdout}\n${r.stderr}`.split('\n').filter((l) => l.includes('error'));
  return `npm run build failed: ${errors.slice(0, 3).join(' / ') || `exit ${r.status}`}`;
}

const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
const archive = await loadArchive(benchDir, shape);
const files = await readArchiveFiles(archive);
log(`archive ${archive.dir}: ${archive.studies.length} studies, ${archive.instances.length + 1} instances, ${(archive.totalBytes / 1e6).toFixed(0)} MB`);

const targets = makeTargets();
const info = new Map<string, { version: string; unavailable?: string; loadRate?: number }>();
const buildFailure = !args.atrium && !args['no-build'] ? buildAtrium() : undefined;
const sessions: Session[] = [];
try {
  for (const target of targets) {
    if (target.name === 'atrium' && buildFailure) {
      info.set(target.name, { version: '', unavailable: buildFailure });
      log(`atrium unavailable: ${buildFailure}`);
      continue;
    }
    try {
      await target.prepare();
      const agent = keepAliveAgent();
      log(`${target.name} at ${target.root} (${target.version}); loading the archive`);
      const loadRate = await storeArchive(agent, target.root, archive, files, budget.concurrency);
      info.set(target.name, { version: target.version, loadRate });
      sessions.push({ target, agent, archive, files, budget });
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      info.set(target.name, { version: target.version, unavailable: why });
      log(`${target.name} unavailable: ${why}`);
    }
  }

  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  for (let round = 0; round < rounds && sessions.length; round++) {
    for (const w of workloads) {
      await w.beforeRound?.(archive, files, round);
      for (const s of sessions) {
        let got: Sample[];
        try {
          got = await w.run(s, round);
        } catch (err) {
          const error = err instanceof Error ? err.message : String(err);
          got = w.lines.map((l) => ({ line: l.id, value: Number.NaN, error }));
        }
        samples.get(s.target.name)!.push(...got);
        const shown = got.map((g) => `${g.line}=${g.error ? `ERROR(${g.error.slice(0, 120)})` : g.value.toFixed(1)}`);
        log(`round ${round + 1}/${rounds} ${s.target.name.padEnd(8)} ${shown.join(' ')}`);
      }
      w.afterRound?.();
    }
  }

  const names = targets.map((t) => t.name);
  const report: Report = {
    date: new Date().toISOString(),
    machine: { ...machine(), loadAverage: { start: loadAtStart, end: os.loadavg().map((l) => Math.round(l * 100) / 100) } },
    node: process.version,
    targets: targets.map((t): TargetInfo => ({ name: t.name, ...info.get(t.name)!, version: info.get(t.name)?.version || t.version })),
    archive: {
      id: archiveId(archive),
      studies: archive.studies.length,
      instances: archive.instances.length + 1,
      megabytes: Math.round(archive.totalBytes / 1e6),
      multiframeFrames: archive.multiframe.frames,
    },
    settings: { rounds, lineSeconds: budget.lineMs / 1000, concurrency: budget.concurrency, workloads: workloads.map((w) => w.name) },
    lines: aggregate(
      workloads.flatMap((w) => w.lines),
      names,
      samples,
    ),
  };
  const md = markdown(report);
  process.stdout.write(`\n${md}`);
  const out = path.join(benchDir, 'results');
  await mkdir(out, { recursive: true });
  const stem = path.join(out, report.date.replace(/[:.]/g, '-'));
  await writeFile(`${stem}.json`, JSON.stringify(report, null, 2));
  await writeFile(`${stem}.md`, md);
  log(`wrote ${stem}.json and .md`);
} finally {
  for (const s of sessions) await s.agent.close();
  for (const t of targets) await t.stop().catch((err: unknown) => log(`stopping ${t.name}: ${String(err)}`));
}
