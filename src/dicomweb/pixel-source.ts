import type { NativeFrame } from '../codecs/codec.js';
import type { TenantId } from '../storage/ids.js';
import type { InstanceRecord } from '../storage/index-store.js';

/**
 * Frames of stored instances, decoded or transcoded through the codec pool
 * and the frame cache. Route plugins (frames, rendered, retrieve) use this and
 * never a codec directly.
 */
export interface PixelSource {
  /** Frame `frame` (1-based) of the instance, decoded to native form with its pixel description. */
  nativeFrame(tenant: TenantId, record: InstanceRecord, frame: number): Promise<NativeFrame>;
}
