import type { FastifyInstance } from 'fastify';
import type { AtriumConfig } from '../../config.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { FrameCache } from '../../storage/frame-cache.js';
import type { IndexStore } from '../../storage/index-store.js';
import type { FrameService } from '../frame-service.js';
import { bulkDataHandler } from './bulkdata.js';
import { deleteHandler } from './delete.js';
import { framesHandler } from './frames.js';
import { metadataHandler } from './metadata.js';
import { wadoParamsSchema, type WadoParams } from './params.js';
import { retrieveHandler } from './retrieve.js';

export interface WadoDeps {
  config: AtriumConfig;
  index: IndexStore;
  blobs: BlobStore;
  frames: FrameService;
  frameCache: FrameCache;
}

const STUDY = '/studies/:study';
const SERIES = `${STUDY}/series/:series`;
const INSTANCE = `${SERIES}/instances/:instance`;

/** WADO-RS (PS3.18 10.4): instances, metadata, frames and bulk data; and DELETE of the same resources. */
export async function wadoPlugin(app: FastifyInstance, deps: WadoDeps): Promise<void> {
  const route = { schema: wadoParamsSchema, config: { audit: 'retrieve' as const } };
  const deleteRoute = { schema: wadoParamsSchema, config: { audit: 'delete' as const } };
  const retrieve = retrieveHandler(deps);
  const metadata = metadataHandler(deps);
  const remove = deleteHandler(deps);
  for (const path of [STUDY, SERIES, INSTANCE]) {
    app.get<{ Params: WadoParams }>(path, route, retrieve);
    app.delete<{ Params: WadoParams }>(path, deleteRoute, remove);
    app.get<{ Params: WadoParams }>(`${path}/metadata`, route, metadata);
  }
  app.get<{ Params: WadoParams }>(`${INSTANCE}/frames/:frames`, route, framesHandler(deps));
  app.get<{ Params: WadoParams }>(`${INSTANCE}/bulkdata/*`, route, bulkDataHandler(deps));
}
