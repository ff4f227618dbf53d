import {
  DummyDriver,
  Kysely,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type CompiledQuery,
} from 'kysely';

/** The index tables as kysely sees them (DDL in migrations.ts). */
export interface StudiesTable {
  pk: number;
  tenant: string;
  study_uid: string;
  study_date: string | null;
  study_time: string | null;
  study_time_key: string | null;
  accession_number: string | null;
  referring_physician_name: string | null;
  referring_physician_name_ideographic: string | null;
  referring_physician_name_phonetic: string | null;
  referring_physician_name_fuzzy: string | null;
  patient_name: string | null;
  patient_name_ideographic: string | null;
  patient_name_phonetic: string | null;
  patient_name_fuzzy: string | null;
  patient_id: string | null;
  patient_birth_date: string | null;
  patient_sex: string | null;
  study_id: string | null;
  study_description: string | null;
  num_series: number;
  num_instances: number;
  /** Distinct series modalities, sorted, backslash-separated. */
  modalities: string;
  /** Distinct SOP Class UIDs of the instances, sorted, backslash-separated. */
  sop_classes: string;
  created_at: string;
}

export interface SeriesTable {
  pk: number;
  tenant: string;
  study_pk: number;
  series_uid: string;
  modality: string | null;
  series_number: number | null;
  series_description: string | null;
  series_date: string | null;
  series_time: string | null;
  series_time_key: string | null;
  pps_start_date: string | null;
  pps_start_time: string | null;
  pps_start_time_key: string | null;
  body_part_examined: string | null;
  institution_name: string | null;
  /** JSON text of the reduced Request Attributes Sequence items. */
  request_attributes: string | null;
  num_instances: number;
  created_at: string;
}

export interface InstancesTable {
  pk: number;
  tenant: string;
  study_pk: number;
  series_pk: number;
  sop_instance_uid: string;
  sop_class_uid: string;
  instance_number: number | null;
  rows: number | null;
  columns: number | null;
  bits_allocated: number | null;
  number_of_frames: number | null;
  transfer_syntax_uid: string;
  sha256: string;
  size: number;
  /** JSON text of PixelLayout, or NULL. */
  pixel_layout: string | null;
  /** Preamble (and "DICM" and meta) to prepend on retrieval; null for Part 10 files. */
  part10_prefix: Buffer | null;
  /** JSON text of Record<string, ByteRange>. */
  bulk_data: string;
  /** The instance's DICOM JSON text, served as WADO-RS metadata. */
  metadata: string;
  created_at: string;
}

export interface IndexDatabase {
  studies: StudiesTable;
  series: SeriesTable;
  instances: InstancesTable;
}

/**
 * A kysely instance that only builds SQL. IndexStore is synchronous on purpose
 * (better-sqlite3 is), and kysely executes asynchronously, so queries are
 * `.compile()`d here and run by the store's prepared statements. The dummy
 * driver guarantees nothing is ever executed through kysely by mistake.
 */
export function createQueryBuilder(): Kysely<IndexDatabase> {
  return new Kysely<IndexDatabase>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  });
}

export type { CompiledQuery };
