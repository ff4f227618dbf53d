// WADO-RS frames in another transfer syntax than stored (PS3.18 8.7.3, Table
// 8.7.3-5), one frame per request, `concurrency` in flight, as OHIF asks for
// them. Every round stores instances neither server has seen (archive files
// with new UIDs, so atrium's frame cache is cold for them), then, per target syntax:
//
// - native: frame 1 of each of 200 new native single-frame instances, asked as
//   stored (Explicit VR Little Endian): no codec involved, the baseline
//   (measured before each repeat line; the line is the median of those runs);
// - first request: the same frames (or those of 200 new JPEG-LS or JPEG 2000
//   instances, for decoding) asked in the target syntax, each once: for atrium
//   a frame cache miss, transcoded in its codec pool;
// - repeat: the frames of the first-request line again: for atrium a cache hit;
// - hit/native: the repeat line's frames/s over the native run just before it;
//
// and an OHIF-style load of a 500-frame JPEG-LS Enhanced CT (generated from a
// real Enhanced CT, each frame encoded with atrium's JPEG-LS codec into one
// fragment, with a Basic Offset Table; cached in .bench/) frame by frame as
// Explicit VR Little Endian, frames 1..500 in order, first pass (cold) and
// second pass. A pass stops starting requests after 5 line budgets; frames/s
// then covers the frames it got through.
//
// Each answer is checked: 200, multipart/related, the part's transfer-syntax is
// the one asked for, and at least a native frame's bytes when decoding.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { request, type Agent } from 'undici';
import type { PixelDescription } from '../src/codecs/pixel-description.js';
import { codecFor } from '../src/codecs/registry.js';
import { writeDataSet } from '../src/dicom/data-set-writer.js';
import { encodeFileMetaInformation } from '../src/dicom/file-meta.js';
import { storedDataSet } from '../src/dicom/part10-source.js';
import { dcmjs, MULTIFRAME_SOURCE, newUid, stampGenerated, TESTDATA, toArrayBuffer, type Archive, type ArchiveInstance } from './archive.js';
import { median, percentile, pool } from './harness.js';
import { multipartRelated } from './stow.js';
import { REPO } from './targets.js';
import { instanceUrl, measure, type Line, type Sample, type Session, type Workload } from './workload.js';

const EXPLICIT_LE = '1.2.840.10008.1.2.1';
const JPEG_LS = '1.2.840.10008.1.2.4.80';
const J2K = '1.2.840.10008.1.2.4.90';
/** New single-frame instances per source kind per round. */
const SERIES_LENGTH = 200;
/** Frames of the multi-frame instance loaded OHIF-style. */
const MF_FRAMES = 500;
const NATIVE_FRAME_BYTES = 512 * 512 * 2;

type SourceKind = 'native' | 'jls' | 'j2k';

interface Conversion {
  readonly key: string;
  readonly label: string;
  readonly source: SourceKind;
  readonly ts: string;
  /** The media type PS3.18 Table 8.7.3-5 pairs with `ts`. */
  readonly type: string;
}

const CONVERSIONS: readonly Conversion[] = [
  { key: 'htj2k', label: 'native → HTJ2K lossless (.201)', source: 'native', ts: '1.2.840.10008.1.2.4.201', type: 'image/jphc' },
  { key: 'jls', label: 'native → JPEG-LS lossless (.80)', source: 'native', ts: JPEG_LS, type: 'image/jls' },
  { key: 'j2k', label: 'native → J2K lossless (.90)', source: 'native', ts: J2K, type: 'image/jp2' },
  { key: 'rle', label: 'native → RLE (1.2.5)', source: 'native', ts: '1.2.840.10008.1.2.5', type: 'image/dicom-rle' },
  { key: 'jls-dec', label: 'JPEG-LS → Explicit VR LE (decode)', source: 'jls', ts: EXPLICIT_LE, type: 'application/octet-stream' },
  { key: 'j2k-dec', label: 'J2K lossless → Explicit VR LE (decode)', source: 'j2k', ts: EXPLICIT_LE, type: 'application/octet-stream' },
];

const accept = (type: string, ts: string) => `multipart/related; type="${type}"; transfer-syntax=${ts}`;

function lines(): Line[] {
  const out: Line[] = [
    { id: 'transcode.native.rate', label: 'frames as stored (native), 1/request', unit: 'frames/s', better: 'higher' },
    { id: 'transcode.native.p50', label: 'frames as stored (native), p50', unit: 'ms', better: 'lower' },
  ];
  for (const c of CONVERSIONS) {
    out.push(
      { id: `transcode.${c.key}.miss.rate`, label: `${c.label}, first request (atrium: cache miss)`, unit: 'frames/s', better: 'higher' },
      { id: `transcode.${c.key}.miss.p50`, label: `${c.label}, first request, p50`, unit: 'ms', better: 'lower' },
      { id: `transcode.${c.key}.hit.rate`, label: `${c.label}, repeat (atrium: cache hit)`, unit: 'frames/s', better: 'higher' },
      { id: `transcode.${c.key}.hit.p50`, label: `${c.label}, repeat, p50`, unit: 'ms', better: 'lower' },
      { id: `transcode.${c.key}.hit-vs-native`, label: `${c.label}, repeat frames/s ÷ native frames/s`, unit: 'x', better: 'higher' },
    );
  }
  out.push(
    { id: 'transcode.mf500.pass1.rate', label: '500-frame JPEG-LS instance as Explicit VR LE, 1/request, first pass', unit: 'frames/s', better: 'higher' },
    { id: 'transcode.mf500.pass1.p50', label: '500-frame JPEG-LS instance, first pass, p50', unit: 'ms', better: 'lower' },
    { id: 'transcode.mf500.pass2.rate', label: '500-frame JPEG-LS instance as Explicit VR LE, 1/request, second pass', unit: 'frames/s', better: 'higher' },
    { id: 'transcode.mf500.pass2.p50', label: '500-frame JPEG-LS instance, second pass, p50', unit: 'ms', better: 'lower' },
  );
  return out;
}

// --- the 500-frame JPEG-LS instance ------------------------------------------

interface Multiframe {
  readonly file: string;
  readonly study: string;
  readonly series: string;
  readonly sop: string;
  readonly frames: number;
}

/**
 * A real Enhanced CT (2 native 512x512 frames) grown to `frames` frames (each
 * source frame rolled by a few rows per frame, so no two frames are alike;
 * per-frame functional groups repeated), then every frame encoded with atrium's
 * JPEG-LS codec into one fragment per frame behind a Basic Offset Table.
 */
async function jpegLsMultiframe(benchDir: string, frames: number): Promise<Multiframe> {
  const dir = path.join(benchDir, `transcode-v1-mf${frames}-jls`);
  const manifest = path.join(dir, 'manifest.json');
  if (existsSync(manifest)) return { ...(JSON.parse(await readFile(manifest, 'utf8')) as Multiframe), file: path.join(dir, 'instance.dcm') };
  const ds = dcmjs.data.DicomMessage.readFile(toArrayBuffer(await readFile(path.join(TESTDATA, MULTIFRAME_SOURCE))));
  const d = ds.dict;
  const value = (tag: string) => Number(d[tag]?.Value?.[0]);
  const description: PixelDescription = {
    rows: value('00280010'),
    columns: value('00280011'),
    samplesPerPixel: 1,
    bitsAllocated: value('00280100'),
    bitsStored: value('00280101'),
    highBit: value('00280102'),
    pixelRepresentation: value('00280103') === 1 ? 1 : 0,
    planarConfiguration: 0,
    photometricInterpretation: String(d['00280004']?.Value?.[0] ?? 'MONOCHROME2'),
    numberOfFrames: 1,
  };
  if (description.bitsAllocated !== 16 || description.rows !== 512) throw new Error(`${MULTIFRAME_SOURCE}: expected 512x512 16-bit frames`);
  const srcFrames = Number(d['00280008']?.Value?.[0] ?? 1);
  const pixels = Buffer.from(d['7FE00010']!.Value![0] as ArrayBuffer);
  const frameBytes = pixels.length / srcFrames;
  const rowBytes = description.columns * 2;
  const jls = codecFor(JPEG_LS)!;
  const encoded: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const src = pixels.subarray((f % srcFrames) * frameBytes, ((f % srcFrames) + 1) * frameBytes);
    const roll = ((f * 3) % description.rows) * rowBytes;
    const frame = Buffer.concat([src.subarray(roll), src.subarray(0, roll)]);
    encoded.push((await jls.encode!({ data: frame, description })).data);
  }
  const perFrame = d['52009230']?.Value ?? [];
  const { study, series, sop } = stampGenerated(ds.meta, d, {
    name: 'BENCH^TRANSCODE', id: 'BENCHTC', date: '19000101', accession: 'ACCTC',
    description: `Bench ${frames} JPEG-LS frames`, frames,
  });
  if (perFrame.length) d['52009230'] = { vr: 'SQ', Value: Array.from({ length: frames }, (_, f) => perFrame[f % perFrame.length]) };
  // Native first (dcmjs), then the pixel data swapped for the encapsulated frames by atrium's writer.
  d['7FE00010'] = { vr: 'OW', Value: [new ArrayBuffer(2)] };
  const native = storedDataSet(Buffer.from(ds.write({ fragmentMultiframe: false })));
  const sopClassUid = String(d['00080016']?.Value?.[0]);
  const body = writeDataSet(native.bytes, native.syntax, { pixelData: { kind: 'encapsulated', frames: encoded } });
  const meta = encodeFileMetaInformation({ sopClassUid, sopInstanceUid: sop, transferSyntaxUid: JPEG_LS });
  const file = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM', 'latin1'), meta, ...body]);
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await writeFile(path.join(tmp, 'instance.dcm'), file);
  const record = { study, series, sop, frames };
  await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify(record));
  await rename(tmp, dir);
  return { ...record, file: path.join(dir, 'instance.dcm') };
}

// --- fresh instances per round -----------------------------------------------

function replaceAll(buf: Buffer, from: string, to: string): void {
  const needle = Buffer.from(from, 'latin1');
  if (needle.length !== to.length) throw new Error('UID patch must keep the length');
  for (let at = buf.indexOf(needle); at >= 0; at = buf.indexOf(needle, at + needle.length)) buf.write(to, at, 'latin1');
}

// (0008,0020) DA, length 8, in Explicit VR Little Endian: moved out of the study-list query's range.
const STUDY_DATE = Buffer.from([0x08, 0x00, 0x20, 0x00, 0x44, 0x41, 0x08, 0x00]);

/** A copy of `bytes` as a new instance in the given (new) study and series. */
function mint(bytes: Buffer, old: { study: string; series: string; sop: string }, fresh: { study: string; series: string; sop: string }): Buffer {
  const out = Buffer.from(bytes);
  replaceAll(out, old.study, fresh.study);
  replaceAll(out, old.series, fresh.series);
  replaceAll(out, old.sop, fresh.sop);
  const at = out.indexOf(STUDY_DATE);
  if (at >= 0) out.write('19000101', at + STUDY_DATE.length, 'latin1');
  return out;
}

interface FreshInstance {
  readonly study: string;
  readonly series: string;
  readonly sop: string;
}

interface RoundData {
  readonly series: Record<SourceKind, FreshInstance[]>;
  readonly multiframe: FreshInstance;
  /** STOW requests (10 instances each, the multi-frame one alone) every target stores before measuring. */
  readonly requests: Array<{ body: Buffer; contentType: string; count: number }>;
  /** Archive instances of each kind, stored at load: used to warm the codecs up. */
  readonly warm: Record<SourceKind, ArchiveInstance>;
}

const KIND_SYNTAX: Record<SourceKind, string> = { native: EXPLICIT_LE, jls: JPEG_LS, j2k: J2K };

/**
 * Left out of the native series: Orthanc 1.10 encoding this 14-bit signed CT as
 * JPEG-LS aborts the whole process (an assertion in DCMTK's bundled CharLS,
 * deftrait.h ModRange), which would end every later line on Orthanc.
 */
const CRASHES_ORTHANC = ['pydicom-data/693_UNCR.dcm'];

function sourcesOf(archive: Archive, kind: SourceKind): ArchiveInstance[] {
  const found = archive.instances.filter((i) => i.transferSyntax === KIND_SYNTAX[kind] && !CRASHES_ORTHANC.includes(i.source));
  if (!found.length) throw new Error(`the archive has no ${KIND_SYNTAX[kind]} instances`);
  return found;
}

let mfSource: { bytes: Buffer; mf: Multiframe } | undefined;
let round: RoundData | undefined;

async function prepareRound(archive: Archive, files: ReadonlyMap<string, Buffer>): Promise<RoundData> {
  if (!mfSource) {
    const mf = await jpegLsMultiframe(path.join(REPO, '.bench'), MF_FRAMES);
    mfSource = { mf, bytes: await readFile(mf.file) };
  }
  const parts: Buffer[] = [];
  const series = {} as Record<SourceKind, FreshInstance[]>;
  const warm = {} as Record<SourceKind, ArchiveInstance>;
  for (const kind of ['native', 'jls', 'j2k'] as const) {
    const sources = sourcesOf(archive, kind);
    warm[kind] = sources[0]!;
    const [study, seriesUid] = [newUid(), newUid()];
    series[kind] = [];
    for (let k = 0; k < SERIES_LENGTH; k++) {
      const src = sources[k % sources.length]!;
      const fresh = { study, series: seriesUid, sop: newUid() };
      parts.push(mint(files.get(src.sop)!, src, fresh));
      series[kind].push(fresh);
    }
  }
  const requests: RoundData['requests'] = [];
  for (let i = 0; i < parts.length; i += 10) {
    const batch = parts.slice(i, i + 10);
    requests.push({ ...multipartRelated(batch), count: batch.length });
  }
  const multiframe = { study: newUid(), series: newUid(), sop: newUid() };
  requests.push({ ...multipartRelated([mint(mfSource.bytes, mfSource.mf, multiframe)]), count: 1 });
  return { series, multiframe, requests, warm };
}

// --- requests ----------------------------------------------------------------

async function store(agent: Agent, root: string, req: RoundData['requests'][number]): Promise<void> {
  const res = await request(`${root}/studies`, {
    dispatcher: agent,
    method: 'POST',
    headers: { 'content-type': req.contentType, accept: 'application/dicom+json' },
    body: req.body,
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`STOW: HTTP ${res.statusCode}: ${text.slice(0, 200)}`);
  const json = JSON.parse(text) as Record<string, { Value?: unknown[] } | undefined>;
  const stored = json['00081199']?.Value?.length ?? 0;
  if (stored !== req.count) throw new Error(`STOW: ${stored} of ${req.count} instances acknowledged`);
}

/** The transfer-syntax of the first part (its Content-Type), else of the response's type parameter. */
function sentSyntax(head: string, responseType: string): string | undefined {
  const headers = head.split('\r\n\r\n')[0] ?? '';
  const partType = /^content-type:(.*)$/im.exec(headers)?.[1];
  return /transfer-syntax="?([0-9.]+)/i.exec(partType ?? '')?.[1] ?? /transfer-syntax="?([0-9.]+)/i.exec(responseType)?.[1];
}

/** One frame request, checked; returns milliseconds from request to last byte. */
async function getFrame(agent: Agent, url: string, type: string, ts: string): Promise<number> {
  const t0 = performance.now();
  const res = await request(url, { dispatcher: agent, headers: { accept: accept(type, ts) } });
  let bytes = 0;
  const head: Buffer[] = [];
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    if (bytes < 4096) head.push(chunk);
    bytes += chunk.length;
  }
  const ms = performance.now() - t0;
  const start = Buffer.concat(head).subarray(0, 4096).toString('latin1');
  const responseType = String(res.headers['content-type'] ?? '');
  if (res.statusCode !== 200) throw new Error(`HTTP ${res.statusCode}: ${start.replace(/\s+/g, ' ').slice(0, 160)}`);
  if (!responseType.startsWith('multipart/related')) throw new Error(`answered ${responseType}, not multipart/related`);
  const sent = sentSyntax(start.slice(start.indexOf('\r\n') + 2), responseType);
  if (sent !== ts) throw new Error(`frame sent in ${sent ?? 'an unnamed syntax'}, not ${ts}`);
  const min = ts === EXPLICIT_LE ? NATIVE_FRAME_BYTES : 1000;
  if (bytes < min) throw new Error(`${bytes} bytes, at least ${min} expected`);
  return ms;
}

interface Run {
  readonly done: number;
  readonly rate: number;
  readonly p50: number;
}

/** Requests `urls[i % urls.length]` for i < maxJobs, `concurrency` in flight, within maxMs. */
async function frameRun(s: Session, urls: readonly string[], type: string, ts: string, maxJobs: number, maxMs: number): Promise<Run> {
  const run = await pool({ concurrency: s.budget.concurrency, maxJobs, maxMs }, (i) => getFrame(s.agent, urls[i % urls.length]!, type, ts));
  return { done: run.results.length, rate: (run.results.length / run.elapsedMs) * 1000, p50: percentile(run.results, 50) };
}

/** Measures one run as two lines (rate and p50); an error fails both. */
async function twoLines(prefix: string, fn: () => Promise<Run>): Promise<{ samples: Sample[]; run?: Run }> {
  let run: Run | undefined;
  const rate = await measure(`${prefix}.rate`, async () => (run = await fn()).rate);
  const p50: Sample = run ? { line: `${prefix}.p50`, value: run.p50 } : { line: `${prefix}.p50`, value: Number.NaN, error: rate.error ?? 'no run' };
  return { samples: [rate, p50], run };
}

export const transcode: Workload = {
  name: 'transcode',
  lines: lines(),
  async beforeRound(archive, files) {
    round = await prepareRound(archive, files);
  },
  afterRound() {
    round = undefined;
  },
  async run(s: Session): Promise<Sample[]> {
    const r = round;
    if (!r) throw new Error('transcode: no round data');
    const root = s.target.root;
    await pool({ concurrency: s.budget.concurrency, maxJobs: r.requests.length, maxMs: Infinity }, (i) => store(s.agent, root, r.requests[i]!));
    // What was just stored is still dirty in the page cache: flush it now rather than during a line.
    spawnSync('sync');
    await new Promise((resolve) => setTimeout(resolve, 1000));

    // Warm-up: one transcode per conversion on an archive instance (starts codec threads, loads WebAssembly).
    for (const c of CONVERSIONS) {
      const w = r.warm[c.source];
      await getFrame(s.agent, `${instanceUrl(root, w.study, w.series, w.sop)}/frames/1`, c.type, c.ts).catch(() => undefined);
    }

    const frameUrls = (kind: SourceKind) => r.series[kind].map((i) => `${instanceUrl(root, i.study, i.series, i.sop)}/frames/1`);
    const samples: Sample[] = [];
    const lineMs = s.budget.lineMs;

    // The native baseline is measured right before each repeat line, so every
    // hit/native ratio compares two runs made under the same machine load; the
    // native line reports the median of those runs.
    const nativeUrls = frameUrls('native');
    const natives: Run[] = [];
    let nativeError: string | undefined;
    const nativeRun = async (): Promise<Run | undefined> => {
      try {
        const run = await frameRun(s, nativeUrls, 'application/octet-stream', EXPLICIT_LE, SERIES_LENGTH * 5, lineMs);
        natives.push(run);
        return run;
      } catch (err) {
        nativeError ??= err instanceof Error ? err.message : String(err);
        return undefined;
      }
    };

    for (const c of CONVERSIONS) {
      const urls = frameUrls(c.source);
      const miss = await twoLines(`transcode.${c.key}.miss`, () => frameRun(s, urls, c.type, c.ts, urls.length, lineMs));
      samples.push(...miss.samples);
      const native = await nativeRun();
      // The repeat line asks only for frames the first-request line asked for.
      const asked = urls.slice(0, Math.max(1, miss.run?.done ?? 0));
      const hit = await twoLines(`transcode.${c.key}.hit`, () => frameRun(s, asked, c.type, c.ts, asked.length * 5, lineMs));
      samples.push(...hit.samples);
      const id = `transcode.${c.key}.hit-vs-native`;
      samples.push(
        hit.run && native
          ? { line: id, value: hit.run.rate / native.rate }
          : { line: id, value: Number.NaN, error: hit.samples[0]!.error ?? nativeError ?? 'no value' },
      );
    }
    for (const [id, value] of [
      ['transcode.native.rate', median(natives.map((n) => n.rate))],
      ['transcode.native.p50', median(natives.map((n) => n.p50))],
    ] as const) {
      samples.push(natives.length ? { line: id, value } : { line: id, value: Number.NaN, error: nativeError ?? 'no run' });
    }

    const mf = r.multiframe;
    const mfUrls = Array.from({ length: MF_FRAMES }, (_, k) => `${instanceUrl(root, mf.study, mf.series, mf.sop)}/frames/${k + 1}`);
    for (const pass of ['pass1', 'pass2']) {
      const one = await twoLines(`transcode.mf500.${pass}`, () => frameRun(s, mfUrls, 'application/octet-stream', EXPLICIT_LE, MF_FRAMES, lineMs * 5));
      samples.push(...one.samples);
      if (one.run) process.stderr.write(`[transcode] ${s.target.name} ${pass}: ${one.run.done}/${MF_FRAMES} frames\n`);
    }
    return samples;
  },
};
