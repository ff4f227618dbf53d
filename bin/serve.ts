import cluster from 'node:cluster';
import type { AtriumConfig } from '../src/config.js';
import { buildApp } from '../src/dicomweb/app.js';
import { openArchive } from '../src/storage/open-archive.js';

function announce(config: AtriumConfig, port: number): void {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`atrium: DICOMweb root http://${host}:${port}/dicom-web\n`);
  if (config.viewerDir) process.stdout.write(`atrium: viewer http://${host}:${port}/\n`);
}

/** One server process: the whole app on the shared store. */
async function serveProcess(config: AtriumConfig): Promise<number> {
  const archive = await openArchive(config.dataDir, { frameCacheBytes: config.frameCacheBytes });
  const app = await buildApp({ config, ...archive });
  const shutdown = async () => {
    await app.close();
    archive.index.close();
    process.exit(0);
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  return typeof address === 'object' && address ? address.port : config.port;
}

/**
 * Several processes share the listening socket (node:cluster) and the store:
 * SQLite serialises their writes, blobs are content-addressed. The primary
 * migrates the index once before forking, announces the root when every
 * worker listens, and replaces a worker that dies, so one crash never takes
 * the service down.
 */
async function supervise(config: AtriumConfig): Promise<void> {
  (await openArchive(config.dataDir)).index.close();
  let stopping = false;
  let listening = 0;
  const fork = () => cluster.fork();
  cluster.on('listening', (_worker, address) => {
    if (++listening === config.workers) announce(config, address.port);
  });
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    process.stderr.write(`atrium: worker ${worker.process.pid} exited (${signal ?? code}); starting another\n`);
    fork();
  });
  const stop = () => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGTERM');
    cluster.disconnect(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  for (let i = 0; i < config.workers; i++) fork();
}

export async function serve(config: AtriumConfig): Promise<void> {
  if (config.workers > 1 && cluster.isPrimary) return supervise(config);
  const port = await serveProcess(config);
  if (cluster.isPrimary) announce(config, port);
}
