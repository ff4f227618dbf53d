/**
 * The shared public test data (../shared/testdata): MANIFEST.tsv as typed rows.
 *
 * Many files share a SOP Instance UID on purpose (the same image in several
 * transfer syntaxes, column `same_sop_uid_as`). Every test file STOWs only files
 * of `CANONICAL`, a deterministic set with one file per SOP Instance UID, so the
 * suite may run against one shared server (ATRIUM_CONFORMANCE_URL) without
 * testing that server's duplicate policy by accident.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TESTDATA_DIR = fileURLToPath(new URL('../../../shared/testdata/', import.meta.url));

export type Expect = 'valid' | 'odd' | 'malformed';

export interface ManifestRow {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly expect: Expect;
  readonly category: string;
  readonly tags: readonly string[];
  readonly modality: string;
  readonly sopClass: string;
  /** Empty when unknown; without the parentheses the manifest uses for guessed syntaxes. */
  readonly transferSyntaxUid: string;
  readonly transferSyntaxGuessed: boolean;
  readonly tsName: string;
  readonly rows: number;
  readonly cols: number;
  readonly frames: number;
  readonly bitsAllocated: number;
  readonly bitsStored: number;
  readonly pixelRepresentation: number;
  readonly samplesPerPixel: number;
  readonly photometric: string;
  readonly planarConfiguration: number | undefined;
  readonly encapFragments: number | undefined;
  readonly encapBot: string;
  readonly pixelMd5: string;
  readonly patientId: string;
  readonly studyUid: string;
  readonly seriesUid: string;
  readonly sopUid: string;
  readonly sameSopUidAs: readonly string[];
  readonly note: string;
}

const num = (s: string | undefined): number => (s === undefined || s === '' ? 0 : Number(s));
const optNum = (s: string | undefined): number | undefined => (s === undefined || s === '' ? undefined : Number(s));
const list = (s: string | undefined, sep: string): string[] => (s ? s.split(sep).filter((x) => x !== '') : []);

function parseManifest(): ManifestRow[] {
  const text = readFileSync(TESTDATA_DIR + 'MANIFEST.tsv', 'utf8');
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split('\t');
  return lines.map((line) => {
    const cells = line.split('\t');
    const c = (name: string): string => cells[header.indexOf(name)] ?? '';
    const ts = c('transfer_syntax_uid');
    const guessed = ts.startsWith('(');
    return {
      file: c('file'),
      sha256: c('sha256'),
      bytes: num(c('bytes')),
      expect: c('expect') as Expect,
      category: c('category'),
      tags: list(c('tags'), ','),
      modality: c('modality'),
      sopClass: c('sop_class'),
      transferSyntaxUid: ts.replace(/[()]/g, ''),
      transferSyntaxGuessed: guessed,
      tsName: c('ts_name'),
      rows: num(c('rows')),
      cols: num(c('cols')),
      frames: num(c('frames')),
      bitsAllocated: num(c('bits_alloc')),
      bitsStored: num(c('bits_stored')),
      pixelRepresentation: num(c('pixel_rep')),
      samplesPerPixel: num(c('samples_per_pixel')),
      photometric: c('photometric'),
      planarConfiguration: optNum(c('planar_config')),
      encapFragments: optNum(c('encap_fragments')),
      encapBot: c('encap_bot'),
      pixelMd5: c('pixel_md5'),
      patientId: c('patient_id'),
      studyUid: c('study_uid'),
      seriesUid: c('series_uid'),
      sopUid: c('sop_uid'),
      sameSopUidAs: list(c('same_sop_uid_as'), ';'),
      note: c('note'),
    };
  });
}

export const MANIFEST: readonly ManifestRow[] = parseManifest();

export const TS = {
  implicitLE: '1.2.840.10008.1.2',
  explicitLE: '1.2.840.10008.1.2.1',
  deflatedLE: '1.2.840.10008.1.2.1.99',
  explicitBE: '1.2.840.10008.1.2.2',
} as const;

export const NATIVE_SYNTAXES: readonly string[] = [TS.implicitLE, TS.explicitLE, TS.explicitBE];

/** The preference used to pick one file per SOP Instance UID: native LE first, then by path. */
function preference(r: ManifestRow): number {
  if (r.transferSyntaxUid === TS.explicitLE) return 0;
  if (r.transferSyntaxUid === TS.implicitLE) return 1;
  if (r.transferSyntaxUid === TS.explicitBE) return 3;
  return 2;
}

/** Valid files with Study and SOP Instance UIDs, one per SOP Instance UID. */
export const CANONICAL: readonly ManifestRow[] = (() => {
  const candidates = MANIFEST.filter((r) => r.expect === 'valid' && r.sopUid !== '' && r.studyUid !== '' && r.seriesUid !== '')
    .slice()
    .sort((a, b) => preference(a) - preference(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const seen = new Set<string>();
  const out: ManifestRow[] = [];
  for (const r of candidates) {
    if (seen.has(r.sopUid)) continue;
    seen.add(r.sopUid);
    out.push(r);
  }
  return out.sort((a, b) => (a.file < b.file ? -1 : 1));
})();

/** A manifest row by file path (relative to testdata, e.g. `files/pydicom/CT_small.dcm`). */
export function row(file: string): ManifestRow {
  const r = MANIFEST.find((x) => x.file === file);
  if (!r) throw new Error(`not in MANIFEST.tsv: ${file}`);
  return r;
}

/** A row of the canonical set; throws when the file is not the canonical one for its SOP Instance UID. */
export function canonical(file: string): ManifestRow {
  const r = CANONICAL.find((x) => x.file === file);
  if (!r) throw new Error(`not in the canonical (unique SOP Instance UID) set: ${file}`);
  return r;
}

export function byTag(rows: readonly ManifestRow[], tag: string): ManifestRow[] {
  return rows.filter((r) => r.tags.includes(tag));
}

export function bySyntax(rows: readonly ManifestRow[], ...uids: string[]): ManifestRow[] {
  return rows.filter((r) => uids.includes(r.transferSyntaxUid));
}

export function readBytes(r: ManifestRow | string): Buffer {
  const file = typeof r === 'string' ? r : r.file;
  return readFileSync(TESTDATA_DIR + file);
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export function md5(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}
