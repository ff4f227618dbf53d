import type { DicomJsonDataset, Tag } from '../dicom/json-model.js';
import type { ByteRange, PixelLayout } from '../dicom/pixel-layout.js';
import type { MatchKey } from '../dicom/match-key.js';
import type { TenantId, Uid } from './ids.js';

/** A stored instance as WADO-RS reads it back: where its bytes are and how they are laid out. */
export interface InstanceRecord {
  studyUid: Uid;
  seriesUid: Uid;
  sopInstanceUid: Uid;
  sopClassUid: Uid;
  transferSyntaxUid: Uid;
  /** SHA-256 of the stored bytes, lower-case hex; with tenant and study, the blob's name. */
  sha256: string;
  size: number;
  /**
   * Bytes that, prepended to the stored file, make it valid Part 10 (PS3.10 7.1):
   * null when it already is; a preamble, or a preamble + "DICM" + File Meta
   * Information, for files received without them. The stored bytes stay as received.
   */
  part10Prefix: Buffer | null;
  /** Byte ranges of every element given a BulkDataURI, keyed by the URI's tag path. */
  bulkData: Record<string, ByteRange>;
  pixel: PixelLayout | null;
}

/** What ingest hands the index for one stored Part 10 file. */
export interface NewInstance extends InstanceRecord {
  tenant: TenantId;
  /** The instance as DICOM JSON (no group 0002); BulkDataURIs relative to the DICOMweb root. */
  dataset: DicomJsonDataset;
}

export type PutOutcome =
  /** A new instance was indexed. */
  | { kind: 'stored' }
  /** The same SOP Instance UID with the same bytes was already there: nothing changed. */
  | { kind: 'identical' }
  /** The same SOP Instance UID with other bytes: the policy decided. */
  | { kind: 'replaced'; previousSha256: string }
  | { kind: 'rejected-duplicate'; existingSha256: string }
  /** The SOP Instance UID exists under another study or series: never moved silently. */
  | { kind: 'rejected-hierarchy'; existingStudyUid: Uid; existingSeriesUid: Uid }
  /** Storing it would pass the tenant's quota. */
  | { kind: 'rejected-quota'; limit: 'bytes' | 'instances' };

export type DuplicatePolicy = 'reject' | 'replace';

export type QueryLevel = 'study' | 'series' | 'instance';

/** One matching key from a QIDO-RS query, already parsed per PS3.4 C.2.2.2. */
export interface QueryFilter {
  tag: Tag;
  key: MatchKey;
}

export interface QidoQuery {
  tenant: TenantId;
  level: QueryLevel;
  /** Path scope: /studies/{s}/series, /studies/{s}/series/{se}/instances, ... */
  studyUid?: Uid;
  seriesUid?: Uid;
  filters: QueryFilter[];
  /** fuzzymatching=true: PN keys match case-insensitively by component prefix. */
  fuzzy: boolean;
  /** Extra attributes to return beyond the level's defaults; 'all' = every attribute of the level. */
  includeFields: Tag[] | 'all';
  limit: number;
  offset: number;
}

export interface QidoResult {
  /** One DICOM JSON dataset per match, RetrieveURL not yet set (HTTP adds it). */
  matches: DicomJsonDataset[];
  /** True when more matches exist past offset+limit. */
  truncated: boolean;
  /** Keys that the store cannot match on; the HTTP layer reports them in a Warning. */
  unsupportedKeys: Tag[];
}

/**
 * The index: every row is scoped by tenant, and no method can reach across
 * tenants. SQLite implements it now; PostgreSQL later with the same shape.
 */
export interface IndexStore {
  /**
   * Indexes one instance atomically: study, series and computed attributes stay
   * consistent. Committed (visible) at once; on stable storage after `durable()`.
   */
  putInstance(instance: NewInstance, policy: DuplicatePolicy): PutOutcome;
  /** Several puts in one transaction (one fsync); outcomes in input order. */
  putInstances(instances: readonly NewInstance[], policy: DuplicatePolicy): PutOutcome[];
  /** Resolves once every committed write is on stable storage (survives power loss). */
  durable(): Promise<void>;
  query(q: QidoQuery): QidoResult;
  /** Instances of a study, series or single instance, in series/instance order. Empty when none. */
  listInstances(tenant: TenantId, scope: { studyUid: Uid; seriesUid?: Uid; sopInstanceUid?: Uid }): InstanceRecord[];
  /**
   * Stored DICOM JSON of the same scope, in the same order, as JSON text (one
   * object per instance) so WADO metadata streams without re-serialising.
   */
  listMetadataJson(tenant: TenantId, scope: { studyUid: Uid; seriesUid?: Uid; sopInstanceUid?: Uid }): string[];
  /**
   * Deletes a study, series or instance atomically, computed attributes kept
   * right. Returns the blobs to remove (after `durable()`); empty when none matched.
   */
  deleteInstances(tenant: TenantId, scope: { studyUid: Uid; seriesUid?: Uid; sopInstanceUid?: Uid }): Array<{ studyUid: Uid; sha256: string }>;
  close(): void;
}
