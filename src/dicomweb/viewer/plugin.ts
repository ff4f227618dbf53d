import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AtriumConfig } from '../../config.js';
import { renderAppConfig } from './app-config.js';
import { isViewerDir } from './location.js';
import { acceptsGzip, etagOf, findStatic, viewerRelativePath, type StaticFile } from './static-files.js';

export interface ViewerDeps {
  config: AtriumConfig;
}

/** First path segments that belong to the server, never to the viewer's routes. */
const SERVER_SEGMENTS = new Set(['dicom-web', 'tenants', 'admin', 'healthz']);

function firstSegment(path: string): string {
  return path.split('/').find((part) => part !== '') ?? '';
}

function notModified(request: FastifyRequest, file: StaticFile, etag: string): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) return ifNoneMatch.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*');
  const since = request.headers['if-modified-since'];
  return since !== undefined && Math.floor(file.mtime.getTime() / 1000) <= Math.floor(Date.parse(since) / 1000);
}

function sendFile(request: FastifyRequest, reply: FastifyReply, file: StaticFile): FastifyReply {
  const etag = etagOf(file);
  reply
    .header('Cache-Control', file.cacheControl)
    .header('ETag', etag)
    .header('Last-Modified', file.mtime.toUTCString())
    .header('Vary', 'Accept-Encoding')
    .header('X-Content-Type-Options', 'nosniff');
  if (notModified(request, file, etag)) return reply.code(304).send();
  if (file.encoding) reply.header('Content-Encoding', file.encoding);
  return reply.type(file.contentType).header('Content-Length', file.size).send(createReadStream(file.path));
}

/**
 * A stock OHIF build at `/` (issue 5): its files, `app-config.js` generated
 * for this server, and the single-page-app fallback OHIF's client-side routes
 * need (`/viewer?StudyInstanceUIDs=...`, `/viewer/T`, `/local`): any other
 * extension-less path answers index.html. Paths under the server's own
 * prefixes, and missing files with an extension, stay 404.
 *
 * No COOP/COEP: OHIF 3.13 (Cornerstone3D 2+) renders without SharedArrayBuffer,
 * and cross-origin isolation would stop the viewer being embedded or loading
 * no-cors resources. Every response already carries CORP (app.ts).
 */
export async function viewerPlugin(app: FastifyInstance, { config }: ViewerDeps): Promise<void> {
  if (config.viewerDir === null) return;
  const root = resolve(config.viewerDir);
  if (!isViewerDir(root)) throw new Error(`viewer directory ${root} has no index.html (run: node scripts/fetch-viewer.mjs)`);
  const extraScript = config.viewerConfigFile === null ? undefined : await readFile(config.viewerConfigFile, 'utf8');
  const appConfig = renderAppConfig({ atriumBase: config.publicUrl, extraScript });

  app.get('/app-config.js', async (_request, reply) =>
    reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'no-cache')
      .header('X-Content-Type-Options', 'nosniff')
      .send(appConfig),
  );

  app.get('/*', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (SERVER_SEGMENTS.has(firstSegment(path))) return reply.callNotFound();
    const relative = viewerRelativePath(path);
    if (relative === null) return reply.callNotFound();
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    const file = await findStatic(root, relative, gzip);
    if (file) return sendFile(request, reply, file);
    // A missing asset is a 404, not the app shell: a wrong script type would hide the error.
    if (/\.[A-Za-z0-9]+$/.test(relative)) return reply.callNotFound();
    const index = await findStatic(root, 'index.html', gzip);
    if (!index) return reply.callNotFound();
    return sendFile(request, reply, index);
  });
}
