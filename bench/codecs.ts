// node --import tsx bench/codecs.ts [--rounds 3] [--seconds 2] [--no-opj]
//
// In-process codec timings: encode and decode of one frame through atrium's
// codec registry (src/codecs/registry.ts codecFor(uid).encode/decode, the very
// functions the codec pool's threads call), for a 512x512 16-bit CT frame and a
// large real frame (RG3_J2KR, 1760x1760, 10 of 16 bits), each codec checked to
// round-trip losslessly. JPEG 2000 is compared with Debian's native OpenJPEG
// command line tools (opj_decompress / opj_compress, package libopenjp2-tools;
// the benchmark's only use of them) on the same codestreams and frames.
//
// How the native tools are timed: one process decodes (or encodes) K copies of
// the same file in batch mode (-ImgDir), single-threaded (-threads 1, as the
// WebAssembly build is), and prints its own mean time per image, measured
// around the codec calls only (OpenJPEG's opj_clock: no process start-up, no
// output file). That is the number compared. As a cross-check the wall clock of
// a K-image batch minus a 1-image batch, divided by K-1, is reported too (it
// cancels process start-up but includes reading the input and writing the
// output file).
//
// Rounds alternate WebAssembly and native measurements; every value is the
// median of its runs within a round, then the median over rounds. Results go
// to .bench/results/codecs-<date>.json and .md.
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { NativeFrame } from '../src/codecs/codec.js';
import { pixelDescriptionOf, type PixelDescription } from '../src/codecs/pixel-description.js';
import { codecFor } from '../src/codecs/registry.js';
import { decodeJ2k } from '../src/codecs/wasm/openjpeg.js';
import { readInstance } from '../src/dicom/instance-reader.js';
import { readFrames } from '../src/storage/frame-reader.js';
import { TESTDATA } from './archive.js';
import { median } from './harness.js';
import { fmt, machine } from './report.js';

const { values: args } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    seconds: { type: 'string', default: '2' },
    'no-opj': { type: 'boolean', default: false },
  },
});
const rounds = Math.max(1, Number(args.rounds));
/** Time budget of one measurement (one codec, one direction, one frame) in one round. */
const budgetMs = Math.max(0.2, Number(args.seconds)) * 1000;
const REPO = path.resolve(import.meta.dirname, '..');

const CODECS = [
  { uid: '1.2.840.10008.1.2.4.201', key: 'htj2k', name: 'HTJ2K lossless (.201)' },
  { uid: '1.2.840.10008.1.2.4.80', key: 'jls', name: 'JPEG-LS lossless (.80)' },
  { uid: '1.2.840.10008.1.2.4.90', key: 'j2k', name: 'JPEG 2000 lossless (.90)' },
  { uid: '1.2.840.10008.1.2.5', key: 'rle', name: 'RLE lossless (1.2.5)' },
  { uid: '1.2.840.10008.1.2.4.70', key: 'jpegll', name: 'JPEG lossless SV1 (.70)' },
] as const;
const J2K = '1.2.840.10008.1.2.4.90';

interface TestFrame {
  readonly key: string;
  readonly label: string;
  readonly native: NativeFrame;
  /** A real JPEG 2000 lossless codestream of a file of the same size, decoded by both implementations. */
  readonly realJ2k: { readonly file: string; readonly codestream: Uint8Array; readonly description: PixelDescription };
}

async function firstFrame(file: string): Promise<{ data: Buffer; ts: string; description: PixelDescription }> {
  const full = path.join(TESTDATA, file);
  const info = await readInstance(full, { bulkDataUri: (p) => p });
  const description = pixelDescriptionOf(info.dataset);
  if (!description || !info.pixel) throw new Error(`${file}: no pixel data`);
  const { value } = await readFrames(full, info.pixel, info.transferSyntaxUid, [1]).next();
  if (!value) throw new Error(`${file}: no frame 1`);
  return { data: value.data, ts: value.transferSyntaxUid, description };
}

async function loadFrames(): Promise<TestFrame[]> {
  // 512x512: a native CT (16 bits stored, signed) for the codecs, and a real J2K lossless CT of the same size.
  const ct = await firstFrame('DICOMHTJ2K/CT2_UNC.dcm');
  const ctJ2k = await firstFrame('pydicom-data/693_J2KR.dcm');
  // Large: the biggest real 16-bit grey test file with a lossless J2K codestream; its native frame is its decode.
  const rg = await firstFrame('pydicom-data/RG3_J2KR.dcm');
  const rgNative = await codecFor(J2K)!.decode(rg.data, rg.description);
  return [
    {
      key: 'ct512',
      label: '512x512 CT, 16 bits stored, signed (CT2_UNC)',
      native: { data: ct.data, description: ct.description },
      realJ2k: { file: '693_J2KR.dcm (512x512 CT)', codestream: ctJ2k.data, description: ctJ2k.description },
    },
    {
      key: 'cr1760',
      label: '1760x1760 CR, 10 of 16 bits, unsigned (RG3_J2KR decoded)',
      native: rgNative,
      realJ2k: { file: 'RG3_J2KR.dcm (1760x1760 CR)', codestream: rg.data, description: rg.description },
    },
  ];
}

/** Median ms of `fn` over as many runs as fit the budget (at least 5, at most 50), after 2 warm-up runs. */
async function timeIt(fn: () => unknown | Promise<unknown>): Promise<number> {
  await fn();
  await fn();
  const ms: number[] = [];
  const t0 = performance.now();
  while (ms.length < 50 && (ms.length < 5 || performance.now() - t0 < budgetMs)) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

// --- OpenJPEG command line tools -------------------------------------------

interface OpjTiming {
  /** The tool's own mean time per image (integer ms, as it prints it). */
  readonly own: number;
  /** (wall(K images) - wall(1 image)) / (K - 1). */
  readonly wallDiff: number;
}

function hasTool(tool: string): boolean {
  return spawnSync(tool, ['-h'], { encoding: 'utf8' }).error === undefined;
}

function runTool(tool: string, toolArgs: string[]): { ms: number; stdout: string } {
  const t = performance.now();
  const r = spawnSync(tool, toolArgs, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${tool} ${toolArgs.join(' ')}: exit ${r.status}: ${(r.stderr || r.stdout).slice(-300)}`);
  return { ms, stdout: r.stdout + r.stderr };
}

/** Runs a batch over K copies and a batch over 1 copy (three times each, medians kept), and parses "<what> time: N ms". */
async function opjBatch(
  work: string,
  tool: 'opj_decompress' | 'opj_compress',
  input: { ext: string; bytes: Uint8Array },
  copies: number,
  extraArgs: string[],
): Promise<OpjTiming> {
  const what = tool === 'opj_decompress' ? 'decode' : 'encode';
  const dirs = { many: path.join(work, `${what}-many`), one: path.join(work, `${what}-one`) };
  for (const [name, dir] of Object.entries(dirs)) {
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    const n = name === 'many' ? copies : 1;
    for (let i = 0; i < n; i++) await writeFile(path.join(dir, `f${i}.${input.ext}`), input.bytes);
  }
  const outFor = tool === 'opj_decompress' ? 'RAWL' : 'J2K';
  const batch = (dir: string) => runTool(tool, ['-ImgDir', dir, '-OutFor', outFor, '-threads', '1', ...extraArgs]);
  const pattern = new RegExp(`${what} time: (\\d+) ms`);
  const own = (stdout: string) => {
    const m = pattern.exec(stdout);
    if (!m) throw new Error(`${tool} printed no "${what} time": ${stdout.slice(-300)}`);
    return Number(m[1]);
  };
  const many: number[] = [];
  const one: number[] = [];
  const ownMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const a = batch(dirs.many);
    many.push(a.ms);
    ownMs.push(own(a.stdout));
    // Outputs land next to the inputs: remove them so the next batch sees only inputs.
    await cleanOutputs(dirs.many, input.ext);
    one.push(batch(dirs.one).ms);
    await cleanOutputs(dirs.one, input.ext);
  }
  return { own: median(ownMs), wallDiff: (median(many) - median(one)) / (copies - 1) };
}

async function cleanOutputs(dir: string, keepExt: string): Promise<void> {
  for (const name of await readdir(dir)) if (!name.endsWith(`.${keepExt}`)) await rm(path.join(dir, name));
}

/** Little-endian samples as opj_compress reads RAWL input (-F w,h,1,bits,s|u). */
function rawlOf(frame: NativeFrame): { bytes: Uint8Array; format: string } {
  const d = frame.description;
  return { bytes: frame.data, format: `${d.columns},${d.rows},${d.samplesPerPixel},${d.bitsStored},${d.pixelRepresentation ? 's' : 'u'}` };
}

// --- measurement -------------------------------------------------------------

interface Row {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  readonly better: 'higher' | 'lower';
  readonly rounds: number[];
}

const rows = new Map<string, Row>();
function record(id: string, label: string, unit: string, value: number, better: 'higher' | 'lower' = 'lower'): void {
  let row = rows.get(id);
  if (!row) rows.set(id, (row = { id, label, unit, better, rounds: [] }));
  row.rounds.push(value);
}

function equalSamples(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
const frames = await loadFrames();
const opj = !args['no-opj'] && hasTool('opj_decompress') && hasTool('opj_compress');
const opjVersion = opj ? /openjp2 library v(\d+(?:\.\d+)*)/.exec(spawnSync('opj_decompress', ['-h'], { encoding: 'utf8' }).stdout)?.[1] ?? '?' : undefined;
const work = await mkdtemp(path.join(os.tmpdir(), 'atrium-codecs-'));
const sizes = new Map<string, number>();
const notes: string[] = [];
try {
  for (let round = 0; round < rounds; round++) {
    for (const f of frames) {
      const d = f.native.description;
      for (const c of CODECS) {
        const codec = codecFor(c.uid);
        if (!codec?.encode || codec.cannotEncode?.(d)) {
          notes.push(`${c.name} cannot encode ${f.label}: ${codec?.cannotEncode?.(d) ?? 'no encoder'}`);
          continue;
        }
        let encoded = await codec.encode(f.native);
        const enc = await timeIt(async () => (encoded = await codec.encode!(f.native)));
        const decoded = await codec.decode(encoded.data, encoded.description);
        if (!equalSamples(decoded.data, f.native.data)) throw new Error(`${c.name} did not round-trip ${f.label} losslessly`);
        const dec = await timeIt(() => codec.decode(encoded.data, encoded.description));
        record(`codecs.${f.key}.${c.key}.encode`, `${f.key} ${c.name} encode (WASM)`, 'ms', enc);
        record(`codecs.${f.key}.${c.key}.decode`, `${f.key} ${c.name} decode (WASM)`, 'ms', dec);
        sizes.set(`${f.key}.${c.key}`, d.rows * d.columns * 2 / encoded.data.length);
      }

      // JPEG 2000 against OpenJPEG's own tools: decode of a real codestream and of atrium's, encode of the native frame.
      const j2k = codecFor(J2K)!;
      const ours = (await j2k.encode!(f.native)).data;
      const streams = [
        { key: 'real', label: `real codestream ${f.realJ2k.file}`, bytes: f.realJ2k.codestream, description: f.realJ2k.description },
        { key: 'atrium', label: `${f.key} as encoded by atrium`, bytes: ours, description: f.native.description },
      ];
      for (const s of streams) {
        const wasm = await timeIt(() => j2k.decode(s.bytes, s.description));
        // The WebAssembly call alone (no checks, no copy into a native frame): where the registry's overhead is.
        const wasmOnly = await timeIt(() => decodeJ2k(s.bytes));
        record(`codecs.${f.key}.j2k-${s.key}.decode.wasm`, `${f.key} J2K decode, ${s.label}: WASM via registry`, 'ms', wasm);
        record(`codecs.${f.key}.j2k-${s.key}.decode.wasm-call`, `${f.key} J2K decode, ${s.label}: WASM call alone`, 'ms', wasmOnly);
        if (opj) {
          const copies = f.key === 'ct512' ? 30 : 8;
          const t = await opjBatch(work, 'opj_decompress', { ext: 'j2k', bytes: s.bytes }, copies, []);
          record(`codecs.${f.key}.j2k-${s.key}.decode.opj`, `${f.key} J2K decode, ${s.label}: opj_decompress (own timer)`, 'ms', t.own);
          record(`codecs.${f.key}.j2k-${s.key}.decode.opj-wall`, `${f.key} J2K decode, ${s.label}: opj_decompress (wall, K-1 diff)`, 'ms', t.wallDiff);
          record(`codecs.${f.key}.j2k-${s.key}.decode.ratio`, `${f.key} J2K decode, ${s.label}: WASM / opj_decompress`, 'x', wasm / t.own);
        }
      }
      if (opj) {
        const raw = rawlOf(f.native);
        const copies = f.key === 'ct512' ? 20 : 5;
        // opj_compress defaults match atrium's encoder: lossless 5/3, 6 resolutions (5 levels), 64x64 blocks, LRCP, one layer.
        const t = await opjBatch(work, 'opj_compress', { ext: 'rawl', bytes: raw.bytes }, copies, ['-F', raw.format]);
        const wasm = median(rows.get(`codecs.${f.key}.j2k.encode`)?.rounds.slice(-1) ?? []);
        record(`codecs.${f.key}.j2k.encode.opj`, `${f.key} J2K encode: opj_compress (own timer)`, 'ms', t.own);
        record(`codecs.${f.key}.j2k.encode.opj-wall`, `${f.key} J2K encode: opj_compress (wall, K-1 diff)`, 'ms', t.wallDiff);
        record(`codecs.${f.key}.j2k.encode.ratio`, `${f.key} J2K encode: WASM / opj_compress`, 'x', wasm / t.own);
      }
    }
    process.stderr.write(`[codecs] round ${round + 1}/${rounds} done\n`);
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

// --- report ------------------------------------------------------------------

const loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
const result = {
  date: new Date().toISOString(),
  machine: { ...machine(), loadAverage: { start: loadAtStart, end: loadAtEnd } },
  node: process.version,
  openjpegTools: opjVersion ? `opj_decompress/opj_compress, libopenjp2 ${opjVersion}, -threads 1` : 'not measured',
  settings: { rounds, secondsPerMeasurement: budgetMs / 1000 },
  frames: frames.map((f) => ({ key: f.key, label: f.label })),
  compressionRatios: Object.fromEntries(sizes),
  lines: [...rows.values()].map((r) => ({ ...r, median: median(r.rounds.filter(Number.isFinite)) })),
  notes: [...new Set(notes)],
};

const m = result.machine;
const md: string[] = [
  `Date ${result.date}; ${m.cpus} x ${m.cpuModel}, ${m.totalMemGiB} GiB, ${m.platform}; node ${result.node}; ` +
    `load average ${loadAtStart[0]} at start, ${loadAtEnd[0]} at end.`,
  `- native tools: ${result.openjpegTools}`,
  `- ${rounds} rounds, median of the runs in a round (at least 5, up to ${budgetMs / 1000} s), then median over rounds`,
  '',
];
for (const f of frames) {
  md.push(`${f.label}:`, '', '| codec | encode ms | decode ms | compression |', '| --- | --- | --- | --- |');
  for (const c of CODECS) {
    const e = rows.get(`codecs.${f.key}.${c.key}.encode`);
    const dd = rows.get(`codecs.${f.key}.${c.key}.decode`);
    if (!e || !dd) continue;
    md.push(`| ${c.name} | ${fmt(median(e.rounds))} | ${fmt(median(dd.rounds))} | ${fmt(sizes.get(`${f.key}.${c.key}`))}:1 |`);
  }
  md.push('');
}
md.push('JPEG 2000, WebAssembly (single thread, in-process) against OpenJPEG tools (native, -threads 1):', '');
md.push('| line | ms or ratio | per-round values |', '| --- | --- | --- |');
for (const r of result.lines.filter((l) => l.id.includes('.j2k-') || l.id.includes('.j2k.encode'))) {
  md.push(`| ${r.label} | ${fmt(r.median)}${r.unit === 'x' ? 'x' : ''} | ${r.rounds.map((v) => fmt(v)).join(', ')} |`);
}
if (result.notes.length) md.push('', ...result.notes.map((n) => `- ${n}`));
const text = md.join('\n') + '\n';
process.stdout.write(`\n${text}`);
const out = path.join(REPO, '.bench', 'results');
await mkdir(out, { recursive: true });
const stem = path.join(out, `codecs-${result.date.replace(/[:.]/g, '-')}`);
await writeFile(`${stem}.json`, JSON.stringify(result, null, 2));
await writeFile(`${stem}.md`, text);
process.stderr.write(`[codecs] wrote ${stem}.json and .md\n`);
// Codec modules keep WebAssembly instances alive; nothing else is pending.
process.exit(0);
