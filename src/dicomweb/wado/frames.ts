import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkFrameNumbers, FrameRangeError, type Frame } from '../../storage/frame-reader.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import type { FrameService } from '../frame-service.js';
import { negotiate, notAcceptableMessage, parseAccept, partContentType, responseContentType, retrieveOffers } from '../http/accept.js';
import { sendMultipart } from './streaming.js';
import { scopeOf, type WadoParams } from './params.js';

export interface FramesDeps {
  index: IndexStore;
  frames: FrameService;
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
 * request touches only that frame's bytes; a frame asked for in another syntax
 * is transcoded alone (never the whole instance) and kept in the frame cache.
 */
export function framesHandler(deps: FramesDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const numbers = parseFrameList(request.params.frames ?? '');
    const [record] = deps.index.listInstances(request.tenant, scopeOf(request.params));
    if (!record) throw errors.notFound('');
    if (!record.pixel) throw errors.notFound('the instance has no pixel data');
    const ranges = parseAccept(request.headers.accept);
    const offersWith = (canProduce: (from: string, to: string) => boolean) =>
      retrieveOffers({ kind: 'frames', storedTransferSyntax: record.transferSyntaxUid, singlePart: numbers.length === 1, canProduce });
    let offers = offersWith((from, to) => deps.frames.canProduceFrom(from, to));
    let rep = negotiate(ranges, offers);
    // Only a conversion needs this instance's pixel description (a read of its
    // metadata), so frames sent as stored never pay for it.
    if (rep?.transcode) {
      offers = offersWith((_from, to) => deps.frames.canProduce(request.tenant, record, to));
      rep = negotiate(ranges, offers);
    }
    if (rep === null) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
    try {
      checkFrameNumbers(record.pixel, numbers);
    } catch (err) {
      if (err instanceof FrameRangeError) throw errors.notFound(err.message);
      throw err;
    }
    const to = rep.transferSyntax ?? record.transferSyntaxUid;
    const frames = deps.frames.frames(request.tenant, record, numbers, to);
    if (rep.partType === undefined) {
      const { value } = await frames.next();
      await frames.return(undefined);
      return reply.type(partContentType(rep)).send((value as Frame).data);
    }
    // The first frame before the headers: a codec failure on it is still a clean error response.
    const first = await frames.next();
    const parts = (async function* () {
      if (!first.done) yield { contentType: partContentType(rep), body: first.value.data };
      for await (const frame of frames) yield { contentType: partContentType(rep), body: frame.data };
    })();
    return sendMultipart(request, reply, (boundary) => responseContentType(rep, boundary), parts);
  };
}
