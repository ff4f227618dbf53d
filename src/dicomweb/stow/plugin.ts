import type { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AtriumConfig } from '../../config.js';
import type { Ingest, ReceivedPart } from '../../storage/ingest.js';
import type { FrameWarmer } from '../frame-warmer.js';
import { FailureReason, StoreFailure } from '../../storage/store-failure.js';
import { errors } from '../errors.js';
import { getBoundary, MultipartError, readMultipart } from '../http/multipart-reader.js';
import { parseMediaType } from '../http/media-type.js';
import { parseAccept } from '../http/accept.js';
import { toNativeDicomModel } from '../dicom-xml.js';
import { dicomwebRoot } from '../urls.js';
import { type PartResult, storeResponse, storeStatus } from './store-response.js';
import { UID_PARAM } from '../uid-param.js';

export interface StowDeps {
  config: AtriumConfig;
  ingest: Ingest;
  warmer: FrameWarmer | null;
}


/**
 * STOW-RS (PS3.18 10.5): `POST /studies[/{study}]` with a multipart/related body
 * of application/dicom parts, parsed as a stream: each part is spooled to disk
 * and stored before the next is read, so memory stays flat for any body size.
 * A bare `application/dicom` body (one instance) is accepted too, for scripts.
 */
export async function stowPlugin(app: FastifyInstance, deps: StowDeps): Promise<void> {
  // Hand the raw stream to the handler: nothing is buffered by fastify.
  const passThrough = (_req: FastifyRequest, payload: Readable, done: (err: null, body: Readable) => void) =>
    done(null, payload);
  app.addContentTypeParser('multipart/related', passThrough);
  app.addContentTypeParser('application/dicom', passThrough);

  const handler = async (request: FastifyRequest<{ Params: { study?: string } }>, reply: FastifyReply) => {
    const results = await storeBody(request, deps.ingest);
    request.auditStudies = [...new Set(results.flatMap((r) => (r.ok ? [r.ref.studyUid] : [])))];
    const dataset = storeResponse(results, dicomwebRoot(request, deps.config));
    for (const result of results) {
      if (!result.ok) request.log.info({ reason: result.failure.reason, message: result.failure.message }, 'instance not stored');
    }
    reply.code(storeStatus(results));
    deps.warmer?.enqueue(request.tenant, results.flatMap((r) => (r.ok ? [r.ref] : [])));
    if (prefersXml(request.headers.accept)) {
      return reply.type('application/dicom+xml').send(toNativeDicomModel(dataset));
    }
    return reply.type('application/dicom+json').send(JSON.stringify(dataset));
  };

  const config = { audit: 'store' as const };
  app.post('/studies', { config }, handler);
  app.post('/studies/:study', { config, schema: { params: { type: 'object', properties: { study: UID_PARAM } } } }, handler);
}

/** Parts whose storing may overlap with reading the next parts of the body. */
const PIPELINE_DEPTH = 16;

async function storeBody(request: FastifyRequest<{ Params: { study?: string } }>, ingest: Ingest): Promise<PartResult[]> {
  const body = request.body as Readable;
  const contentType = request.headers['content-type'] ?? '';
  const mediaType = parseMediaType(contentType);
  const study = request.params.study;
  if (mediaType?.type === 'application' && mediaType.subtype === 'dicom') {
    let spooled: ReceivedPart;
    try {
      spooled = await ingest.receive(body, ingest.group());
    } catch (err) {
      return [unexpectedFailure(request, err)];
    }
    return [await storePart(request, ingest, spooled, study)];
  }
  if (!(mediaType?.type === 'multipart' && mediaType.subtype === 'related')) {
    throw errors.unsupportedMediaType('STOW-RS takes multipart/related; type="application/dicom" (or one application/dicom body)');
  }
  const boundary = getBoundary(contentType);
  if (!boundary) throw errors.badMultipart('the Content-Type has no boundary parameter');
  const rootType = mediaType.params.get('type')?.toLowerCase();
  if (rootType !== undefined && rootType !== 'application/dicom') {
    throw errors.unsupportedMediaType(`only type="application/dicom" parts can be stored, not ${rootType}`);
  }
  // Reading the body is sequential (a part must be spooled before the next is
  // parsed); verifying and committing each part overlaps with that, bounded.
  const results: Array<Promise<PartResult>> = [];
  const running = new Set<Promise<PartResult>>();
  const group = ingest.group();
  let truncation: StoreFailure | undefined;
  try {
    for await (const part of readMultipart(body, boundary)) {
      const partType = part.contentType ? parseMediaType(part.contentType) : null;
      if (partType && !(partType.type === 'application' && partType.subtype === 'dicom')) {
        part.body.resume();
        const failure = new StoreFailure(FailureReason.CannotUnderstand, `part of type ${part.contentType} is not application/dicom`);
        results.push(Promise.resolve({ ok: false, failure }));
        continue;
      }
      let spooled: ReceivedPart;
      try {
        spooled = await ingest.receive(part.body, group);
      } catch (err) {
        if (err instanceof MultipartError) throw err;
        results.push(Promise.resolve(unexpectedFailure(request, err)));
        continue;
      }
      const result = storePart(request, ingest, spooled, study);
      results.push(result);
      running.add(result);
      void result.finally(() => running.delete(result));
      if (running.size >= PIPELINE_DEPTH) await Promise.race(running);
    }
  } catch (err) {
    if (!(err instanceof MultipartError)) throw err;
    // Parts already stored stay stored (they are durable); the cut part is reported.
    if (results.length === 0) throw errors.badMultipart(err.message);
    truncation = new StoreFailure(FailureReason.CannotUnderstand, err.message);
  }
  const settled = await Promise.all(results);
  if (truncation) settled.push({ ok: false, failure: truncation });
  if (settled.length === 0) throw errors.badMultipart('the body holds no parts');
  return settled;
}

/** Never rejects: every part ends as stored or as a failure with its reason. */
async function storePart(request: FastifyRequest, ingest: Ingest, spooled: ReceivedPart, study: string | undefined): Promise<PartResult> {
  try {
    return { ok: true, ref: await ingest.store(request.tenant, spooled, study) };
  } catch (err) {
    if (err instanceof StoreFailure) return { ok: false, failure: err };
    return unexpectedFailure(request, err);
  }
}

/** A server-side fault storing one part: out of space is A700 (PS3.18 I.2.2), anything else 0110. */
function unexpectedFailure(request: FastifyRequest, err: unknown): PartResult {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return { ok: false, failure: new StoreFailure(FailureReason.OutOfResources, 'the archive is out of storage space') };
  }
  request.log.error({ err }, 'storing an instance failed');
  return { ok: false, failure: new StoreFailure(FailureReason.ProcessingFailure, 'the instance could not be stored') };
}

/** The store response is JSON unless the client prefers application/dicom+xml (PS3.18 10.5.3). */
function prefersXml(accept: string | undefined): boolean {
  const q = (subtype: string) =>
    Math.max(0, ...parseAccept(accept).filter((r) => r.type === 'application' && r.subtype === subtype).map((r) => r.q));
  return q('dicom+xml') > q('dicom+json');
}
