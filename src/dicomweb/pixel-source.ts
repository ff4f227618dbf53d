import type { NativeFrame } from '../codecs/codec.js';
import type { TenantId } from '../storage/ids.js';
import type { InstanceRecord } from '../storage/index-store.js';

/**
 * Decoded frames of stored instances: what the rendered plugin needs of the
 * FrameService (which decodes through the codec pool and the frame cache), so
 * rendering never touches a codec or a stored file directly.
 */
export interface PixelSource {
  /** Frame `frame` (1-based) of the instance, decoded to native form with its pixel description. */
  nativeFrame(tenant: TenantId, record: InstanceRecord, frame: number): Promise<NativeFrame>;
}
