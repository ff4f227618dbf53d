/**
 * Copies studies from one DICOMweb server to another, through the standard
 * services only (so either side may be atrium, Orthanc, dcm4chee...):
 * QIDO-RS lists the source's instances and what the destination already has,
 * WADO-RS streams each missing instance as stored straight into a STOW-RS
 * batch, and a last QIDO-RS on the destination checks that every source
 * instance arrived. Nothing is kept locally, so a rerun after an interruption
 * resumes: what arrived is found again by QIDO and skipped.
 */
import type { Uid } from '../../storage/ids.js';
import type { DicomwebClient, QueryParams } from './dicomweb-client.js';
import { DicomwebRequestError } from './dicomweb-request-error.js';
import { textValue } from './json-values.js';
import { describeFailure } from './store-result.js';

/** Which studies: these UIDs, or the source's matches for a study-level query. */
export type CopyScope = { readonly studies: readonly Uid[] } | { readonly query: QueryParams };

export interface CopyOptions {
  /** Instances per STOW-RS request. */
  readonly batchSize: number;
  /** STOW-RS requests in flight at once. */
  readonly concurrency: number;
  readonly onProgress?: (progress: CopyProgress) => void;
}

export interface CopyProgress {
  readonly phase: 'listing' | 'copying' | 'verifying';
  /** Studies listed or verified, or instances sent. */
  readonly done: number;
  readonly total: number;
}

export interface InstanceRef {
  readonly study: Uid;
  readonly series: Uid;
  readonly sopInstance: Uid;
}

export interface CopyReport {
  readonly studies: number;
  /** Instances of the scope on the source. */
  readonly instances: number;
  /** On the destination before the copy started: not sent again. */
  readonly alreadyPresent: number;
  /** Acknowledged by the destination in this run. */
  readonly copied: number;
  /** Instances refused by the destination, or lost with a request that failed. */
  readonly failed: ReadonlyArray<{ readonly instance: InstanceRef; readonly reason: string }>;
  /** Requested studies the source has no instances of. */
  readonly notOnSource: readonly Uid[];
  /** Source instances the destination does not list after the copy (verification). */
  readonly missingAfter: readonly InstanceRef[];
  /** The request that failed as a whole and stopped the copy (unreachable, refused credentials...). */
  readonly stoppedBy: DicomwebRequestError | undefined;
}

const SOP_INSTANCE_UID = '00080018';
const SERIES_INSTANCE_UID = '0020000E';
const STUDY_INSTANCE_UID = '0020000D';

export async function copyStudies(
  source: DicomwebClient,
  destination: DicomwebClient,
  scope: CopyScope,
  options: CopyOptions,
): Promise<CopyReport> {
  const progress = options.onProgress ?? (() => undefined);
  const studies = 'studies' in scope ? [...new Set(scope.studies)] : await studiesMatching(source, scope.query);
  const plan = await planCopy(source, destination, studies, progress);
  const sent = await copyInstances(source, destination, plan.missing, options, progress);
  const missingAfter = sent.stoppedBy === undefined ? await verifyCopy(destination, plan.wanted, progress) : [];
  return {
    studies: studies.length,
    instances: plan.instances,
    alreadyPresent: plan.instances - plan.missing.length,
    copied: sent.copied,
    failed: sent.failed,
    notOnSource: plan.notOnSource,
    missingAfter,
    stoppedBy: sent.stoppedBy,
  };
}

type Progressed = (progress: CopyProgress) => void;

/** Each study's instances on the source, and those the destination does not list yet. */
async function planCopy(source: DicomwebClient, destination: DicomwebClient, studies: readonly Uid[], progress: Progressed) {
  const wanted = new Map<Uid, InstanceRef[]>();
  const missing: InstanceRef[] = [];
  const notOnSource: Uid[] = [];
  for (const [i, study] of studies.entries()) {
    progress({ phase: 'listing', done: i, total: studies.length });
    const onSource = await instancesOf(source, study);
    if (onSource.length === 0) notOnSource.push(study);
    const present = new Set((await instancesOf(destination, study)).map((r) => r.sopInstance));
    wanted.set(study, onSource);
    missing.push(...onSource.filter((r) => !present.has(r.sopInstance)));
  }
  progress({ phase: 'listing', done: studies.length, total: studies.length });
  const instances = [...wanted.values()].reduce((n, refs) => n + refs.length, 0);
  return { wanted, missing, notOnSource, instances };
}

/**
 * Streams the instances from source to destination, a batch per STOW-RS
 * request, a few requests in flight. The first request failing as a whole
 * (network, credentials, a source instance gone) stops new ones.
 */
async function copyInstances(source: DicomwebClient, destination: DicomwebClient, missing: readonly InstanceRef[], options: CopyOptions, progress: Progressed) {
  const failed: Array<{ instance: InstanceRef; reason: string }> = [];
  let copied = 0;
  let sent = 0;
  let stoppedBy: DicomwebRequestError | undefined;
  const copyBatch = async (batch: readonly InstanceRef[]): Promise<void> => {
    try {
      const result = await destination.store(batch.map((r) => ({ body: source.retrieveInstance(r.study, r.series, r.sopInstance) })));
      const stored = new Set(result.stored.map((s) => s.sopInstanceUid));
      const refusals = new Map(result.failed.map((f) => [f.sopInstanceUid, describeFailure(f)]));
      for (const instance of batch) {
        if (stored.has(instance.sopInstance)) copied++;
        else failed.push({ instance, reason: refusals.get(instance.sopInstance) ?? 'not acknowledged by the destination' });
      }
    } catch (err) {
      if (!(err instanceof DicomwebRequestError)) throw err;
      stoppedBy ??= err;
      for (const instance of batch) failed.push({ instance, reason: err.message });
    }
    sent += batch.length;
    progress({ phase: 'copying', done: sent, total: missing.length });
  };
  progress({ phase: 'copying', done: 0, total: missing.length });
  let next = 0;
  const lane = async (): Promise<void> => {
    while (stoppedBy === undefined && next < missing.length) {
      const batch = missing.slice(next, (next += options.batchSize));
      await copyBatch(batch);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return { copied, failed, stoppedBy };
}

/** Source instances the destination does not list after the copy. */
async function verifyCopy(destination: DicomwebClient, wanted: ReadonlyMap<Uid, readonly InstanceRef[]>, progress: Progressed): Promise<InstanceRef[]> {
  const missingAfter: InstanceRef[] = [];
  let verified = 0;
  for (const [study, refs] of wanted) {
    progress({ phase: 'verifying', done: verified++, total: wanted.size });
    const arrived = new Set((await instancesOf(destination, study)).map((r) => r.sopInstance));
    missingAfter.push(...refs.filter((r) => !arrived.has(r.sopInstance)));
  }
  progress({ phase: 'verifying', done: wanted.size, total: wanted.size });
  return missingAfter;
}

async function studiesMatching(source: DicomwebClient, query: QueryParams): Promise<Uid[]> {
  const studies: Uid[] = [];
  for await (const match of source.search('studies', {}, query)) {
    const uid = textValue(match, STUDY_INSTANCE_UID);
    if (uid !== undefined) studies.push(uid);
  }
  return studies;
}

/**
 * The instances of a study, by instance-level QIDO-RS (SeriesInstanceUID is
 * among its default return keys, PS3.18 Table 10.6.3-5; asked for anyway).
 * Some servers answer 404 for a study they do not have: that is none.
 */
async function instancesOf(client: DicomwebClient, study: Uid): Promise<InstanceRef[]> {
  const refs: InstanceRef[] = [];
  try {
    for await (const match of client.search('instances', { study }, { includefield: SERIES_INSTANCE_UID })) {
      const series = textValue(match, SERIES_INSTANCE_UID);
      const sopInstance = textValue(match, SOP_INSTANCE_UID);
      if (series !== undefined && sopInstance !== undefined) refs.push({ study, series, sopInstance });
    }
  } catch (err) {
    if (!(err instanceof DicomwebRequestError && err.status === 404)) throw err;
  }
  return refs;
}
