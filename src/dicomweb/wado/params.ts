/** Path parameters of WADO-RS resources (PS3.18 10.4.1). */
export interface WadoParams {
  study: string;
  series?: string;
  instance?: string;
  frames?: string;
  '*'?: string;
}

const UID_PARAM = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)*$', maxLength: 64 } as const;

export const wadoParamsSchema = {
  params: {
    type: 'object',
    properties: { study: UID_PARAM, series: UID_PARAM, instance: UID_PARAM },
  },
} as const;

export function scopeOf(params: WadoParams) {
  return { studyUid: params.study, seriesUid: params.series, sopInstanceUid: params.instance };
}
