import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore } from '../../storage/blob-store.js';
import { checkFrameNumbers, FrameRangeError, readFrames, type Frame } from '../../storage/frame-reader.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { negotiate, notAcceptableMessage, parseAccept, partContentType, responseContentType, retrieveOffers } from '../http/accept.js';
import { sendMultipart } from './streaming.js';
import { blobOf, scopeOf, type WadoParams } from './params.js';

export interface FramesDeps {
  index: IndexStore;
  blobs: BlobStore;
}

/** PS3.18 10.4.1.1.4: a comma-separated list of 1-based frame numbers. */
export function parseFrameList(list: string): number[] {
  if (!/^[0-9]+(,[0-9]+)*$/.test(list)) {
    throw errors.badRequest(`frame list must be comma-separated positive integers, got "${list.slice(0, 64)}"`);
  }
  const numbers = list.split(',').map(Number);
  if (numbers.some((n) => n < 1)) throw errors.badRequest('frame numbers start at 1');
  return numbers;
}

/**
 * WADO-RS frames. Frames are read at the offsets computed at ingest, so a frame
 * request touches only that frame's bytes. Native frames go out little endian;
 * encapsulated frames as stored (transcoding lands with the codecs).
 */
export function framesHandler(deps: FramesDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const numbers = parseFrameList(request.params.frames ?? '');
    const [record] = deps.index.listInstances(request.tenant, scopeOf(request.params));
    if (!record) throw errors.notFound('no such instance');
    if (!record.pixel) throw errors.notFound('the instance has no pixel data');
    const target = {
      kind: 'frames' as const,
      storedTransferSyntax: record.transferSyntaxUid,
      singlePart: numbers.length === 1,
    };
    const offers = retrieveOffers(target);
    const rep = negotiate(parseAccept(request.headers.accept), offers);
    // Native data converts to Explicit VR LE in the reader; anything else needs a codec.
    if (rep === null || (rep.transcode && record.pixel.kind === 'encapsulated')) {
      throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
    }
    try {
      checkFrameNumbers(record.pixel, numbers);
    } catch (err) {
      if (err instanceof FrameRangeError) throw errors.notFound(err.message);
      throw err;
    }
    const frames = readFrames(deps.blobs.path(blobOf(request.tenant, record)), record.pixel, record.transferSyntaxUid, numbers);
    if (rep.partType === undefined) {
      const { value } = await frames.next();
      await frames.return(undefined);
      return reply.type(partContentType(rep)).send((value as Frame).data);
    }
    const parts = (async function* () {
      for await (const frame of frames) yield { contentType: partContentType(rep), body: frame.data };
    })();
    return sendMultipart(request, reply, (boundary) => responseContentType(rep, boundary), parts);
  };
}
