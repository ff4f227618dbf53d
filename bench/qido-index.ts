/**
 * QIDO-RS study list on a large index: fills a SQLite index with synthetic
 * instances (default 50,000 studies x 4 series x 5 instances = 1,000,000)
 * and times the queries OHIF's study list sends (limit 101, a few
 * includefields), printing p50/p95 per query shape.
 *
 *   node --import tsx bench/qido-index.ts [studies] [--keep DIR]
 *
 * Target: every study-list query under 20 ms at 1,000,000 instances.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { DicomJsonDataset, Vr } from '../src/dicom/json-model.js';
import { parseMatchKey } from '../src/dicom/match-key.js';
import { TenantId } from '../src/storage/ids.js';
import type { NewInstance, QidoQuery } from '../src/storage/index-store.js';
import { SqliteIndexStore } from '../src/storage/sqlite/sqlite-index-store.js';

const STUDIES = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 50_000);
const SERIES_PER_STUDY = 4;
const INSTANCES_PER_SERIES = 5;
const BATCH = 10_000;
const RUNS = 60;

const FAMILY = ['SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ',
  'HERNANDEZ', 'LOPEZ', 'GONZALEZ', 'WILSON', 'ANDERSON', 'THOMAS', 'TAYLOR', 'MOORE', 'JACKSON', 'MARTIN', 'LEE',
  'PEREZ', 'THOMPSON', 'WHITE', 'HARRIS', 'SANCHEZ', 'CLARK', 'RAMIREZ', 'LEWIS', 'ROBINSON', 'WALKER', 'YOUNG',
  'ALLEN', 'KING', 'WRIGHT', 'SCOTT', 'TORRES', 'NGUYEN', 'HILL', 'FLORES', 'GREEN', 'ADAMS', 'NELSON', 'BAKER',
  'HALL', 'RIVERA', 'CAMPBELL', 'MITCHELL', 'CARTER', 'ROBERTS', 'MÜLLER', 'SCHMIDT', 'DUPONT', 'ROSSI', 'SATO'];
const GIVEN = ['JAMES', 'MARY', 'JOHN', 'PATRICIA', 'ROBERT', 'JENNIFER', 'MICHAEL', 'LINDA', 'WILLIAM', 'ELIZABETH',
  'DAVID', 'BARBARA', 'RICHARD', 'SUSAN', 'JOSEPH', 'JESSICA', 'THOMAS', 'SARAH', 'CHARLES', 'KAREN', 'ANNA', 'LUCA'];
const MODALITIES: Array<[string, string]> = [
  ['CT', '1.2.840.10008.5.1.4.1.1.2'], ['MR', '1.2.840.10008.5.1.4.1.1.4'], ['CR', '1.2.840.10008.5.1.4.1.1.1'],
  ['US', '1.2.840.10008.5.1.4.1.1.6.1'], ['DX', '1.2.840.10008.5.1.4.1.1.1.1'], ['PT', '1.2.840.10008.5.1.4.1.1.128'],
  ['NM', '1.2.840.10008.5.1.4.1.1.20'], ['MG', '1.2.840.10008.5.1.4.1.1.1.2'], ['SR', '1.2.840.10008.5.1.4.1.1.88.22'],
];
const DESCRIPTIONS = ['CT CHEST W CONTRAST', 'MRI BRAIN WO', 'XR CHEST 2 VIEWS', 'US ABDOMEN', 'PET CT WHOLE BODY'];

/** Deterministic pseudo-random numbers, so every run indexes the same data. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}
const random = rng(42);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

const el = (vr: Vr, ...values: Array<string | number>) => ({ vr, Value: values });

function studyInstances(tenant: TenantId, n: number): NewInstance[] {
  const study = `1.2.826.0.1.3680043.10.1.${n}`;
  const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(random() * 3650) * 86_400_000);
  const date = day.toISOString().slice(0, 10).replace(/-/g, '');
  const time = `${pad(Math.floor(random() * 24), 2)}${pad(Math.floor(random() * 60), 2)}${pad(Math.floor(random() * 60), 2)}`;
  const patient = Math.floor(random() * (STUDIES / 2));
  const name = `${FAMILY[patient % FAMILY.length]}^${GIVEN[(patient >> 3) % GIVEN.length]}^^^`.replace(/\^+$/, '');
  const studyAttrs: DicomJsonDataset = {
    '00080020': el('DA', date), '00080030': el('TM', time), '00080050': el('SH', `ACC${pad(n, 8)}`),
    '00080090': { vr: 'PN', Value: [{ Alphabetic: 'REFERRER^ALICE' }] }, '00081030': el('LO', pick(DESCRIPTIONS)),
    '00100010': { vr: 'PN', Value: [{ Alphabetic: name }] }, '00100020': el('LO', `P${pad(patient, 7)}`),
    '00100030': el('DA', `19${pad(30 + (patient % 70), 2)}0101`), '00100040': el('CS', patient % 2 ? 'F' : 'M'),
    '0020000D': el('UI', study), '00200010': el('SH', String(n)), '00080005': el('CS', 'ISO_IR 192'),
  };
  const out: NewInstance[] = [];
  for (let s = 1; s <= SERIES_PER_STUDY; s++) {
    const [modality, sopClass] = s === 1 ? pick(MODALITIES.slice(0, 8)) : pick(MODALITIES);
    const series = `${study}.${s}`;
    for (let i = 1; i <= INSTANCES_PER_SERIES; i++) {
      const sop = `${series}.${i}`;
      const dataset: DicomJsonDataset = {
        ...studyAttrs,
        '00080016': el('UI', sopClass), '00080018': el('UI', sop), '00080060': el('CS', modality),
        '00080070': el('LO', 'ACME'), '0008103E': el('LO', `${modality} SERIES ${s}`), '0020000E': el('UI', series),
        '00200011': el('IS', s), '00200013': el('IS', i), '00200032': el('DS', 0, 0, i * 2.5),
        '00200037': el('DS', 1, 0, 0, 0, 1, 0), '00280002': el('US', 1), '00280004': el('CS', 'MONOCHROME2'),
        '00280010': el('US', 512), '00280011': el('US', 512), '00280030': el('DS', 0.7, 0.7),
        '00280100': el('US', 16), '00280101': el('US', 12), '00280102': el('US', 11), '00280103': el('US', 0),
        '00281050': el('DS', 40), '00281051': el('DS', 400),
        '7FE00010': { vr: 'OW', BulkDataURI: `studies/${study}/series/${series}/instances/${sop}/bulkdata/7FE00010` },
      };
      out.push({
        tenant, studyUid: study, seriesUid: series, sopInstanceUid: sop, sopClassUid: sopClass,
        transferSyntaxUid: '1.2.840.10008.1.2.1', sha256: createHash('sha256').update(sop).digest('hex'),
        size: 524_288 + 1_500, part10Prefix: null, dataset, bulkData: { '7FE00010': { offset: 1_500, length: 524_288 } },
        pixel: { kind: 'native', tag: '7FE00010', value: { offset: 1_500, length: 524_288 }, numberOfFrames: 1,
          frameLength: 524_288, packedBits: false, bigEndian: false, bitsAllocated: 16 } as NewInstance['pixel'],
      });
    }
  }
  return out;
}

function fill(store: SqliteIndexStore, tenant: TenantId): void {
  const started = performance.now();
  let batch: NewInstance[] = [];
  let total = 0;
  for (let n = 0; n < STUDIES; n++) {
    batch.push(...studyInstances(tenant, n));
    if (batch.length >= BATCH || n === STUDIES - 1) {
      store.putInstances(batch, 'reject');
      total += batch.length;
      batch = [];
      if (total % 100_000 === 0) process.stdout.write(`  ${total} instances, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`filled ${total} instances in ${seconds.toFixed(1)} s (${Math.round(total / seconds)}/s)`);
}

const OHIF_INCLUDE = ['00081030', '00080060'];

function studyList(tenant: TenantId, keys: Record<string, [Vr, string]>, extra: Partial<QidoQuery> = {}): QidoQuery {
  return {
    tenant, level: 'study', fuzzy: false, includeFields: OHIF_INCLUDE, limit: 101, offset: 0,
    filters: Object.entries(keys).map(([tag, [vr, raw]]) => ({ tag, key: parseMatchKey(vr, raw) })),
    ...extra,
  };
}

function month(): string {
  return `20${pad(15 + Math.floor(random() * 10), 2)}${pad(1 + Math.floor(random() * 12), 2)}`;
}

function shapes(tenant: TenantId): Array<[string, () => QidoQuery]> {
  const someId = () => `P${pad(Math.floor(random() * (STUDIES / 2)), 7)}`;
  return [
    ['no filter', () => studyList(tenant, {})],
    ['no filter, offset 1010', () => studyList(tenant, {}, { offset: 1010 })],
    ['PatientName=SMI* (prefix)', () => studyList(tenant, { '00100010': ['PN', `${pick(FAMILY).slice(0, 3)}*`] })],
    ['PatientName=*ILLIA* (contains)', () => studyList(tenant, { '00100010': ['PN', `*${pick(FAMILY).slice(1, 5)}*`] })],
    ['PatientName=JOHN fuzzy', () => studyList(tenant, { '00100010': ['PN', pick(GIVEN).slice(0, 4)] }, { fuzzy: true })],
    ['PatientID=P0001234', () => studyList(tenant, { '00100020': ['LO', someId()] })],
    ['PatientID=P00012* (wildcard)', () => studyList(tenant, { '00100020': ['LO', `${someId().slice(0, 6)}*`] })],
    ['AccessionNumber=ACC...', () => studyList(tenant, { '00080050': ['SH', `ACC${pad(Math.floor(random() * STUDIES), 8)}`] })],
    ['StudyDate=one month', () => {
      const m = month();
      return studyList(tenant, { '00080020': ['DA', `${m}01-${m}28`] });
    }],
    ['StudyDate=YYYYMMDD- (open)', () => studyList(tenant, { '00080020': ['DA', `${month()}01-`] })],
    ['StudyDate=-YYYYMMDD (open)', () => studyList(tenant, { '00080020': ['DA', `-${month()}01`] })],
    ['ModalitiesInStudy=MR', () => studyList(tenant, { '00080061': ['CS', pick(['MR', 'CT', 'US'])] })],
    ['ModalitiesInStudy=SR (rare)', () => studyList(tenant, { '00080061': ['CS', 'SR'] })],
    ['StudyDate month + ModalitiesInStudy=CT\\MR', () => {
      const m = month();
      return studyList(tenant, { '00080020': ['DA', `${m}01-${m}28`], '00080061': ['CS', 'CT\\MR'] });
    }],
    ['PatientName=*X* + StudyDate year', () => {
      const year = month().slice(0, 4);
      return studyList(tenant, { '00100010': ['PN', `*${pick(FAMILY).slice(2, 4)}*`], '00080020': ['DA', `${year}0101-${year}1231`] });
    }],
    // Worst cases: nothing matches, so the whole tenant's study list index is scanned.
    ['worst: PatientName=*QQ* (no match)', () => studyList(tenant, { '00100010': ['PN', `*Q${pick(GIVEN).slice(0, 1)}Q*`] })],
    ['worst: PatientName=QQ fuzzy (no match)', () => studyList(tenant, { '00100010': ['PN', 'QQ'] }, { fuzzy: true })],
    ['worst: PatientID=*X9* (no match)', () => studyList(tenant, { '00100020': ['LO', '*X9*'] })],
    ['worst: StudyDescription=*ZZ* (no match)', () => studyList(tenant, { '00081030': ['LO', '*ZZ*'] })],
    ['worst: ModalitiesInStudy=XA (no match)', () => studyList(tenant, { '00080061': ['CS', 'XA'] })],
  ];
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

function measure(store: SqliteIndexStore, name: string, make: () => QidoQuery): void {
  const times: number[] = [];
  let matches = 0;
  for (let i = 0; i < RUNS + 5; i++) {
    const q = make();
    const t = performance.now();
    const result = store.query(q);
    const elapsed = performance.now() - t;
    if (i >= 5) times.push(elapsed);
    matches += result.matches.length;
  }
  times.sort((a, b) => a - b);
  const line = `${name.padEnd(44)} p50 ${percentile(times, 50).toFixed(2).padStart(7)} ms   p95 ${percentile(times, 95)
    .toFixed(2)
    .padStart(7)} ms   avg matches ${(matches / (RUNS + 5)).toFixed(0)}`;
  console.log(line);
}

function main(): void {
  const keep = process.argv.indexOf('--keep');
  const dir = keep !== -1 ? process.argv[keep + 1]! : mkdtempSync(join(tmpdir(), 'atrium-bench-'));
  const file = join(dir, 'index.sqlite');
  const tenant = TenantId.parse('bench');
  try {
    let store = SqliteIndexStore.open(file);
    const empty = store.query(studyList(tenant, {}, { limit: 1 })).matches.length === 0;
    if (empty) {
      console.log(`indexing ${STUDIES} studies x ${SERIES_PER_STUDY} series x ${INSTANCES_PER_SERIES} instances into ${file}`);
      fill(store, tenant);
      // A restart: planner statistics are refreshed on close and open (PRAGMA optimize).
      store.close();
      store = SqliteIndexStore.open(file);
    }
    console.log(`index file ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB; ${RUNS} runs per shape, limit 101, includefield ${OHIF_INCLUDE}`);
    for (const [name, make] of shapes(tenant)) measure(store, name, make);
    const study = `1.2.826.0.1.3680043.10.1.${Math.floor(STUDIES / 2)}`;
    measure(store, 'series of one study', () => ({ ...studyList(tenant, {}), level: 'series', studyUid: study, includeFields: [] }));
    const t = performance.now();
    for (let i = 0; i < 100; i++) store.listMetadataJson(tenant, { studyUid: `1.2.826.0.1.3680043.10.1.${i * 7}` });
    console.log(`listMetadataJson of a study (20 instances)     avg ${((performance.now() - t) / 100).toFixed(2)} ms`);
    store.close();
  } finally {
    if (keep === -1) rmSync(dir, { recursive: true, force: true });
  }
}

main();
