import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AtriumConfig } from '../../config.js';
import type { IndexStore } from '../../storage/index-store.js';
import { errors } from '../errors.js';
import { negotiate, notAcceptableMessage, parseAccept, retrieveOffers } from '../http/accept.js';
import { dicomwebRoot, rootPath } from '../urls.js';
import { scopeOf, type WadoParams } from './params.js';

export interface MetadataDeps {
  config: AtriumConfig;
  index: IndexStore;
}

const BULK_MARKER = '"BulkDataURI":"';

/**
 * WADO-RS metadata (PS3.18 10.4.1.1.2) as DICOM JSON. The stored JSON holds
 * BulkDataURIs relative to the DICOMweb root; they are made absolute (or
 * root-relative paths, when configured) by text substitution, so the stored
 * text is never parsed on the way out.
 */
export function metadataHandler(deps: MetadataDeps) {
  return async (request: FastifyRequest<{ Params: WadoParams }>, reply: FastifyReply) => {
    const offers = retrieveOffers({ kind: 'metadata' });
    const rep = negotiate(parseAccept(request.headers.accept), offers);
    if (rep === null) throw errors.notAcceptable(notAcceptableMessage(request.headers.accept, offers));
    const jsons = deps.index.listMetadataJson(request.tenant, scopeOf(request.params));
    if (jsons.length === 0) throw errors.notFound('');
    const root =
      deps.config.bulkDataUris === 'relative'
        ? rootPath((request.params as { tenant?: string }).tenant)
        : dicomwebRoot(request, deps.config);
    // The root comes from request headers: escape it for a JSON string.
    const replacement = BULK_MARKER + JSON.stringify(`${root}/`).slice(1, -1);
    const body = `[${jsons.join(',').replaceAll(BULK_MARKER, replacement)}]`;
    return reply.type(rep.mediaType).send(body);
  };
}
