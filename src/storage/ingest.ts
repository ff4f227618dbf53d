import type { Readable } from 'node:stream';
import { rm } from 'node:fs/promises';
import type { DicomJsonDataset } from '../dicom/json-model.js';
import { DicomReadError, readInstance } from '../dicom/instance-reader.js';
import { getTransferSyntax } from '../dicom/transfer-syntax.js';
import { part10Prefix } from '../dicom/file-meta.js';
import type { BlobStore } from './blob-store.js';
import { CommitGroup, CommitQueue } from './commit-queue.js';
import { spoolToTemp, type SpooledFile } from './files/spool.js';
import type { DuplicatePolicy, IndexStore, PutOutcome } from './index-store.js';
import { isUid, type TenantId, type Uid } from './ids.js';
import { FailureReason, StoreFailure } from './store-failure.js';

/** Media Storage Directory Storage: a DICOMDIR is a file-set index, not an instance to archive. */
const DICOMDIR_SOP_CLASS = '1.2.840.10008.1.3.10';

export interface StoredInstanceRef {
  studyUid: Uid;
  seriesUid: Uid;
  sopInstanceUid: Uid;
  sopClassUid: Uid;
  transferSyntaxUid: Uid;
  outcome: 'stored' | 'identical' | 'replaced';
}

/** A spooled part, and the group (its request) whose parts share a commit. */
export type ReceivedPart = SpooledFile & { readonly group: CommitGroup };

export interface IngestOptions {
  inlineBinaryMaxBytes: number;
  duplicatePolicy: DuplicatePolicy;
}

/**
 * The store-instance use case, in two stages so a request's parts pipeline:
 * `receive` spools one part to disk (hashing it) and must finish before the
 * next part of the body is read; `store` then verifies it, waits for its bytes
 * to be synced, moves them unchanged into place and indexes them through the
 * group commit.
 * The index row is written last, so a half-stored instance is never visible;
 * a crash in between leaves only an unreferenced blob.
 */
export class Ingest {
  readonly #commits: CommitQueue;

  constructor(
    index: IndexStore,
    private readonly blobs: BlobStore,
    private readonly options: IngestOptions,
  ) {
    this.#commits = new CommitQueue(index, blobs, options.duplicatePolicy);
  }

  /** A new group for instances that arrive together (the parts of one request). */
  group(): CommitGroup {
    return new CommitGroup();
  }

  /**
   * Stage 1: the part's bytes, spooled (their sync completes in the background).
   * The instance is announced to the group commit as soon as its bytes start
   * arriving, so the earlier parts of its group wait for it and share one flush.
   */
  async receive(body: Readable, group: CommitGroup): Promise<ReceivedPart> {
    this.#commits.expect(group);
    try {
      return { ...(await spoolToTemp(body, this.blobs.tempDir())), group };
    } catch (err) {
      this.#commits.withdraw(group);
      throw err;
    }
  }

  /**
   * Stage 2: stores a received instance, or throws StoreFailure with a PS3.18
   * I.2.2 reason. Every received instance must come through here: it was
   * announced to the group commit.
   */
  async store(tenant: TenantId, spooled: ReceivedPart, expectedStudyUid?: Uid): Promise<StoredInstanceRef> {
    let committing = false;
    try {
      const info = await this.read(spooled);
      const ref = identify(info.dataset, info.meta, info.transferSyntaxUid);
      if (expectedStudyUid !== undefined && ref.studyUid !== expectedStudyUid) {
        throw new StoreFailure(
          FailureReason.DataSetMismatch,
          `StudyInstanceUID ${ref.studyUid} does not match the study in the request path`,
          ref.sopClassUid,
          ref.sopInstanceUid,
        );
      }
      rebaseBulkDataUris(
        info.dataset,
        `studies/${ref.studyUid}/series/${ref.seriesUid}/instances/${ref.sopInstanceUid}/bulkdata/`,
      );
      const blob = { tenant, studyUid: ref.studyUid, sha256: spooled.sha256 };
      await spooled.durable;
      await this.blobs.place(blob, spooled.path);
      committing = true;
      const outcome = await this.#commits.commit(spooled.group, {
        tenant,
        ...ref,
        sha256: spooled.sha256,
        size: spooled.size,
        part10Prefix: part10Prefix(info.fileFormat, ref),
        dataset: info.dataset,
        bulkData: info.bulkData,
        pixel: info.pixel,
      });
      if (outcome.kind === 'stored' || outcome.kind === 'identical') return { ...ref, outcome: outcome.kind };
      if (outcome.kind === 'replaced') {
        await this.blobs.remove({ ...blob, sha256: outcome.previousSha256 });
        return { ...ref, outcome: 'replaced' };
      }
      // Refused: the bytes just placed belong to no index row.
      await this.blobs.remove(blob);
      const [reason, message] = refusal(outcome);
      throw new StoreFailure(reason, message, ref.sopClassUid, ref.sopInstanceUid);
    } catch (err) {
      if (!committing) this.#commits.withdraw(spooled.group);
      await spooled.durable.catch(() => undefined);
      await rm(spooled.path, { force: true }); // still there unless placed
      throw err;
    }
  }

  private async read(spooled: SpooledFile) {
    try {
      return await readInstance(spooled.path, {
        preloaded: spooled,
        bulkDataUri: (tagPath) => tagPath,
        inlineBinaryMaxBytes: this.options.inlineBinaryMaxBytes,
      });
    } catch (err) {
      if (!(err instanceof DicomReadError)) throw err;
      const reason =
        err.reason === 'unsupported-syntax' ? FailureReason.TransferSyntaxNotSupported : FailureReason.CannotUnderstand;
      throw new StoreFailure(reason, err.message);
    }
  }
}

/** The PS3.18 I.2.2 reason and the words for an instance the index refused. */
function refusal(outcome: Extract<PutOutcome, { kind: `rejected-${string}` }>): [number, string] {
  switch (outcome.kind) {
    case 'rejected-duplicate':
      return [FailureReason.DuplicateInstance, 'an instance with this SOP Instance UID and different content is already stored'];
    case 'rejected-quota':
      return [FailureReason.OutOfResources, `the tenant's ${outcome.limit === 'bytes' ? 'storage' : 'instance'} quota is used up`];
    case 'rejected-hierarchy':
      return [FailureReason.DataSetMismatch, 'this SOP Instance UID is already stored under another study or series'];
  }
}

function firstString(dataset: DicomJsonDataset, tag: string): string | undefined {
  const value = dataset[tag]?.Value?.[0];
  return typeof value === 'string' ? value : undefined;
}

/** The identifying attributes every stored instance must carry (PS3.3 C.7.2.1, C.7.3.1, C.12.1). */
function identify(dataset: DicomJsonDataset, meta: DicomJsonDataset, transferSyntaxUid: Uid) {
  // The data set is authoritative; real files often carry a stale meta header,
  // which is kept unchanged with the rest of the bytes.
  const sopClassUid = firstString(dataset, '00080016') ?? firstString(meta, '00020002');
  const sopInstanceUid = firstString(dataset, '00080018') ?? firstString(meta, '00020003');
  const fail = (reason: number, message: string): never => {
    throw new StoreFailure(reason, message, sopClassUid, sopInstanceUid);
  };
  if (!getTransferSyntax(transferSyntaxUid)) {
    fail(FailureReason.TransferSyntaxNotSupported, `unknown transfer syntax ${transferSyntaxUid}`);
  }
  if (sopClassUid === DICOMDIR_SOP_CLASS) {
    fail(FailureReason.SopClassNotSupported, 'a DICOMDIR is a media index, not an instance to store');
  }
  const required: Array<[string, string | undefined]> = [
    ['SOPClassUID', sopClassUid],
    ['SOPInstanceUID', sopInstanceUid],
    ['StudyInstanceUID', firstString(dataset, '0020000D')],
    ['SeriesInstanceUID', firstString(dataset, '0020000E')],
  ];
  for (const [keyword, value] of required) {
    if (value === undefined) fail(FailureReason.DataSetMismatch, `${keyword} is missing`);
    else if (!isUid(value)) fail(FailureReason.DataSetMismatch, `${keyword} is not a valid UID`);
  }
  return {
    sopClassUid: sopClassUid as Uid,
    sopInstanceUid: sopInstanceUid as Uid,
    studyUid: firstString(dataset, '0020000D') as Uid,
    seriesUid: firstString(dataset, '0020000E') as Uid,
    transferSyntaxUid,
  };
}

/** Makes BulkDataURIs (tag paths from the reader) relative to the DICOMweb root. */
function rebaseBulkDataUris(dataset: DicomJsonDataset, prefix: string): void {
  for (const element of Object.values(dataset)) {
    if (element.BulkDataURI !== undefined) element.BulkDataURI = prefix + element.BulkDataURI;
    if (element.vr === 'SQ' && element.Value) {
      // SQ values are always item data sets (PS3.18 F.2.3).
      for (const item of element.Value) rebaseBulkDataUris(item as DicomJsonDataset, prefix);
    }
  }
}
