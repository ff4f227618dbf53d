import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore } from '../../storage/blob-store.js';
import type { FrameCache } from '../../storage/frame-cache.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { scopeOf, type WadoParams } from './params.js';

export interface DeleteDeps {
  index: IndexStore;
  blobs: BlobStore;
  frameCache: FrameCache;
}

/**
 * DELETE of a study, series or instance (admin role; not a PS3.18 transaction).
 * The index deletion commits first and durably, so clients never see a half
 * deleted study; the files and cached frames go after it (a crash in between
 * leaves only unreferenced files).
 */
export function deleteHandler(deps: DeleteDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const removed = deps.index.deleteInstances(request.tenant, scopeOf(request.params));
    if (removed.length === 0) throw errors.notFound('');
    await deps.index.durable();
    await Promise.all(
      removed.flatMap((blob) => [deps.blobs.remove({ tenant: request.tenant, ...blob }), deps.frameCache.removeInstance(request.tenant, blob.sha256)]),
    );
    request.log.info({ instances: removed.length, principal: request.principal?.id }, 'deleted');
    return reply.code(204).send();
  };
}
