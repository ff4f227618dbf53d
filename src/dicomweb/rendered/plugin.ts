import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RenderError } from '../../codecs/render/display-image.js';
import type { AtriumConfig } from '../../config.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import type { PixelSource } from '../pixel-source.js';
import { wadoParamsSchema, type WadoParams } from '../wado/params.js';
import { renderedHandler } from './rendered.js';
import { thumbnailHandler } from './thumbnail.js';

export interface RenderedPluginDeps {
  config: AtriumConfig;
  index: IndexStore;
  blobs: BlobStore;
  pixels: PixelSource;
}

const STUDY = '/studies/:study';
const SERIES = `${STUDY}/series/:series`;
const INSTANCE = `${SERIES}/instances/:instance`;
const FRAMES = `${INSTANCE}/frames/:frames`;

type Handler = (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => Promise<FastifyReply>;

/** Rendering failures as HTTP: a viewport outside the image is the client's (400), an image that cannot be displayed a 406. */
function withRenderErrors(handler: Handler): Handler {
  return async (request, reply) => {
    try {
      return await handler(request, reply);
    } catch (err) {
      if (!(err instanceof RenderError)) throw err;
      if (err.reason === 'viewport') throw errors.badQuery(`viewport: ${err.message}`);
      throw errors.notAcceptable(`the image cannot be rendered: ${err.message}`);
    }
  };
}

/** Rendered resources and thumbnails (PS3.18 10.4.1.1.3, 10.4.1.1.4) at every level. */
export async function renderedPlugin(app: FastifyInstance, deps: RenderedPluginDeps): Promise<void> {
  const route = { schema: wadoParamsSchema, config: { audit: 'retrieve' as const } };
  const rendered = withRenderErrors(renderedHandler(deps));
  const thumbnail = withRenderErrors(thumbnailHandler(deps));
  for (const path of [STUDY, SERIES, INSTANCE, FRAMES]) {
    app.get<{ Params: WadoParams }>(`${path}/rendered`, route, rendered);
    app.get<{ Params: WadoParams }>(`${path}/thumbnail`, route, thumbnail);
  }
}
