import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AtriumConfig } from '../../config.js';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { IndexStore, QueryLevel } from '../../storage/index-store.js';
import { parseAccept } from '../http/accept.js';
import { errors } from '../errors.js';
import { dicomwebRoot, instanceUrl, seriesUrl, studyUrl } from '../urls.js';
import { parseQidoQuery, type RawQuery } from './query-params.js';
import { UID_PARAM } from '../uid-param.js';

export interface QidoDeps {
  config: AtriumConfig;
  index: IndexStore;
}

type Params = { study?: string; series?: string };

const paramsSchema = {
  params: { type: 'object', properties: { study: UID_PARAM, series: UID_PARAM } },
} as const;

function firstString(dataset: DicomJsonDataset, tag: string): string {
  return String(dataset[tag]?.Value?.[0] ?? '');
}

/** RetrieveURL (0008,1190) of a match, inserted in tag order (PS3.18 F.2: ascending tags). */
function withRetrieveUrl(dataset: DicomJsonDataset, level: QueryLevel, root: string): DicomJsonDataset {
  const study = firstString(dataset, '0020000D');
  const url =
    level === 'study'
      ? studyUrl(root, study)
      : level === 'series'
        ? seriesUrl(root, study, firstString(dataset, '0020000E'))
        : instanceUrl(root, study, firstString(dataset, '0020000E'), firstString(dataset, '00080018'));
  const entries = Object.entries({ ...dataset, '00081190': { vr: 'UR', Value: [url] } } as DicomJsonDataset);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries);
}

/** QIDO-RS answers DICOM JSON; XML search results are not offered (406). */
function assertJsonAcceptable(accept: string | undefined): void {
  const ok = parseAccept(accept).some(
    (r) =>
      r.q > 0 &&
      (r.type === '*' ||
        (r.type === 'application' && ['*', 'dicom+json', 'json'].includes(r.subtype))),
  );
  if (!ok) throw errors.notAcceptable('search results are available as application/dicom+json');
}

const WARNING_AGENT = 'atrium';

/** QIDO-RS (PS3.18 10.6): study, series and instance searches at every scope. */
export async function qidoPlugin(app: FastifyInstance, deps: QidoDeps): Promise<void> {
  const search = (level: QueryLevel) => async (request: FastifyRequest<{ Params: Params }>, reply: FastifyReply) => {
    assertJsonAcceptable(request.headers.accept);
    const { query, limitCapped, ignoredKeys, ignoredParameters } = parseQidoQuery(
      request.query as RawQuery,
      { tenant: request.tenant, level, studyUid: request.params.study, seriesUid: request.params.series },
      { defaultLimit: deps.config.qidoDefaultLimit, maxLimit: deps.config.qidoMaxLimit },
    );
    const result = deps.index.query(query);
    const warnings: string[] = [];
    const unsupported = [...ignoredKeys, ...result.unsupportedKeys];
    if (unsupported.length > 0) {
      warnings.push(`299 ${WARNING_AGENT} "The following attributes are not supported for matching and were ignored: ${unsupported.join(', ')}"`);
    }
    if (ignoredParameters.length > 0) {
      warnings.push(`299 ${WARNING_AGENT} "The following query parameters are not supported and were ignored: ${ignoredParameters.join(', ')}"`);
    }
    if (result.truncated || limitCapped) {
      // PS3.18 8.3.4.4: tell the client that more results can be requested.
      warnings.push(`299 ${WARNING_AGENT} "The number of results exceeded the maximum supported by the server. Additional results can be requested."`);
    }
    if (warnings.length > 0) reply.header('Warning', warnings.join(', '));
    // No match is 200 with an empty array: the current PS3.18 replaced the 204 of
    // earlier editions, consistent with RFC 9110 (a zero-length result is still a result).
    const root = dicomwebRoot(request, deps.config);
    const body = JSON.stringify(result.matches.map((m) => withRetrieveUrl(m, level, root)));
    return reply.type('application/dicom+json').send(body);
  };

  const route = { schema: paramsSchema, config: { audit: 'query' as const } };
  app.get('/studies', route, search('study'));
  app.get('/series', route, search('series'));
  app.get('/instances', route, search('instance'));
  app.get('/studies/:study/series', route, search('series'));
  app.get('/studies/:study/instances', route, search('instance'));
  app.get('/studies/:study/series/:series/instances', route, search('instance'));
}
