import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { StoredInstanceRef } from '../../storage/ingest.js';
import type { StoreFailure } from '../../storage/store-failure.js';
import { instanceUrl, studyUrl } from '../urls.js';

/** One part's result, in request order. */
export type PartResult = { ok: true; ref: StoredInstanceRef } | { ok: false; failure: StoreFailure };

/**
 * PS3.18 10.5.3: 200 when every instance was stored, 409 when none was, and
 * 202 when some were stored and others failed.
 */
export function storeStatus(results: readonly PartResult[]): 200 | 202 | 409 {
  const stored = results.filter((r) => r.ok).length;
  if (stored === 0) return 409;
  return stored === results.length ? 200 : 202;
}

function uiValue(value: string | undefined) {
  return value === undefined ? { vr: 'UI' as const } : { vr: 'UI' as const, Value: [value] };
}

/** The Store Instances Response Module (PS3.18 Table 10.5.3-2) as DICOM JSON. */
export function storeResponse(results: readonly PartResult[], root: string): DicomJsonDataset {
  const referenced: DicomJsonDataset[] = [];
  const failed: DicomJsonDataset[] = [];
  const studies = new Set<string>();
  for (const result of results) {
    if (result.ok) {
      const { ref } = result;
      studies.add(ref.studyUid);
      referenced.push({
        '00081150': uiValue(ref.sopClassUid),
        '00081155': uiValue(ref.sopInstanceUid),
        '00081190': { vr: 'UR', Value: [instanceUrl(root, ref.studyUid, ref.seriesUid, ref.sopInstanceUid)] },
      });
    } else {
      const { failure } = result;
      failed.push({
        // ErrorComment (0000,0902) carries the reason in words, as DIMSE does.
        '00000902': { vr: 'LO', Value: [failure.message.slice(0, 64)] },
        '00081150': uiValue(failure.sopClassUid),
        '00081155': uiValue(failure.sopInstanceUid),
        '00081197': { vr: 'US', Value: [failure.reason] },
      });
    }
  }
  const response: DicomJsonDataset = {};
  if (studies.size === 1) response['00081190'] = { vr: 'UR', Value: [studyUrl(root, [...studies][0]!)] };
  if (failed.length > 0) response['00081198'] = { vr: 'SQ', Value: failed };
  response['00081199'] = referenced.length > 0 ? { vr: 'SQ', Value: referenced } : { vr: 'SQ' };
  return response;
}
