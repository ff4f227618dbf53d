import type { FastifyReply, FastifyRequest } from 'fastify';
import { pixelDescriptionOf } from '../../codecs/pixel-description.js';
import { encodeAnimation, encodeImage, type RenderedImageType } from '../../codecs/render/encode-image.js';
import { frameDelayMs } from '../../codecs/render/frame-delay.js';
import { planViewport } from '../../codecs/render/viewport.js';
import type { AtriumConfig } from '../../config.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { formatMediaType } from '../http/media-type.js';
import { dicomwebRoot, instanceUrl } from '../urls.js';
import type { MultipartWriterPart } from '../http/multipart-writer.js';
import type { WadoParams } from '../wado/params.js';
import { sendMultipart } from '../wado/streaming.js';
import { documentBytes, isEncapsulatedPdf } from './encapsulated-document.js';
import { negotiatePdf, negotiateRendered, type RenderedRepresentation } from './media.js';
import { parseRenderedQuery, type RawQuery, type RenderedQuery } from './params.js';
import { renderStoredFrame, type LutCache, type StoredFrameDeps } from './stored-frame.js';
import { frameCount, hasFrames, requestedFrames, sourcesOf, type RenderItem, type RenderSource } from './targets.js';
import { warningHeader } from './warning.js';

export interface RenderedDeps extends StoredFrameDeps {
  config: AtriumConfig;
  index: IndexStore;
}

const allFrames = (source: RenderSource): RenderItem[] =>
  Array.from({ length: frameCount(source.record) }, (_, i) => ({ ...source, frame: i + 1 }));

/** Why an object has no rendered image: the 406 PS3.18 8.7.8 gives when no acceptable type can be produced. */
function noImage(source: RenderSource): Error {
  return errors.notAcceptable(
    `instance ${source.record.sopInstanceUid} (SOP Class ${source.record.sopClassUid}) has no pixel data to render; ` +
      'rendered representations exist for images and, as application/pdf, for Encapsulated PDF',
  );
}

/**
 * Retrieve Rendered (PS3.18 10.4.1.1.3): the frames of a study, series,
 * instance or frame list as consumer images, through the image's own Modality
 * and VOI LUTs unless a window is asked for, cropped and scaled to the
 * viewport. An Encapsulated PDF instance renders as its document.
 */
export function renderedHandler(deps: RenderedDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const query = parseRenderedQuery(request.query as RawQuery);
    const accept = query.accept ?? request.headers.accept;
    const sources = sourcesOf(deps.index, request.tenant, request.params);
    reply.header('Vary', 'Accept');
    if (query.notApplied.length > 0) reply.header('Warning', warningHeader(query.notApplied));

    let items: RenderItem[];
    let rep: RenderedRepresentation;
    if (request.params.instance !== undefined) {
      const source = sources[0]!;
      if (request.params.frames === undefined && isEncapsulatedPdf(source)) {
        const mediaType = negotiatePdf(accept);
        return reply.type(mediaType).send(await documentBytes(deps.blobs, request.tenant, source));
      }
      if (!hasFrames(source)) {
        if (request.params.frames !== undefined) throw errors.notFound('the instance has no pixel data');
        throw noImage(source);
      }
      items = request.params.frames === undefined ? allFrames(source) : requestedFrames(source, request.params.frames).map((frame) => ({ ...source, frame }));
      rep = negotiateRendered(accept, items.length === 1 ? 'one-frame' : 'frames-of-one-instance');
    } else {
      const images = sources.filter(hasFrames);
      if (images.length === 0) throw errors.notAcceptable('nothing in this study or series has pixel data to render');
      rep = negotiateRendered(accept, 'instances');
      items = images.flatMap(allFrames);
    }
    return send(deps, request, reply, query, rep, items);
  };
}

async function send(
  deps: RenderedDeps,
  request: FastifyRequest<{ Params: WadoParams }>,
  reply: FastifyReply,
  query: RenderedQuery,
  rep: RenderedRepresentation,
  items: readonly RenderItem[],
): Promise<FastifyReply> {
  const luts: LutCache = new Map();
  const render = (item: RenderItem) => renderStoredFrame(deps, request.tenant, item, query.window, luts);
  const encode = async (item: RenderItem, mediaType: RenderedImageType) => {
    const image = await render(item);
    const plan = planViewport(image.width, image.height, query.viewport);
    return encodeImage(image, plan, { mediaType, quality: query.quality });
  };
  switch (rep.kind) {
    case 'image':
      return reply.type(rep.mediaType).send(await encode(items[0]!, rep.mediaType));
    case 'animation': {
      const { dataset } = items[0]!;
      // Every frame of an instance has its Rows x Columns: the plan is known before any frame is rendered.
      const { columns, rows } = pixelDescriptionOf(dataset)!;
      const frames = (async function* () {
        for (const item of items) yield await render(item);
      })();
      return reply.type(rep.mediaType).send(await encodeAnimation(frames, planViewport(columns, rows, query.viewport), frameDelayMs(dataset)));
    }
    case 'multipart': {
      const root = dicomwebRoot(request, deps.config);
      const part = async (item: RenderItem): Promise<MultipartWriterPart> => ({
        contentType: rep.partType,
        headers: { 'Content-Location': `${instanceUrl(root, item.record.studyUid, item.record.seriesUid, item.record.sopInstanceUid)}/frames/${item.frame}/rendered` },
        body: await encode(item, rep.partType),
      });
      // The first part is made before the status line goes out, so a frame that cannot be rendered is an error status, not a cut body.
      const first = await part(items[0]!);
      const parts = (async function* () {
        // One part ahead: the next frame renders (JavaScript) while sharp encodes this one (its own threads).
        let ahead: Promise<MultipartWriterPart> | undefined;
        try {
          yield first;
          for (let i = 1; i < items.length; i++) {
            const current = ahead ?? part(items[i]!);
            ahead = i + 1 < items.length ? part(items[i + 1]!) : undefined;
            yield await current;
          }
        } finally {
          // A client that went away or a failed part leaves the part ahead unawaited.
          ahead?.catch(() => undefined);
        }
      })();
      return sendMultipart(request, reply, (boundary) => formatMediaType('multipart/related', [['type', rep.partType], ['boundary', boundary]]), parts);
    }
  }
}
