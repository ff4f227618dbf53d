// Generates the benchmark archive: varied patients, studies and series made from
// real pixel files of ../shared/testdata with every UID rewritten, plus one large
// native multi-frame instance for the frames workloads. Cached under .bench/ by
// its shape, so repeated runs reuse it.
import { createHash, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The subset of dcmjs 0.51 used here (dcmjs ships no type declarations). */
export interface DcmjsElement {
  vr: string;
  Value?: unknown[];
}
interface DcmjsDict {
  meta: Record<string, DcmjsElement>;
  dict: Record<string, DcmjsElement>;
  write(options?: { fragmentMultiframe?: boolean }): ArrayBuffer;
}
interface Dcmjs {
  data: { DicomMessage: { readFile(buffer: ArrayBuffer): DcmjsDict } };
}
export const dcmjs = createRequire(import.meta.url)('dcmjs') as Dcmjs;

export const TESTDATA = path.resolve(import.meta.dirname, '../../shared/testdata/files');

/** Real 512x512 sources: native CT/MR and three compressed syntaxes. */
const SOURCES: readonly { file: string; modality: 'CT' | 'MR' }[] = [
  { file: 'DICOMHTJ2K/CT2_UNC.dcm', modality: 'CT' },
  { file: 'orthanc-tests/SignedCT.dcm', modality: 'CT' },
  { file: 'pydicom-data/693_UNCR.dcm', modality: 'CT' },
  { file: 'DICOMHTJ2K/MR1_UNC.dcm', modality: 'MR' },
  { file: 'DICOMHTJ2K/MR3_UNC.dcm', modality: 'MR' },
  { file: 'DICOMHTJ2K/MR4_UNC.dcm', modality: 'MR' },
  { file: 'dicomParser/single-frame/CT1_UNC.not_fragmented_bot_jpeg_ls.80.dcm', modality: 'CT' },
  { file: 'dcm4che/CT-JPEGLosslessSV1.dcm', modality: 'CT' },
  { file: 'pydicom-data/693_J2KR.dcm', modality: 'CT' },
];
/** A real Enhanced CT (2 native 512x512 frames) repeated into a long instance. */
export const MULTIFRAME_SOURCE = 'pydicom-data/eCT_Supplemental.dcm';

export interface ArchiveShape {
  readonly studies: number;
  readonly seriesPerStudy: number;
  readonly instancesPerSeries: number;
  readonly multiframeFrames: number;
}

export const DEFAULT_SHAPE: ArchiveShape = {
  studies: 20,
  seriesPerStudy: 3,
  instancesPerSeries: 10,
  multiframeFrames: 120,
};

export interface ArchiveInstance {
  readonly file: string; // relative to the archive directory
  readonly study: string;
  readonly series: string;
  readonly sop: string;
  readonly bytes: number;
  readonly transferSyntax: string;
  readonly frames: number;
  readonly source: string;
}

export interface Archive {
  readonly dir: string;
  readonly shape: ArchiveShape;
  readonly studies: string[];
  /** Every instance, series after series, study after study. */
  readonly instances: ArchiveInstance[];
  readonly multiframe: ArchiveInstance;
  readonly totalBytes: number;
}

/**
 * UIDs of one fixed length (43 characters, padded to 44 in the file), so a
 * workload can patch the bytes of a stored file in place to mint a new instance
 * (see stow.ts) without re-encoding it.
 */
export const UID_LENGTH = 43;
export function newUid(): string {
  let digits = String(randomInt(1, 10));
  while (digits.length < UID_LENGTH - 5) digits += String(randomInt(0, 10));
  return `2.25.${digits}`;
}

const FAMILY = ['SMITH', 'GARCIA', 'MULLER', 'NGUYEN', 'ROSSI', 'KOWALSKI', 'DUBOIS', 'TANAKA', 'SILVA', 'OKAFOR'];
const GIVEN = ['ANNA', 'JOHN', 'MARIA', 'LI', 'PAUL', 'FATIMA', 'IVAN', 'SARA', 'OMAR', 'ELENA'];

export function toArrayBuffer(b: Buffer): ArrayBuffer {
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
}

export function set(d: Record<string, DcmjsElement>, tag: string, vr: string, value: unknown): void {
  // A fresh object drops dcmjs's cached raw value, so the new value is written.
  d[tag] = { vr, Value: [value] };
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function shapeKey(s: ArchiveShape): string {
  return `v2-${s.studies}x${s.seriesPerStudy}x${s.instancesPerSeries}-mf${s.multiframeFrames}`;
}

async function readSource(file: string): Promise<Buffer> {
  return readFile(path.join(TESTDATA, file));
}

/** Returns the cached archive for `shape`, generating it first when missing. */
export async function loadArchive(root: string, shape: ArchiveShape = DEFAULT_SHAPE): Promise<Archive> {
  const dir = path.join(root, `archive-${shapeKey(shape)}`);
  const manifest = path.join(dir, 'manifest.json');
  if (existsSync(manifest)) return JSON.parse(await readFile(manifest, 'utf8')) as Archive;
  const tmp = `${dir}.tmp-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(path.join(tmp, 'files'), { recursive: true });
  const archive = await generate(tmp, shape);
  await writeFile(path.join(tmp, 'manifest.json'), JSON.stringify({ ...archive, dir }, null, 1));
  await rename(tmp, dir);
  return { ...archive, dir };
}

async function generate(dir: string, shape: ArchiveShape): Promise<Archive> {
  const sources = await Promise.all(SOURCES.map(async (s) => ({ ...s, bytes: await readSource(s.file) })));
  const instances: ArchiveInstance[] = [];
  const studies: string[] = [];
  let n = 0;
  for (let st = 0; st < shape.studies; st++) {
    const study = newUid();
    studies.push(study);
    // About 0.7 patients per study: some patients have two studies.
    const p = st % Math.max(1, Math.ceil(shape.studies * 0.7));
    const patient = {
      name: `${FAMILY[p % FAMILY.length]}^${GIVEN[(p * 7 + Math.floor(p / FAMILY.length)) % GIVEN.length]}`,
      id: `BENCH${pad(p, 4)}`,
      birthDate: `19${pad(40 + (p % 50), 2)}0101`,
      sex: p % 2 ? 'F' : 'M',
      date: `20${pad(20 + (st % 6), 2)}${pad(1 + (st % 12), 2)}${pad(1 + ((st * 3) % 28), 2)}`,
    };
    const frameOfReference = newUid();
    for (let se = 0; se < shape.seriesPerStudy; se++) {
      const series = newUid();
      const src = sources[(st * shape.seriesPerStudy + se) % sources.length]!;
      for (let i = 0; i < shape.instancesPerSeries; i++) {
        const sop = newUid();
        const ds = dcmjs.data.DicomMessage.readFile(toArrayBuffer(src.bytes));
        set(ds.meta, '00020003', 'UI', sop);
        const d = ds.dict;
        set(d, '00080018', 'UI', sop);
        set(d, '0020000D', 'UI', study);
        set(d, '0020000E', 'UI', series);
        set(d, '00200052', 'UI', frameOfReference);
        set(d, '00100010', 'PN', { Alphabetic: patient.name });
        set(d, '00100020', 'LO', patient.id);
        set(d, '00100030', 'DA', patient.birthDate);
        set(d, '00100040', 'CS', patient.sex);
        set(d, '00080020', 'DA', patient.date);
        set(d, '00080030', 'TM', `${pad(8 + (st % 10), 2)}3000`);
        set(d, '00080050', 'SH', `ACC${pad(st, 6)}`);
        set(d, '00200010', 'SH', `S${st}`);
        set(d, '00081030', 'LO', `Bench study ${st} ${src.modality}`);
        set(d, '0008103E', 'LO', `Series ${se + 1} from ${path.basename(src.file)}`);
        set(d, '00080060', 'CS', src.modality);
        set(d, '00200011', 'IS', se + 1);
        set(d, '00200013', 'IS', i + 1);
        const out = Buffer.from(ds.write({ fragmentMultiframe: false }));
        const file = `files/${pad(n++, 6)}.dcm`;
        await writeFile(path.join(dir, file), out);
        instances.push(archiveInstance(file, { study, series, sop }, out, ds, 1, src.file));
      }
    }
  }
  const multiframe = await generateMultiframe(dir, shape.multiframeFrames);
  studies.push(multiframe.study);
  const totalBytes = instances.reduce((a, i) => a + i.bytes, 0) + multiframe.bytes;
  return { dir, shape, studies, instances, multiframe, totalBytes };
}

/** Repeats the source's frames (and per-frame functional groups) to `frames` frames. */
async function generateMultiframe(dir: string, frames: number): Promise<ArchiveInstance> {
  const src = await readSource(MULTIFRAME_SOURCE);
  const ds = dcmjs.data.DicomMessage.readFile(toArrayBuffer(src));
  const d = ds.dict;
  const srcFrames = Number(d['00280008']?.Value?.[0] ?? 1);
  const pixels = Buffer.from(d['7FE00010']!.Value![0] as ArrayBuffer);
  const frameBytes = pixels.length / srcFrames;
  const perFrame = d['52009230']?.Value ?? [];
  const outPixels = Buffer.alloc(frameBytes * frames);
  const outPerFrame: unknown[] = [];
  for (let f = 0; f < frames; f++) {
    pixels.copy(outPixels, f * frameBytes, (f % srcFrames) * frameBytes, ((f % srcFrames) + 1) * frameBytes);
    if (perFrame.length) outPerFrame.push(perFrame[f % perFrame.length]);
  }
  const { study, series, sop } = stampGenerated(ds.meta, d, {
    name: 'BENCH^MULTIFRAME', id: 'BENCHMF', date: '20260101', accession: 'ACCMF',
    description: `Bench multi-frame ${frames} frames`, frames,
  });
  d['7FE00010'] = { vr: 'OW', Value: [toArrayBuffer(outPixels)] };
  if (outPerFrame.length) d['52009230'] = { vr: 'SQ', Value: outPerFrame };
  const out = Buffer.from(ds.write({ fragmentMultiframe: false }));
  const file = 'files/multiframe.dcm';
  await writeFile(path.join(dir, file), out);
  return archiveInstance(file, { study, series, sop }, out, ds, frames, MULTIFRAME_SOURCE);
}

/**
 * Gives a generated multi-frame instance new study, series and SOP Instance UIDs,
 * its own patient and study attributes, and its frame count.
 */
export function stampGenerated(
  meta: Record<string, DcmjsElement>,
  d: Record<string, DcmjsElement>,
  what: { name: string; id: string; date: string; accession: string; description: string; frames: number },
): { study: string; series: string; sop: string } {
  const [study, series, sop] = [newUid(), newUid(), newUid()];
  set(meta, '00020003', 'UI', sop);
  set(d, '00080018', 'UI', sop);
  set(d, '0020000D', 'UI', study);
  set(d, '0020000E', 'UI', series);
  set(d, '00100010', 'PN', { Alphabetic: what.name });
  set(d, '00100020', 'LO', what.id);
  set(d, '00080020', 'DA', what.date);
  set(d, '00080050', 'SH', what.accession);
  set(d, '00081030', 'LO', what.description);
  set(d, '00280008', 'IS', what.frames);
  return { study, series, sop };
}

/** Reads every archive file into memory once (about 250 MB at the default shape). */
export async function readArchiveFiles(archive: Archive): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const inst of [...archive.instances, archive.multiframe]) {
    out.set(inst.sop, await readFile(path.join(archive.dir, inst.file)));
  }
  return out;
}

/** A short fingerprint of the archive, for result files. */
export function archiveId(archive: Archive): string {
  return createHash('sha256').update(archive.studies.join(',')).digest('hex').slice(0, 12);
}

// `node --import tsx bench/archive.ts` builds the default archive (run.ts takes the shape options).
if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const a = await loadArchive(path.resolve(import.meta.dirname, '../.bench'));
  console.log(`${a.dir}: ${a.studies.length} studies, ${a.instances.length + 1} instances, ${(a.totalBytes / 1e6).toFixed(1)} MB`);
}

/** The archive's record of one written file. */
function archiveInstance(
  file: string,
  uids: { study: string; series: string; sop: string },
  out: Buffer,
  ds: { meta: Record<string, { Value?: unknown[] } | undefined> },
  frames: number,
  source: string,
): ArchiveInstance {
  return { file, ...uids, bytes: out.length, transferSyntax: String(ds.meta['00020010']?.Value?.[0] ?? ''), frames, source };
}
