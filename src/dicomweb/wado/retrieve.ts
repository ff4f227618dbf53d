import { Readable } from 'node:stream';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { BlobStore } from '../../storage/blob-store.js';
import type { IndexStore, InstanceRecord } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { notAcceptableMessage, parseAccept, partContentType, retrieveOffers, negotiate, type Representation } from '../http/accept.js';
import { formatMediaType } from '../http/media-type.js';
import { multipartLength } from '../http/multipart-writer.js';
import { sendMultipart } from './streaming.js';
import { blobOf, scopeOf, type WadoParams } from './params.js';

export interface RetrieveDeps {
  index: IndexStore;
  blobs: BlobStore;
}

/** Until transcoding lands, instances are sent exactly as stored. */
const asStoredOnly = (from: string, to: string) => from === to;

/**
 * WADO-RS study, series and instance retrieval (PS3.18 10.4.1.1.1): the
 * stored Part 10 bytes, streamed from disk, one part per instance.
 */
export function retrieveHandler(deps: RetrieveDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const records = deps.index.listInstances(request.tenant, scopeOf(request.params));
    if (records.length === 0) throw errors.notFound('no such study, series or instance');
    const ranges = parseAccept(request.headers.accept);
    const singlePart = request.params.instance !== undefined;
    // Negotiated once per stored transfer syntax, not per instance.
    const bySyntax = new Map<string, Representation>();
    const representation = (storedTransferSyntax: string): Representation => {
      let rep = bySyntax.get(storedTransferSyntax);
      if (rep) return rep;
      const offers = retrieveOffers({ kind: 'instance', storedTransferSyntax, singlePart, canProduce: asStoredOnly });
      rep = negotiate(ranges, offers) ?? undefined;
      if (!rep || rep.transcode) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
      bySyntax.set(storedTransferSyntax, rep);
      return rep;
    };
    const chosen = records.map((record) => ({ record, rep: representation(record.transferSyntaxUid) }));
    const first = chosen[0]!.rep;
    const body = (record: InstanceRecord) => part10Body(deps.blobs.openRead(blobOf(request.tenant, record)), record.part10Prefix);
    const length = (record: InstanceRecord) => record.size + (record.part10Prefix?.length ?? 0);
    const partHeader = (record: InstanceRecord, rep: Representation) => ({
      contentType: partContentType(rep),
      headers: { 'Content-Length': String(length(record)) },
    });
    if (first.partType === undefined) {
      const { record } = chosen[0]!;
      reply.header('Content-Length', length(record));
      return reply.type(partContentType(first)).send(body(record));
    }
    // The top-level transfer-syntax is stated only when every part shares it.
    const topSyntax = bySyntax.size === 1 ? first.transferSyntax : undefined;
    return sendMultipart(
      request,
      reply,
      (boundary) =>
        formatMediaType('multipart/related', [['type', 'application/dicom'], ['transfer-syntax', topSyntax], ['boundary', boundary]]),
      // A generator opens each file only when its part is written.
      (function* () {
        for (const { record, rep } of chosen) yield { ...partHeader(record, rep), body: body(record) };
      })(),
      (boundary) => multipartLength(boundary, chosen.map(({ record, rep }) => ({ ...partHeader(record, rep), length: length(record) }))),
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
