/**
 * A small DICOMweb client (PS3.18) for atrium's command line and for scripts:
 * QIDO-RS search with paging, WADO-RS retrieval of one instance as Part 10, and
 * STOW-RS. Bodies stream both ways, through the same multipart reader and
 * writer the server uses, so an instance of any size passes in bounded memory.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { DicomJsonDataset } from '../../dicom/json-model.js';
import type { Uid } from '../../storage/ids.js';
import { parseMediaType } from '../http/media-type.js';
import { getBoundary, MultipartError, readMultipart } from '../http/multipart-reader.js';
import { createMultipartWriter } from '../http/multipart-writer.js';
import { instanceUrl, studyUrl } from '../urls.js';
import { authorizationHeader, type Credentials } from './credentials.js';
import { DicomwebRequestError, networkReason, reasonFromBody } from './dicomweb-request-error.js';
import { parseStoreResponse, type StoreResult } from './store-result.js';

export type QueryLevel = 'studies' | 'series' | 'instances';

/** Where a search looks: everywhere, in one study, or in one series of it (PS3.18 10.6.1). */
export type SearchScope = { readonly study?: undefined } | { readonly study: Uid; readonly series?: Uid };

/** Query keys (keywords or tags) to values; a list repeats the key, as includefield may be. */
export type QueryParams = Readonly<Record<string, string | readonly string[]>>;

export interface DicomwebClientOptions {
  /** The DICOMweb root, e.g. `http://127.0.0.1:8080/dicom-web` or `.../tenants/T/dicom-web`. */
  readonly root: string;
  readonly credentials?: Credentials;
  /** Results asked for per QIDO request (`limit`); further pages follow by `offset`. */
  readonly pageSize?: number;
}

/** One instance to store: its Part 10 bytes, whole or as a stream. */
export interface StowPart {
  readonly body: Uint8Array | AsyncIterable<Uint8Array>;
}

/** Part 10 as stored, whatever its transfer syntax (PS3.18 8.7.3.5.2): copies stay byte for byte. */
const PART10_AS_STORED = 'multipart/related; type="application/dicom"; transfer-syntax=*';

/** PS3.18 8.3.4.4: the server capped the results and more can be asked for. */
const MORE_RESULTS = /additional results can be requested/i;

export class DicomwebClient {
  readonly root: string;
  readonly #authorization: string | undefined;
  readonly #pageSize: number;

  constructor(options: DicomwebClientOptions) {
    this.root = options.root.replace(/\/+$/, '');
    this.#authorization = options.credentials && authorizationHeader(options.credentials);
    this.#pageSize = options.pageSize ?? 1000;
  }

  /**
   * QIDO-RS: every match, page by page. A page shorter than asked ends the
   * search unless the server says it capped it (some cap below our limit).
   */
  async *search(level: QueryLevel, scope: SearchScope, params: QueryParams = {}): AsyncGenerator<DicomJsonDataset> {
    const path = [this.root];
    if (scope.study !== undefined) path.push('studies', scope.study);
    if (scope.study !== undefined && scope.series !== undefined) path.push('series', scope.series);
    path.push(level);
    for (let offset = 0; ; ) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(params)) {
        for (const v of typeof value === 'string' ? [value] : value) query.append(key, v);
      }
      query.set('limit', String(this.#pageSize));
      query.set('offset', String(offset));
      const url = `${path.join('/')}?${query}`;
      const response = await this.#fetch('GET', url, { headers: { accept: 'application/dicom+json' } }, [200, 204]);
      const page = response.status === 204 ? [] : await readJson(response, url);
      if (!Array.isArray(page)) throw new DicomwebRequestError('GET', url, undefined, 'answered something other than a JSON array');
      yield* page as DicomJsonDataset[];
      offset += page.length;
      const capped = MORE_RESULTS.test(response.headers.get('warning') ?? '');
      if (page.length === 0 || (page.length < this.#pageSize && !capped)) return;
    }
  }

  /** WADO-RS: the Part 10 bytes of one instance in its stored transfer syntax, as they arrive. */
  async *retrieveInstance(study: Uid, series: Uid, sopInstance: Uid): AsyncGenerator<Uint8Array> {
    const url = instanceUrl(this.root, study, series, sopInstance);
    const response = await this.#fetch('GET', url, { headers: { accept: PART10_AS_STORED } });
    const contentType = response.headers.get('content-type') ?? '';
    // fetch's stream and node:stream/web's are the same class under two declarations.
    const body = response.body ? Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>) : Readable.from([]);
    const fail = (detail: string) => new DicomwebRequestError('GET', url, undefined, detail);
    try {
      const mediaType = parseMediaType(contentType);
      if (mediaType?.type === 'application' && mediaType.subtype === 'dicom') {
        yield* body;
        return;
      }
      const boundary = getBoundary(contentType);
      if (boundary === null) throw fail(`answered ${contentType || 'no Content-Type'}, not multipart/related application/dicom`);
      let parts = 0;
      for await (const part of readMultipart(body, boundary)) {
        if (++parts > 1) throw fail('answered more than one instance');
        const partType = parseMediaType(part.contentType ?? '');
        if (partType?.type !== 'application' || partType.subtype !== 'dicom') {
          throw fail(`answered a part of type ${part.contentType ?? '(none)'}, not application/dicom`);
        }
        yield* part.body;
      }
      if (parts === 0) throw fail('answered no instance');
    } catch (err) {
      if (err instanceof MultipartError) throw fail(`unreadable multipart body: ${err.message}`);
      if (err instanceof DicomwebRequestError) throw err;
      throw new DicomwebRequestError('GET', url, undefined, `reading the response: ${networkReason(err)}`, { cause: err });
    } finally {
      body.destroy();
    }
  }

  /**
   * STOW-RS: stores the parts in one multipart/related request, written as the
   * parts are read (a part may itself be streaming from another server). A
   * request refused as a whole throws; per-instance outcomes are in the result.
   */
  async store(parts: Iterable<StowPart> | AsyncIterable<StowPart>, study?: Uid): Promise<StoreResult> {
    const url = study === undefined ? `${this.root}/studies` : studyUrl(this.root, study);
    const writer = createMultipartWriter();
    let fed = false;
    let stopped = false; // we ended the body ourselves: the writing fails for that reason only
    // Settles with the error that broke the body (a failing source), if any;
    // never rejects, so it cannot go unhandled while the request is in flight.
    const feeding = (async (): Promise<DicomwebRequestError | undefined> => {
      try {
        for await (const part of parts) await writer.writePart({ contentType: 'application/dicom', body: part.body });
        await writer.end();
        fed = true;
        return undefined;
      } catch (err) {
        if (stopped) return undefined;
        writer.abort(err instanceof Error ? err : new Error(String(err)));
        return err instanceof DicomwebRequestError ? err : new DicomwebRequestError('POST', url, undefined, `request body: ${networkReason(err)}`, { cause: err });
      }
    })();
    const stop = () => {
      stopped = true;
      writer.abort(new Error('request ended'));
    };
    const init = {
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${writer.boundary}`, accept: 'application/dicom+json' },
      // node:stream/web's ReadableStream is the one fetch takes; the DOM typings name it apart.
      body: Readable.toWeb(writer.stream) as ReadableStream<Uint8Array>,
      duplex: 'half' as const,
    };
    let response: Response;
    try {
      response = await this.#fetch('POST', url, init, [200, 202, 409]);
    } catch (err) {
      // A source that failed first (it broke the body) explains the failure
      // better than the upload's own error; otherwise stopping settles feeding clean.
      stop();
      throw (await feeding) ?? err;
    }
    // The server may answer before reading everything (it refused early): stop writing.
    if (!fed) stop();
    await feeding;
    const answer = await readJson(response, url, 'POST');
    if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
      throw new DicomwebRequestError('POST', url, undefined, 'answered no Store Instances Response object');
    }
    return parseStoreResponse(response.status, answer as DicomJsonDataset);
  }

  /** fetch() with our credentials; network failures and unexpected statuses become DicomwebRequestError. */
  async #fetch(method: string, url: string, init: RequestInit, accepted: readonly number[] = [200]): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.#authorization !== undefined) headers.set('authorization', this.#authorization);
    let response: Response;
    try {
      response = await fetch(url, { ...init, method, headers });
    } catch (err) {
      throw new DicomwebRequestError(method, url, undefined, networkReason(err), { cause: err });
    }
    if (accepted.includes(response.status)) return response;
    const reason = reasonFromBody(await response.text().catch(() => ''));
    throw new DicomwebRequestError(method, url, response.status, `${response.statusText}${reason ? ` (${reason})` : ''}`);
  }
}

async function readJson(response: Response, url: string, method = 'GET'): Promise<unknown> {
  const text = await response.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new DicomwebRequestError(method, url, undefined, `answered a body that is not JSON: ${reasonFromBody(text)}`);
  }
}
