// node --import tsx bench/profile-summary.ts FILE.cpuprofile [--top N]
// Summarises a V8 CPU profile (from `npm run bench -- --profile`, which starts
// atrium with --cpu-prof): self time per function and per file, so a slow
// line can be traced to where the server spends its time.
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const top = Number(values.top);
if (!positionals[0]) throw new Error('usage: profile-summary.ts FILE.cpuprofile [--top N]');
const profile = JSON.parse(await readFile(positionals[0], 'utf8')) as Profile;

// Self time per node from samples and their time deltas (microseconds).
const selfUs = new Map<number, number>();
const samples = profile.samples ?? [];
const deltas = profile.timeDeltas ?? [];
for (let i = 0; i < samples.length; i++) {
  selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i + 1] ?? deltas[i] ?? 0));
}
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);

function shortUrl(url: string): string {
  const i = url.indexOf('/node_modules/');
  if (i >= 0) return url.slice(i + 1);
  const d = url.indexOf('/dist/');
  if (d >= 0) return url.slice(d + 1);
  return url.replace(/^file:\/\//, '') || '(native)';
}

const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const node of profile.nodes) {
  const us = selfUs.get(node.id) ?? 0;
  if (!us) continue;
  const f = node.callFrame;
  const file = shortUrl(f.url);
  const key = `${f.functionName || '(anonymous)'}  ${file}:${f.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) ?? 0) + us);
  byFile.set(file, (byFile.get(file) ?? 0) + us);
}

// Inclusive ("total") time: a sample counts once for every distinct function on its stack.
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const nodeById = new Map(profile.nodes.map((n) => [n.id, n]));
const keyOf = (n: ProfileNode) => {
  const f = n.callFrame;
  return `${f.functionName || '(anonymous)'}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
};
const inclusive = new Map<string, number>();
for (let i = 0; i < samples.length; i++) {
  const us = deltas[i + 1] ?? deltas[i] ?? 0;
  const seen = new Set<string>();
  for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
    const n = nodeById.get(id)!;
    if (!n.callFrame.url.includes('/dist/') && !n.callFrame.url.includes('/node_modules/')) continue;
    const k = keyOf(n);
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
    }
  }
}

function print(title: string, m: Map<string, number>): void {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((us / totalUs) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`);
  }
}
console.log(`profile ${positionals[0]}: ${(totalUs / 1e6).toFixed(1)} s sampled`);
print('self time by function', byFunction);
print('self time by file', byFile);
print('total time (self + callees) by function, atrium and its dependencies only', inclusive);
