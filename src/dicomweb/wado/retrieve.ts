import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { getTransferSyntax } from '../../dicom/transfer-syntax.js';
import type { BlobStore } from '../../storage/blob-store.js';
import type { IndexStore, InstanceRecord } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import type { FrameService } from '../frame-service.js';
import { notAcceptableMessage, parseAccept, partContentType, retrieveOffers, negotiate, type Representation } from '../http/accept.js';
import { formatMediaType } from '../http/media-type.js';
import { multipartLength } from '../http/multipart-writer.js';
import { sendMultipart } from './streaming.js';
import { blobOf, scopeOf, type WadoParams } from './params.js';
import { pixelSyntaxOf, transcodedInstance } from './transcoded-instance.js';

export interface RetrieveDeps {
  index: IndexStore;
  blobs: BlobStore;
  frames: FrameService;
}

/**
 * WADO-RS study, series and instance retrieval (PS3.18 10.4.1.1.1): the
 * stored Part 10 bytes streamed from disk, one part per instance, or each
 * instance rewritten in the transfer syntax the client accepts (8.7.3.5).
 */
export function retrieveHandler(deps: RetrieveDeps) {
  /** Any data set can be rewritten natively; pixels must be decodable (and encodable, for a compressed target). */
  const canProduce = (from: string, to: string): boolean => {
    const target = getTransferSyntax(to);
    if (!target || !target.littleEndian || !target.explicitVr) return false;
    return deps.frames.canProduceFrom(from, pixelSyntaxOf(to));
  };
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const { tenant } = request;
    const records = deps.index.listInstances(tenant, scopeOf(request.params));
    if (records.length === 0) throw errors.notFound('');
    const ranges = parseAccept(request.headers.accept);
    const singlePart = request.params.instance !== undefined;
    // Negotiated once per stored transfer syntax, not per instance.
    const bySyntax = new Map<string, Representation>();
    const representation = (record: InstanceRecord): Representation => {
      const stored = record.transferSyntaxUid;
      let rep = bySyntax.get(stored);
      if (!rep) {
        const offers = retrieveOffers({ kind: 'instance', storedTransferSyntax: stored, singlePart, canProduce });
        rep = negotiate(ranges, offers) ?? undefined;
        if (!rep) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
        bySyntax.set(stored, rep);
      }
      // This instance's pixels may still be beyond the codec (e.g. 16-bit data for 8-bit JPEG).
      const to = rep.transferSyntax ?? stored;
      if (rep.transcode && record.pixel && !deps.frames.canProduce(tenant, record, pixelSyntaxOf(to))) {
        throw errors.notAcceptable(`instance ${record.sopInstanceUid} cannot be encoded in ${to}: its pixel data is not supported by that syntax's codec`);
      }
      return rep;
    };
    const chosen = records.map((record) => ({ record, rep: representation(record) }));
    const first = chosen[0]!.rep;
    const stored = (record: InstanceRecord) => part10Body(deps.blobs.openRead(blobOf(tenant, record)), record.part10Prefix);
    const storedLength = (record: InstanceRecord) => record.size + (record.part10Prefix?.length ?? 0);
    const transcoded = (record: InstanceRecord, rep: Representation) =>
      transcodedInstance(deps, tenant, record, rep.transferSyntax ?? record.transferSyntaxUid);
    if (first.partType === undefined) {
      const { record } = chosen[0]!;
      reply.type(partContentType(first));
      if (first.transcode) return reply.send(await transcoded(record, first));
      reply.header('Content-Length', storedLength(record));
      return reply.send(stored(record));
    }
    // The top-level transfer-syntax is stated only when every part shares it.
    const syntaxes = new Set(chosen.map(({ record, rep }) => rep.transferSyntax ?? record.transferSyntaxUid));
    const topSyntax = syntaxes.size === 1 ? [...syntaxes][0] : undefined;
    const contentType = (boundary: string) =>
      formatMediaType('multipart/related', [['type', 'application/dicom'], ['transfer-syntax', topSyntax], ['boundary', boundary]]);
    const asStoredHeader = (record: InstanceRecord, rep: Representation) => ({
      contentType: partContentType(rep),
      headers: { 'Content-Length': String(storedLength(record)) },
    });
    if (chosen.every(({ rep }) => !rep.transcode)) {
      return sendMultipart(
        request,
        reply,
        contentType,
        // A generator opens each file only when its part is written.
        (function* () {
          for (const { record, rep } of chosen) yield { ...asStoredHeader(record, rep), body: stored(record) };
        })(),
        (boundary) => multipartLength(boundary, chosen.map(({ record, rep }) => ({ ...asStoredHeader(record, rep), length: storedLength(record) }))),
      );
    }
    // Transcoded parts are built one at a time as the body is written.
    return sendMultipart(
      request,
      reply,
      contentType,
      (async function* () {
        for (const { record, rep } of chosen) {
          if (!rep.transcode) {
            yield { ...asStoredHeader(record, rep), body: stored(record) };
            continue;
          }
          const body = await transcoded(record, rep);
          yield { contentType: partContentType(rep), headers: { 'Content-Length': String(body.length) }, body };
        }
      })(),
    );
  };
}

/** The stored bytes, behind the synthesized preamble/meta of a file received without them. */
function part10Body(stored: Readable, prefix: Buffer | null): Readable {
  if (prefix === null) return stored;
  return Readable.from(
    (async function* () {
      yield prefix;
      yield* stored;
    })(),
    { objectMode: false },
  );
}
