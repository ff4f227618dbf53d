import { createHash } from 'node:crypto';
import type { DicomJsonDataset, PersonNameJson, Tag, Vr } from '../../src/dicom/json-model.js';
import { parseMatchKey } from '../../src/dicom/match-key.js';
import { TenantId } from '../../src/storage/ids.js';
import type { IndexStore, NewInstance, QidoQuery, QueryFilter } from '../../src/storage/index-store.js';
import { SqliteIndexStore } from '../../src/storage/sqlite/sqlite-index-store.js';

/** Every IndexStore implementation the shared suites run against. */
export const STORES: ReadonlyArray<{ name: string; open: () => IndexStore }> = [
  { name: 'sqlite', open: () => SqliteIndexStore.open(':memory:') },
];

export const TENANT_A = TenantId.parse('hospital-a');
export const TENANT_B = TenantId.parse('hospital-b');

export const CT_IMAGE = '1.2.840.10008.5.1.4.1.1.2';
export const MR_IMAGE = '1.2.840.10008.5.1.4.1.1.4';
export const SR_DOC = '1.2.840.10008.5.1.4.1.1.88.22';

export interface InstanceSpec {
  tenant?: TenantId;
  study: string;
  series: string;
  sop: string;
  sopClass?: string;
  /** Anything that changes the bytes changes the hash; default: derived from the UIDs. */
  content?: string;
  patientName?: PersonNameJson | string;
  patientId?: string;
  studyDate?: string;
  studyTime?: string;
  accession?: string;
  studyDescription?: string;
  modality?: string;
  seriesNumber?: number;
  instanceNumber?: number;
  extra?: DicomJsonDataset;
}

const text = (vr: Vr, value: string | undefined) => (value === undefined ? undefined : { vr, Value: [value] });

/** A NewInstance as ingest would hand it over, built from a few attributes. */
export function instance(spec: InstanceSpec): NewInstance {
  const pn = typeof spec.patientName === 'string' ? { Alphabetic: spec.patientName } : spec.patientName;
  const elements: Record<Tag, DicomJsonDataset[string] | undefined> = {
    '00080016': text('UI', spec.sopClass ?? CT_IMAGE),
    '00080018': text('UI', spec.sop),
    '00080020': text('DA', spec.studyDate),
    '00080030': text('TM', spec.studyTime),
    '00080050': text('SH', spec.accession),
    '00080060': text('CS', spec.modality ?? 'CT'),
    '00081030': text('LO', spec.studyDescription),
    '00100010': pn === undefined ? undefined : { vr: 'PN', Value: [pn] },
    '00100020': text('LO', spec.patientId),
    '0020000D': text('UI', spec.study),
    '0020000E': text('UI', spec.series),
    '00200011': spec.seriesNumber === undefined ? undefined : { vr: 'IS', Value: [spec.seriesNumber] },
    '00200013': spec.instanceNumber === undefined ? undefined : { vr: 'IS', Value: [spec.instanceNumber] },
    '00280010': { vr: 'US', Value: [512] },
    '00280011': { vr: 'US', Value: [512] },
    '00280100': { vr: 'US', Value: [16] },
    '7FE00010': { vr: 'OW', BulkDataURI: `studies/${spec.study}/series/${spec.series}/instances/${spec.sop}/bulkdata/7FE00010` },
    ...spec.extra,
  };
  const dataset: DicomJsonDataset = {};
  for (const [tag, element] of Object.entries(elements)) if (element) dataset[tag] = element;
  const content = spec.content ?? `${spec.study}/${spec.series}/${spec.sop}`;
  return {
    tenant: spec.tenant ?? TENANT_A,
    studyUid: spec.study,
    seriesUid: spec.series,
    sopInstanceUid: spec.sop,
    sopClassUid: spec.sopClass ?? CT_IMAGE,
    transferSyntaxUid: '1.2.840.10008.1.2.1',
    sha256: createHash('sha256').update(content).digest('hex'),
    size: content.length,
    part10Prefix: null,
    dataset,
    bulkData: { '7FE00010': { offset: 1000, length: 512 * 512 * 2 } },
    pixel: null,
  };
}

/** A QIDO query from PS3.18-style keys, parsed with each attribute's VR. */
export function qido(
  level: QidoQuery['level'],
  keys: Record<string, [Vr, string]> = {},
  options: Partial<Omit<QidoQuery, 'level' | 'filters'>> = {},
): QidoQuery {
  const filters: QueryFilter[] = Object.entries(keys).map(([tag, [vr, raw]]) => ({ tag, key: parseMatchKey(vr, raw) }));
  return {
    tenant: TENANT_A,
    level,
    filters,
    fuzzy: false,
    includeFields: [],
    limit: 100,
    offset: 0,
    ...options,
  };
}

/** The first value of an attribute in a QIDO match. */
export function value(match: DicomJsonDataset, tag: Tag): unknown {
  return match[tag]?.Value?.[0];
}

/** The StudyInstanceUIDs of a study-level result, in order. */
export function studyUids(matches: readonly DicomJsonDataset[]): unknown[] {
  return matches.map((m) => value(m, '0020000D'));
}
