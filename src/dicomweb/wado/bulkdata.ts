import type { FastifyReply, FastifyRequest } from 'fastify';
import { ExplicitVRLittleEndian } from '../../dicom/transfer-syntax.js';
import type { BlobStore } from '../../storage/blob-store.js';
import { readFrames, swapToLittleEndian } from '../../storage/frame-reader.js';
import type { IndexStore, InstanceRecord } from '../../storage/index-store.js';
import { AtriumHttpError, errors } from '../errors.js';
import { negotiate, notAcceptableMessage, parseAccept, partContentType, responseContentType, retrieveOffers } from '../http/accept.js';
import { resolveRange } from './byte-range.js';
import { sendMultipart } from './streaming.js';
import { blobOf, scopeOf, type WadoParams } from './params.js';

export interface BulkDataDeps {
  index: IndexStore;
  blobs: BlobStore;
}

const PIXEL_TAGS = new Set(['7FE00010', '7FE00008', '7FE00009']);

/**
 * WADO-RS bulk data (PS3.18 10.4.1.1.5): every BulkDataURI in the metadata
 * answers here. Plain values are byte ranges of the stored file, so Range
 * requests are served straight from disk; encapsulated Pixel Data answers
 * with its frames, one part each.
 */
export function bulkDataHandler(deps: BulkDataDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const tagPath = (request.params['*'] ?? '').toUpperCase().replace(/\/+$/, '');
    const [record] = deps.index.listInstances(request.tenant, scopeOf(request.params));
    const range = record?.bulkData[tagPath];
    if (!record || !range) throw errors.notFound('');
    const blob = blobOf(request.tenant, record);
    const path = deps.blobs.path(blob);
    const pixel = PIXEL_TAGS.has(tagPath) ? record.pixel : null;
    if (pixel?.kind === 'encapsulated') return sendEncapsulated(request, reply, record, path);

    const ranges = parseAccept(request.headers.accept);
    // A wildcard Accept gets a single application/octet-stream body, which Range can address.
    const offers = retrieveOffers({ kind: 'bulkdata', storedTransferSyntax: ExplicitVRLittleEndian, singlePart: true })
      .sort((a, b) => Number(a.type !== undefined) - Number(b.type !== undefined));
    const rep = negotiate(ranges, offers);
    if (rep === null) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));

    // Big endian pixel data is swapped to little endian (PS3.18 8.7.3.3.2) as a whole.
    if (pixel?.kind === 'native' && pixel.bigEndian) {
      const data = await deps.blobs.readRange(blob, range.offset, range.length);
      swapToLittleEndian(data, pixel.bitsAllocated);
      if (rep.partType === undefined) return reply.type(partContentType(rep)).send(data);
      return sendMultipart(request, reply, (b) => responseContentType(rep, b), [{ contentType: partContentType(rep), body: data }]);
    }

    if (rep.partType !== undefined) {
      const body = deps.blobs.openRead(blob, { start: range.offset, end: range.offset + range.length - 1 });
      return sendMultipart(request, reply, (b) => responseContentType(rep, b), [{ contentType: partContentType(rep), body }]);
    }
    reply.header('Accept-Ranges', 'bytes');
    const wanted = resolveRange(request.headers.range, range.length);
    if (wanted === 'unsatisfiable') {
      throw new AtriumHttpError('ATRIUM_ERR_RANGE', 416, `Range not satisfiable: the value has ${range.length} bytes`, {
        'Content-Range': `bytes */${range.length}`,
      });
    }
    const { start, end } = wanted ?? { start: 0, end: range.length - 1 };
    if (wanted) reply.code(206).header('Content-Range', `bytes ${start}-${end}/${range.length}`);
    reply.header('Content-Length', end - start + 1);
    if (range.length === 0) return reply.type(partContentType(rep)).send(Buffer.alloc(0));
    return reply
      .type(partContentType(rep))
      .send(deps.blobs.openRead(blob, { start: range.offset + start, end: range.offset + end }));
  };
}

/** Encapsulated Pixel Data as bulk data: its frames, as stored, one part each. */
function sendEncapsulated(request: FastifyRequest, reply: FastifyReply, record: InstanceRecord, path: string) {
  const pixel = record.pixel!;
  const offers = retrieveOffers({ kind: 'bulkdata', storedTransferSyntax: record.transferSyntaxUid });
  const rep = negotiate(parseAccept(request.headers.accept), offers);
  if (rep === null || rep.transcode) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
  const numbers = Array.from({ length: pixel.numberOfFrames }, (_, i) => i + 1);
  const parts = (async function* () {
    for await (const frame of readFrames(path, pixel, record.transferSyntaxUid, numbers)) {
      yield { contentType: partContentType(rep), body: frame.data };
    }
  })();
  return sendMultipart(request, reply, (b) => responseContentType(rep, b), parts);
}
