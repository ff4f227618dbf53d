import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { Uid } from '../../storage/ids.js';
import { numberValue, sequenceItems, textValue } from './json-values.js';

/** An instance the server acknowledged (an item of Referenced SOP Sequence, PS3.18 Table 10.5.3-3). */
export interface StoredInstance {
  readonly sopInstanceUid: Uid;
}

/** An instance the server refused (an item of Failed SOP Sequence, PS3.18 Table 10.5.3-4). */
export interface FailedInstance {
  /** Absent when the server could not read the instance far enough to know it. */
  readonly sopInstanceUid: Uid | undefined;
  /** Failure Reason (0008,1197), PS3.18 Table I.2-2 (e.g. 0xA900, 0xC000). */
  readonly reason: number | undefined;
  /** Error Comment (0000,0902), when the server gives one. */
  readonly comment: string | undefined;
}

/** The Store Instances Response (PS3.18 10.5.3): 200 all stored, 202 some, 409 none. */
export interface StoreResult {
  readonly status: number;
  readonly stored: readonly StoredInstance[];
  readonly failed: readonly FailedInstance[];
}

/** Reads a Store Instances Response in the DICOM JSON model. */
export function parseStoreResponse(status: number, response: DicomJsonDataset): StoreResult {
  const stored = sequenceItems(response, '00081199').flatMap((item): StoredInstance[] => {
    const sopInstanceUid = textValue(item, '00081155');
    return sopInstanceUid === undefined ? [] : [{ sopInstanceUid }];
  });
  const failed = sequenceItems(response, '00081198').map((item): FailedInstance => ({
    sopInstanceUid: textValue(item, '00081155'),
    reason: numberValue(item, '00081197'),
    comment: textValue(item, '00000902'),
  }));
  return { status, stored, failed };
}

/** "0xA900 this SOP Instance UID is already stored…": a failure in words, for people. */
export function describeFailure(failure: FailedInstance): string {
  const code = failure.reason === undefined ? 'failed' : `0x${failure.reason.toString(16).toUpperCase().padStart(4, '0')}`;
  return failure.comment ? `${code} ${failure.comment}` : code;
}
