import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GateProxy {
  /** The proxied DICOMweb root. */
  readonly root: string;
  /** How many POST requests to pass before holding the rest unanswered (Infinity: all). */
  passPosts: number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy in front of a server that, after `passPosts` POST requests,
 * holds further ones without an answer: a client killed then is interrupted
 * mid-upload, with a known number of requests acknowledged.
 */
export async function startGateProxy(targetOrigin: string): Promise<GateProxy> {
  const target = new URL(targetOrigin);
  let posts = 0;
  const server: Server = createServer((req, res) => {
    if (req.method === 'POST' && posts++ >= proxy.passPosts) return; // held: never forwarded
    const upstream = request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const proxy: GateProxy = {
    root: `http://127.0.0.1:${(server.address() as AddressInfo).port}/dicom-web`,
    passPosts: Infinity,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
  return proxy;
}
