import type { Tag, Vr } from '../../dicom/json-model.js';
import type { QueryLevel } from '../index-store.js';

/**
 * How a filter on the attribute is evaluated:
 * - text: exact (case-sensitive) or wild card (C.2.2.2.1, C.2.2.2.4);
 * - person-name: any component group, case-insensitive, optional fuzzy (C.2.2.2.1.1);
 * - uid: single or list of UID (C.2.2.2.2); date / time: single or range (C.2.2.2.5);
 * - number: single or list; series-modality / instance-sop-class: ModalitiesInStudy and
 *   SOPClassesInStudy, matched against the lower level rows (EXISTS);
 * - none: returned, never matched (computed counts, sequences).
 */
export type MatchStyle =
  | 'text'
  | 'person-name'
  | 'uid'
  | 'date'
  | 'time'
  | 'number'
  | 'series-modality'
  | 'instance-sop-class'
  | 'none';

/** One indexed attribute: the table of what lives in a column. */
export interface AttributeColumn {
  readonly tag: Tag;
  readonly keyword: string;
  readonly vr: Vr;
  readonly level: QueryLevel;
  /** The column in the level's table; for PN the Alphabetic group (see migrations.ts). */
  readonly column: string;
  readonly match: MatchStyle;
  /** Returned without includefield (PS3.18 Table 10.6.3-3). */
  readonly returnedByDefault: boolean;
  /** Maintained by the store (counts, lists), not read from the dataset. */
  readonly computed: boolean;
}

type Row = [tag: Tag, keyword: string, vr: Vr, column: string, match: MatchStyle, byDefault: boolean, computed?: true];

function level(levelName: QueryLevel, rows: Row[]): AttributeColumn[] {
  return rows.map(([tag, keyword, vr, column, match, returnedByDefault, computed]) =>
    Object.freeze({ tag, keyword, vr, level: levelName, column, match, returnedByDefault, computed: computed === true }),
  );
}

export const ATTRIBUTE_COLUMNS: readonly AttributeColumn[] = [
  ...level('study', [
    ['00080020', 'StudyDate', 'DA', 'study_date', 'date', true],
    ['00080030', 'StudyTime', 'TM', 'study_time', 'time', true],
    ['00080050', 'AccessionNumber', 'SH', 'accession_number', 'text', true],
    ['00080061', 'ModalitiesInStudy', 'CS', 'modalities', 'series-modality', true, true],
    ['00080062', 'SOPClassesInStudy', 'UI', 'sop_classes', 'instance-sop-class', false, true],
    ['00080090', 'ReferringPhysicianName', 'PN', 'referring_physician_name', 'person-name', true],
    ['00081030', 'StudyDescription', 'LO', 'study_description', 'text', false],
    ['00100010', 'PatientName', 'PN', 'patient_name', 'person-name', true],
    ['00100020', 'PatientID', 'LO', 'patient_id', 'text', true],
    ['00100030', 'PatientBirthDate', 'DA', 'patient_birth_date', 'date', true],
    ['00100040', 'PatientSex', 'CS', 'patient_sex', 'text', true],
    ['0020000D', 'StudyInstanceUID', 'UI', 'study_uid', 'uid', true],
    ['00200010', 'StudyID', 'SH', 'study_id', 'text', true],
    ['00201206', 'NumberOfStudyRelatedSeries', 'IS', 'num_series', 'none', true, true],
    ['00201208', 'NumberOfStudyRelatedInstances', 'IS', 'num_instances', 'none', true, true],
  ]),
  ...level('series', [
    ['00080021', 'SeriesDate', 'DA', 'series_date', 'date', false],
    ['00080031', 'SeriesTime', 'TM', 'series_time', 'time', false],
    ['00080060', 'Modality', 'CS', 'modality', 'text', true],
    ['00080080', 'InstitutionName', 'LO', 'institution_name', 'text', false],
    ['0008103E', 'SeriesDescription', 'LO', 'series_description', 'text', true],
    ['00180015', 'BodyPartExamined', 'CS', 'body_part_examined', 'text', false],
    ['0020000E', 'SeriesInstanceUID', 'UI', 'series_uid', 'uid', true],
    ['00200011', 'SeriesNumber', 'IS', 'series_number', 'number', true],
    ['00201209', 'NumberOfSeriesRelatedInstances', 'IS', 'num_instances', 'none', true, true],
    ['00400244', 'PerformedProcedureStepStartDate', 'DA', 'pps_start_date', 'date', true],
    ['00400245', 'PerformedProcedureStepStartTime', 'TM', 'pps_start_time', 'time', true],
    // Only Scheduled Procedure Step ID and Requested Procedure ID are kept (Table 10.6.3-3).
    ['00400275', 'RequestAttributesSequence', 'SQ', 'request_attributes', 'none', true],
  ]),
  ...level('instance', [
    ['00080016', 'SOPClassUID', 'UI', 'sop_class_uid', 'uid', true],
    ['00080018', 'SOPInstanceUID', 'UI', 'sop_instance_uid', 'uid', true],
    ['00200013', 'InstanceNumber', 'IS', 'instance_number', 'number', true],
    ['00280008', 'NumberOfFrames', 'IS', 'number_of_frames', 'number', true],
    ['00280010', 'Rows', 'US', 'rows', 'number', true],
    ['00280011', 'Columns', 'US', 'columns', 'number', true],
    ['00280100', 'BitsAllocated', 'US', 'bits_allocated', 'number', true],
  ]),
];

/**
 * Attributes with one value for the whole server. Values are stored and
 * returned as UTF-8 JSON, hence ISO_IR 192 (PS3.18 F.2: JSON is Unicode).
 */
export const CONSTANT_ATTRIBUTES: ReadonlyArray<{ tag: Tag; vr: Vr; value: string; levels: readonly QueryLevel[] }> = [
  { tag: '00080005', vr: 'CS', value: 'ISO_IR 192', levels: ['study', 'series', 'instance'] },
  // Everything indexed is on disk (PS3.4 C.4.23.1.1); Table 10.6.3-3 lists it for studies and instances.
  { tag: '00080056', vr: 'CS', value: 'ONLINE', levels: ['study', 'instance'] },
];

const BY_TAG = new Map(ATTRIBUTE_COLUMNS.map((a) => [a.tag, a]));

export function findAttribute(tag: Tag): AttributeColumn | undefined {
  return BY_TAG.get(tag.toUpperCase());
}

export function attributesOf(levelName: QueryLevel): AttributeColumn[] {
  return ATTRIBUTE_COLUMNS.filter((a) => a.level === levelName);
}

/** The physical columns behind one attribute (PN has four, TM two). */
export function storageColumns(attribute: AttributeColumn): string[] {
  const c = attribute.column;
  if (attribute.match === 'person-name') return [c, `${c}_ideographic`, `${c}_phonetic`, `${c}_fuzzy`];
  if (attribute.match === 'time') return [c, `${c}_key`];
  return [c];
}

/** Table aliases in queries, also the prefixes of result columns. */
export const ALIAS: Readonly<Record<QueryLevel, 'st' | 'se' | 'i'>> = { study: 'st', series: 'se', instance: 'i' };

/** The columns a result needs to rebuild the attribute (not the match-only `_fuzzy` / `_key` twins). */
export function outputColumns(attribute: AttributeColumn): string[] {
  const c = attribute.column;
  if (attribute.match === 'person-name') return [c, `${c}_ideographic`, `${c}_phonetic`];
  return [c];
}

export const LEVEL_DEPTH: Readonly<Record<QueryLevel, number>> = { study: 0, series: 1, instance: 2 };

/**
 * Top-level attributes returned for includefield=all at study and series
 * level, besides the columns: the Patient and General Study modules (PS3.3
 * C.7.1.1, C.7.2.1, C.7.2.2), resp. General Series and General Equipment
 * (C.7.3.1, C.7.5.1). Read from the representative instance.
 */
export const MODULE_TAGS: Readonly<Record<'study' | 'series', readonly Tag[]>> = {
  study: [
    '00080020', '00080030', '00080050', '00080051', '00080090', '00080096', '00080201', '00081030', '00081032',
    '00081048', '00081049', '00081060', '00081062', '00081080', '00081084', '00100010', '00100020', '00100021',
    '00100022', '00100024', '00100030', '00100032', '00100040', '00101000', '00101001', '00101002', '00101010',
    '00101020', '00101030', '00101040', '00102160', '00102180', '001021B0', '00104000', '00120062', '00120063',
    '0020000D', '00200010', '00321032', '00321033', '00321060', '00401012',
  ],
  series: [
    '00080021', '00080031', '00080060', '00080064', '00080070', '00080080', '00080081', '00081010', '00081040',
    '0008103E', '0008103F', '00081050', '00081052', '00081070', '00081072', '00081090', '00081111', '00180015',
    '00181000', '00181020', '00181030', '00185100', '0020000E', '00200011', '00200052', '00200060', '00400244',
    '00400245', '00400253', '00400254', '00400260', '00400275',
  ],
};
