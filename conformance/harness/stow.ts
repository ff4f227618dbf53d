/**
 * STOW-RS requests (PS3.18 10.5): multipart/related bodies built by hand so the
 * suite controls every byte: quoted or unquoted `type` and `boundary`, sized or
 * chunked transfer, broken parts.
 */
import { randomBytes } from 'node:crypto';
import { http, type Response } from './http.js';
import { readBytes, type ManifestRow } from './testdata.js';

export interface StowPart {
  readonly body: Buffer;
  /** default application/dicom */
  readonly contentType?: string;
}

export interface StowOptions {
  /** POST {root}/studies/{study} instead of {root}/studies */
  study?: string;
  boundary?: string;
  /** quote the boundary parameter (default true) */
  quoteBoundary?: boolean;
  /** quote the type parameter (default true) */
  quoteType?: boolean;
  /** send with Transfer-Encoding: chunked instead of Content-Length */
  chunked?: boolean;
  /** replace the whole request Content-Type */
  contentType?: string;
  accept?: string;
}

export interface StowResult {
  readonly res: Response;
  readonly status: number;
  /** the parsed application/dicom+json body, when there is one */
  readonly json: Record<string, { vr?: string; Value?: unknown[] }> | undefined;
}

export function newBoundary(): string {
  return 'atrium-conformance-' + randomBytes(12).toString('hex');
}

export function multipartBody(parts: readonly StowPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Type: ${p.contentType ?? 'application/dicom'}\r\n\r\n`, 'latin1'));
    chunks.push(p.body);
    chunks.push(Buffer.from('\r\n', 'latin1'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'latin1'));
  return Buffer.concat(chunks);
}

async function* inChunks(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) {
    yield buf.subarray(i, Math.min(buf.length, i + size));
    if ((i / size) % 16 === 0) await new Promise((r) => setImmediate(r));
  }
}

export function stowContentType(boundary: string, opts: StowOptions = {}): string {
  const type = opts.quoteType === false ? 'application/dicom' : '"application/dicom"';
  const b = opts.quoteBoundary === false ? boundary : `"${boundary}"`;
  return `multipart/related; type=${type}; boundary=${b}`;
}

/** POST raw bytes to the STOW endpoint. */
export async function postStudies(root: string, body: Buffer, contentType: string, opts: StowOptions = {}): Promise<StowResult> {
  const url = opts.study ? `${root}/studies/${opts.study}` : `${root}/studies`;
  const headers: Record<string, string> = {
    'content-type': contentType,
    accept: opts.accept ?? 'application/dicom+json',
  };
  const res = await http('POST', url, { headers, body: opts.chunked ? inChunks(body, 16 * 1024) : body });
  let json: StowResult['json'];
  const ct = res.headers['content-type'] ?? '';
  if (res.body.length > 0 && /json/i.test(ct)) {
    try {
      json = res.json() as StowResult['json'];
    } catch {
      json = undefined;
    }
  }
  return { res, status: res.status, json };
}

export async function stow(root: string, parts: readonly (StowPart | Buffer | ManifestRow)[], opts: StowOptions = {}): Promise<StowResult> {
  const boundary = opts.boundary ?? newBoundary();
  const ps: StowPart[] = parts.map((p) =>
    Buffer.isBuffer(p) ? { body: p } : 'file' in p ? { body: readBytes(p) } : p,
  );
  return postStudies(root, multipartBody(ps, boundary), opts.contentType ?? stowContentType(boundary, opts), opts);
}

export interface RefItem {
  readonly sopClass: string | undefined;
  readonly sopInstance: string | undefined;
  readonly retrieveUrl: string | undefined;
  readonly failureReason: number | undefined;
  readonly warningReason: number | undefined;
}

/** Items of ReferencedSOPSequence (00081199) or FailedSOPSequence (00081198). */
export function items(json: StowResult['json'], seqTag: '00081199' | '00081198'): RefItem[] {
  const seq = json?.[seqTag]?.Value;
  if (!Array.isArray(seq)) return [];
  return seq.map((it) => {
    const o = it as Record<string, { Value?: unknown[] }>;
    const v = (t: string): unknown => o[t]?.Value?.[0];
    return {
      sopClass: v('00081150') as string | undefined,
      sopInstance: v('00081155') as string | undefined,
      retrieveUrl: v('00081190') as string | undefined,
      failureReason: v('00081197') as number | undefined,
      warningReason: v('00081196') as number | undefined,
    };
  });
}

/**
 * STOW files in batches to seed other tests; files a batch did not store are retried
 * one per request (some servers reject a whole request for one bad part). Returns
 * what still was not stored, so a test can assert it is empty without hiding the
 * rest of its file behind a failing beforeAll.
 */
export async function seed(root: string, rows: readonly ManifestRow[], batch = 20): Promise<string[]> {
  const missing: ManifestRow[] = [];
  for (let i = 0; i < rows.length; i += batch) {
    const slice = rows.slice(i, i + batch);
    const r = await stow(root, slice).catch(() => undefined);
    const stored = new Set(items(r?.json, '00081199').map((x) => x.sopInstance));
    missing.push(...slice.filter((x) => !stored.has(x.sopUid)));
  }
  const failures: string[] = [];
  for (const x of missing) {
    const r = await stow(root, [x]).catch((e: unknown) => e as Error);
    if (r instanceof Error) failures.push(`${x.file}: ${r.message}`);
    // 202 is allowed: PS3.18 10.5.3 lets a store succeed with warnings (e.g. a duplicate).
    else if (!items(r.json, '00081199').some((i) => i.sopInstance === x.sopUid)) failures.push(`${x.file}: HTTP ${r.status} ${r.res.text().slice(0, 200)}`);
  }
  return failures;
}
