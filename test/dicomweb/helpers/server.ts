import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type AtriumConfig } from '../../../src/config.js';
import { buildApp } from '../../../src/dicomweb/app.js';
import { openArchive, type Archive } from '../../../src/storage/open-archive.js';

export const TESTDATA = new URL('../../../../shared/testdata/', import.meta.url);

export interface TestServer {
  root: string;
  origin: string;
  dataDir: string;
  archive: Archive;
  close(): Promise<void>;
}

/** buildApp() on a fresh data directory, listening on an ephemeral loopback port. */
export async function startServer(overrides: Partial<AtriumConfig> = {}): Promise<TestServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-test-'));
  const config = defaultConfig({ dataDir, port: 0, logLevel: 'warn', ...overrides });
  const archive = await openArchive(dataDir, { frameCacheBytes: config.frameCacheBytes });
  const app = await buildApp({ config, ...archive, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  return {
    archive,
    dataDir,
    origin,
    root: `${origin}/dicom-web`,
    async close() {
      await app.close();
      archive.index.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
