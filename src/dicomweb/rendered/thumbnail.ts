import type { FastifyReply, FastifyRequest } from 'fastify';
import { encodeImage } from '../../codecs/render/encode-image.js';
import { planViewport } from '../../codecs/render/viewport.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import type { WadoParams } from '../wado/params.js';
import { negotiateThumbnail } from './media.js';
import { parseThumbnailQuery, type RawQuery } from './params.js';
import { renderStoredFrame, type StoredFrameDeps } from './stored-frame.js';
import { representative } from './targets.js';

export interface ThumbnailDeps extends StoredFrameDeps {
  index: IndexStore;
}

/** Without a viewport a thumbnail fits in this box (smaller images keep their size). */
export const THUMBNAIL_BOX = { width: 128, height: 128 } as const;
/**
 * Thumbnails are PHI behind credentials, so `private`; an hour, because a
 * series' representative instance changes only when instances are added or removed.
 */
const CACHE_CONTROL = 'private, max-age=3600';

/**
 * Thumbnail (PS3.18 10.4.1.1.4): one small image representative of a study,
 * series, instance or frame, rendered with the image's own window.
 */
export function thumbnailHandler(deps: ThumbnailDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const query = parseThumbnailQuery(request.query as RawQuery);
    const mediaType = negotiateThumbnail(query.accept ?? request.headers.accept);
    const item = representative(deps.index, request.tenant, request.params);
    if (!item) throw errors.notFound('nothing here has pixel data to make a thumbnail of');
    const image = await renderStoredFrame(deps, request.tenant, item, undefined);
    const plan = planViewport(image.width, image.height, query.viewport, THUMBNAIL_BOX);
    const body = await encodeImage(image, plan, { mediaType });
    return reply.header('Cache-Control', CACHE_CONTROL).header('Vary', 'Accept').type(mediaType).send(body);
  };
}
