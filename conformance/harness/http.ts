/**
 * Small HTTP helpers over undici, plus a strict multipart/related reader
 * (RFC 2046 5.1.1, RFC 2387) for WADO-RS responses.
 */
import { request } from 'undici';

export interface Response {
  readonly status: number;
  /** lower-case names; repeated headers joined with ", " */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  text(): string;
  json(): unknown;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  body?: Buffer | string | AsyncIterable<Uint8Array>;
}

export async function http(method: string, url: string, opts: RequestOptions = {}): Promise<Response> {
  const res = await request(url, {
    method: method as 'GET',
    headers: opts.headers,
    body: opts.body as Buffer | undefined,
    headersTimeout: 60_000,
    bodyTimeout: 60_000,
  });
  const body = Buffer.from(await res.body.arrayBuffer());
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
  }
  return {
    status: res.statusCode,
    headers,
    body,
    text: () => body.toString('utf8'),
    json: () => JSON.parse(body.toString('utf8')) as unknown,
  };
}

export const get = (url: string, headers: Record<string, string> = {}): Promise<Response> => http('GET', url, { headers });

export interface MediaType {
  /** lower-case type/subtype */
  readonly type: string;
  /** lower-case parameter names, unquoted values */
  readonly params: Readonly<Record<string, string>>;
}

/** Parse `type/subtype *(OWS ";" OWS name=(token / quoted-string))` (RFC 9110 8.3.1, 5.6.6). */
export function parseMediaType(value: string | undefined): MediaType | undefined {
  if (!value) return undefined;
  let i = value.indexOf(';');
  if (i < 0) i = value.length;
  const type = value.slice(0, i).trim().toLowerCase();
  const params: Record<string, string> = {};
  let rest = value.slice(i);
  while (rest.length > 0) {
    const m = /^\s*;\s*([^=;\s]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^;\s]*)\s*/.exec(rest);
    if (!m) {
      const skip = rest.indexOf(';', 1);
      if (skip < 0) break;
      rest = rest.slice(skip);
      continue;
    }
    const name = (m[1] ?? '').toLowerCase();
    params[name] = m[3] !== undefined ? m[3].replace(/\\(.)/g, '$1') : (m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { type, params };
}

export interface Part {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
}

export interface Multipart {
  readonly boundary: string;
  readonly type: string | undefined;
  /** the body's first bytes are `--boundary` (no preamble, no leading CRLF) */
  readonly startsWithBoundary: boolean;
  /** the close delimiter `--boundary--` was found */
  readonly closed: boolean;
  readonly parts: readonly Part[];
}

/** Read a multipart/related response; throws with a reason when it is not one. */
export function readMultipart(res: Response): Multipart {
  const mt = parseMediaType(res.headers['content-type']);
  if (!mt || mt.type !== 'multipart/related') throw new Error(`Content-Type is not multipart/related: ${res.headers['content-type'] ?? '(none)'}`);
  const boundary = mt.params['boundary'];
  if (!boundary) throw new Error(`no boundary parameter: ${res.headers['content-type']}`);
  const body = res.body;
  const dash = Buffer.from('--' + boundary, 'latin1');
  const delim = Buffer.from('\r\n--' + boundary, 'latin1');
  const startsWithBoundary = body.subarray(0, dash.length).equals(dash);
  let pos = startsWithBoundary ? 0 : body.indexOf(delim);
  if (pos < 0) throw new Error('boundary delimiter not found in body');
  pos += startsWithBoundary ? dash.length : delim.length;
  const parts: Part[] = [];
  let closed = false;
  for (;;) {
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) {
      closed = true;
      break;
    }
    // transport padding, then CRLF
    while (body[pos] === 0x20 || body[pos] === 0x09) pos++;
    if (body[pos] !== 0x0d || body[pos + 1] !== 0x0a) throw new Error(`no CRLF after boundary at byte ${pos}`);
    pos += 2;
    const headerEnd = body.indexOf('\r\n\r\n', pos, 'latin1');
    let headerText: string;
    let bodyStart: number;
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) {
      headerText = '';
      bodyStart = pos + 2;
    } else {
      if (headerEnd < 0) throw new Error('part headers not terminated');
      headerText = body.subarray(pos, headerEnd).toString('latin1');
      bodyStart = headerEnd + 4;
    }
    const next = body.indexOf(delim, bodyStart);
    if (next < 0) throw new Error('part not terminated by a boundary delimiter (truncated body?)');
    const headers: Record<string, string> = {};
    for (const line of headerText.split('\r\n')) {
      const c = line.indexOf(':');
      if (c > 0) headers[line.slice(0, c).trim().toLowerCase()] = line.slice(c + 1).trim();
    }
    parts.push({ headers, body: body.subarray(bodyStart, next) });
    pos = next + delim.length;
    if (pos >= body.length) break;
  }
  return { boundary, type: mt.params['type'], startsWithBoundary, closed, parts };
}
