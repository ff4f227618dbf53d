import type { DisplayImage } from '../../codecs/render/display-image.js';
import { bulkLutPaths } from '../../codecs/render/lookup-table.js';
import { renderFrame } from '../../codecs/render/render-frame.js';
import type { VoiWindow } from '../../codecs/render/voi-lut.js';
import { ExplicitVRBigEndian } from '../../dicom/transfer-syntax.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { swapToLittleEndian } from '../../storage/frame-reader.js';
import type { TenantId } from '../../storage/ids.js';
import type { PixelSource } from '../pixel-source.js';
import { blobOf } from '../wado/params.js';
import type { RenderItem } from './targets.js';

export interface StoredFrameDeps {
  blobs: BlobStore;
  pixels: PixelSource;
}

/** LUT data already read in this request, by content hash and tag path (every frame of an instance shares them). */
export type LutCache = Map<string, Promise<Uint8Array>>;

/**
 * Renders one stored frame: decoded through the PixelSource, with the LUT
 * data its JSON only references read from the stored file at the byte ranges
 * recorded at ingest, as bulk data retrieval reads them.
 */
export async function renderStoredFrame(
  deps: StoredFrameDeps,
  tenant: TenantId,
  item: RenderItem,
  window: VoiWindow | undefined,
  cache: LutCache = new Map(),
): Promise<DisplayImage> {
  const { record } = item;
  const paths = bulkLutPaths(item.dataset, item.frame);
  const read = (path: string): Promise<Uint8Array> => {
    const key = `${record.sha256}/${path}`;
    let bytes = cache.get(key);
    if (!bytes) {
      const range = record.bulkData[path];
      if (!range) throw new Error(`no byte range was recorded for bulk data ${path}`);
      bytes = deps.blobs.readRange(blobOf(tenant, record), range.offset, range.length).then((data) => {
        // Bulk data ranges are as stored; LUT data is 16-bit words (OW or US).
        if (record.transferSyntaxUid === ExplicitVRBigEndian) swapToLittleEndian(data, 16);
        return data;
      });
      cache.set(key, bytes);
    }
    return bytes;
  };
  const [frame, values] = await Promise.all([
    deps.pixels.nativeFrame(tenant, record, item.frame),
    Promise.all(paths.map(async (path) => [path, await read(path)] as const)),
  ]);
  return renderFrame(frame, item.dataset, { frameNumber: item.frame, window, bulk: new Map(values) });
}
