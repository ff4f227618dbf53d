import { pixelDescriptionOf } from '../../codecs/pixel-description.js';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { TenantId } from '../../storage/ids.js';
import type { IndexStore, InstanceRecord } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { parseFrameList } from '../wado/frames.js';
import { scopeOf, type WadoParams } from '../wado/params.js';

/** A stored instance with its DICOM JSON: what rendering reads. */
export interface RenderSource {
  readonly record: InstanceRecord;
  readonly dataset: DicomJsonDataset;
}

/** One frame (1-based) of an instance, to be rendered. */
export interface RenderItem extends RenderSource {
  readonly frame: number;
}

/** Instances of the request's scope with their data sets, in series and instance order; 404 when none. */
export function sourcesOf(index: IndexStore, tenant: TenantId, params: WadoParams): RenderSource[] {
  const scope = scopeOf(params);
  const records = index.listInstances(tenant, scope);
  if (records.length === 0) throw errors.notFound('');
  const jsons = index.listMetadataJson(tenant, scope);
  return records.map((record, i) => ({ record, dataset: JSON.parse(jsons[i] ?? '{}') as DicomJsonDataset }));
}

/** Whether the instance has frames to render: pixel data and an image pixel module. */
export function hasFrames(source: RenderSource): boolean {
  return source.record.pixel !== null && pixelDescriptionOf(source.dataset) !== undefined;
}

export function frameCount(record: InstanceRecord): number {
  return record.pixel?.numberOfFrames ?? 0;
}

/** The frames named by a /frames/{list} path, checked to exist (404 otherwise, as WADO-RS frames answer). */
export function requestedFrames(source: RenderSource, list: string): number[] {
  const numbers = parseFrameList(list);
  const count = frameCount(source.record);
  const missing = numbers.find((n) => n > count);
  if (missing !== undefined) throw errors.notFound(`frame ${missing} does not exist (the instance has ${count})`);
  return numbers;
}

/** The middle element (the earlier of two): a series' representative instance, a multi-frame instance's frame. */
export function middle<T>(list: readonly T[]): T | undefined {
  return list[Math.floor((list.length - 1) / 2)];
}

/**
 * The thumbnail's frame (PS3.18 10.4.1.1.4 leaves the choice to the origin
 * server): for a study, its first series that has images; for a series, its
 * middle image instance; for an instance, its middle frame; for a frame list,
 * its middle frame. Undefined when nothing in scope has pixels.
 */
export function representative(index: IndexStore, tenant: TenantId, params: WadoParams): RenderItem | undefined {
  const records = index.listInstances(tenant, scopeOf(params));
  if (records.length === 0) throw errors.notFound('');
  const withPixels = records.filter((r) => r.pixel !== null);
  const firstSeries = withPixels[0]?.seriesUid;
  const record = middle(withPixels.filter((r) => r.seriesUid === firstSeries));
  if (!record) return undefined;
  const [json] = index.listMetadataJson(tenant, { studyUid: record.studyUid, seriesUid: record.seriesUid, sopInstanceUid: record.sopInstanceUid });
  const source = { record, dataset: JSON.parse(json ?? '{}') as DicomJsonDataset };
  if (!hasFrames(source)) return undefined;
  const frames = params.frames !== undefined
    ? requestedFrames(source, params.frames)
    : Array.from({ length: frameCount(record) }, (_, i) => i + 1);
  return { ...source, frame: middle(frames)! };
}
