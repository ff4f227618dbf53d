import type { BlobRef } from '../../storage/blob-store.js';
import type { TenantId } from '../../storage/ids.js';
import type { InstanceRecord } from '../../storage/index-store.js';
import { UID_PARAM } from '../uid-param.js';

/** Path parameters of WADO-RS resources (PS3.18 10.4.1). */
export interface WadoParams {
  study: string;
  series?: string;
  instance?: string;
  frames?: string;
  '*'?: string;
}


export const wadoParamsSchema = {
  params: {
    type: 'object',
    properties: { study: UID_PARAM, series: UID_PARAM, instance: UID_PARAM },
  },
} as const;

/** The blob holding a stored instance. */
export function blobOf(tenant: TenantId, record: InstanceRecord): BlobRef {
  return { tenant, studyUid: record.studyUid, sha256: record.sha256 };
}

export function scopeOf(params: WadoParams) {
  return { studyUid: params.study, seriesUid: params.series, sopInstanceUid: params.instance };
}
