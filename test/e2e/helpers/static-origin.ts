import { createReadStream } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptsGzip, findStatic, viewerRelativePath } from '../../../src/dicomweb/viewer/static-files.js';

export interface StaticOrigin {
  /** `http://localhost:PORT`: another origin, and another site, than atrium's `http://127.0.0.1:PORT`. */
  origin: string;
  close(): Promise<void>;
}

/**
 * The same OHIF files from a plain node:http server, as a deployment that
 * hosts the viewer apart from atrium would: its own app-config.js, index.html
 * for client-side routes, nothing else.
 */
export async function startStaticOrigin(viewerDir: string, appConfig: string): Promise<StaticOrigin> {
  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405).end();
      return;
    }
    if (path === '/app-config.js') {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }).end(appConfig);
      return;
    }
    const relative = viewerRelativePath(path);
    const gzip = acceptsGzip(request.headers['accept-encoding']);
    const file =
      relative === null
        ? null
        : ((await findStatic(viewerDir, relative, gzip)) ??
          (/\.[A-Za-z0-9]+$/.test(relative) ? null : await findStatic(viewerDir, 'index.html', gzip)));
    if (!file) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, {
      'content-type': file.contentType,
      'content-length': file.size,
      ...(file.encoding ? { 'content-encoding': file.encoding } : {}),
    });
    if (request.method === 'HEAD') response.end();
    else createReadStream(file.path).pipe(response);
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
