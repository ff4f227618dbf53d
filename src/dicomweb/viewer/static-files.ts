import { stat } from 'node:fs/promises';
import { extname, join, posix, sep } from 'node:path';

/** A file of the viewer tree, ready to send. */
export interface StaticFile {
  /** On disk: the file itself, or its gzip sibling when `encoding` is set. */
  path: string;
  size: number;
  mtime: Date;
  contentType: string;
  cacheControl: string;
  encoding: 'gzip' | undefined;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webapp': 'application/x-web-app-manifest+json',
  // WebAssembly.instantiateStreaming refuses any other type.
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.xml': 'application/xml; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

export function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** OHIF's build names chunks with a 16-hex content hash: `app.bundle.0f6159c501addfe9.js`, `0ddf166f7a343eda.wasm`. */
const HASHED = /(^|\.)[0-9a-f]{16,}\.[a-z0-9]+$/;

/**
 * Hashed assets never change under their name: cache for a year. Everything
 * else (index.html, unhashed scripts, icons) is revalidated, so a new viewer
 * version is picked up at the next load.
 */
export function cacheControlOf(name: string): string {
  return HASHED.test(posix.basename(name)) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * The path below the viewer root a URL path names, or null when it may not be
 * served: undecodable, NUL, `..`, or a dot-segment (the fetch marker, hidden files).
 */
export function viewerRelativePath(urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((part) => part !== '');
  if (parts.some((part) => part.startsWith('.'))) return null;
  return parts.join('/');
}

/** Whether the client takes gzip (Accept-Encoding, q=0 refuses). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return acceptEncoding.split(',').some((item) => {
    const [coding, ...params] = item.trim().toLowerCase().split(';');
    if (coding?.trim() !== 'gzip' && coding?.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

async function regularFile(path: string): Promise<{ size: number; mtime: Date } | null> {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtime: info.mtime } : null;
  } catch {
    return null;
  }
}

/**
 * The file `relative` names under `root`, or null. Prefers the gzip sibling
 * scripts/fetch-viewer.mjs wrote when the client accepts gzip.
 */
export async function findStatic(root: string, relative: string, gzip: boolean): Promise<StaticFile | null> {
  if (relative === '') return null;
  const path = join(root, ...relative.split('/'));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return null;
  const plain = await regularFile(path);
  if (!plain) return null;
  const common = { contentType: contentTypeOf(relative), cacheControl: cacheControlOf(relative) };
  const packed = gzip ? await regularFile(`${path}.gz`) : null;
  // A sibling older than its file is stale (the file was replaced by hand): ignore it.
  if (packed && packed.mtime >= plain.mtime) return { ...common, path: `${path}.gz`, ...packed, encoding: 'gzip' };
  return { ...common, path, ...plain, encoding: undefined };
}

/** A weak validator from size and mtime: enough for files replaced only by a new fetch. */
export function etagOf(file: StaticFile): string {
  return `W/"${file.size.toString(16)}-${Math.floor(file.mtime.getTime()).toString(16)}${file.encoding ? '-gz' : ''}"`;
}
