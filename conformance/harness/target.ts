/**
 * The DICOMweb server under test.
 *
 * - `ATRIUM_CONFORMANCE_URL=http://host:port/dicom-web` points the suite at any
 *   running DICOMweb root (atrium, Orthanc, ...); the suite then neither starts nor
 *   stops anything. `ATRIUM_CONFORMANCE_HEALTH_URL` optionally names a liveness URL
 *   (default: `{origin}/healthz` when it answers 200, else `{root}/studies?limit=1`).
 * - Otherwise one atrium is spawned per test file from `dist/bin/atrium.js`
 *   (`npm run build` first) on a free loopback port with a fresh temp data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';

export interface Target {
  /** DICOMweb root without a trailing slash, e.g. http://127.0.0.1:8080/dicom-web */
  readonly root: string;
  /** scheme://host:port of the root */
  readonly origin: string;
  /** true when the suite did not start the server itself */
  readonly external: boolean;
  /** Is the server still answering? (healthz 200, or a trivial QIDO for external servers without one) */
  alive(): Promise<boolean>;
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const READY_TIMEOUT_MS = 30_000;

async function statusOf(url: string): Promise<number> {
  try {
    const res = await request(url, { method: 'GET', headersTimeout: 10_000, bodyTimeout: 10_000 });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}

/** A port free on loopback now (for servers the suites start). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function external(url: string): Promise<Target> {
  const root = url.replace(/\/+$/, '');
  const origin = new URL(root).origin;
  let healthUrl = process.env.ATRIUM_CONFORMANCE_HEALTH_URL;
  if (!healthUrl) healthUrl = (await statusOf(origin + '/healthz')) === 200 ? origin + '/healthz' : undefined;
  const probe = healthUrl;
  return {
    root,
    origin,
    external: true,
    async alive() {
      if (probe) return (await statusOf(probe)) === 200;
      const s = await statusOf(root + '/studies?limit=1');
      return s === 200 || s === 204;
    },
    async stop() {},
  };
}

async function spawned(): Promise<Target> {
  const port = await freePort();
  const dataDir = await mkdtemp(join(tmpdir(), 'atrium-conformance-'));
  const entry = join(REPO_ROOT, 'dist/bin/atrium.js');
  const child: ChildProcess = spawn(
    process.execPath,
    // The DICOMweb surface only: a viewer at / would answer unknown paths with its page.
    [entry, 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', dataDir, '--no-viewer'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } },
  );
  let log = '';
  const keep = (b: Buffer): void => {
    log = (log + b.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
  });

  const origin = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`atrium exited (code ${exited}) before /healthz answered 200:\n${log}`);
    }
    if ((await statusOf(origin + '/healthz')) === 200) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
      throw new Error(`atrium did not answer /healthz 200 within ${READY_TIMEOUT_MS} ms:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    root: origin + '/dicom-web',
    origin,
    external: false,
    async alive() {
      return exited === undefined && (await statusOf(origin + '/healthz')) === 200;
    },
    async stop() {
      if (exited === undefined) {
        const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await gone;
        clearTimeout(timer);
      }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startTarget(): Promise<Target> {
  const url = process.env.ATRIUM_CONFORMANCE_URL;
  return url ? external(url) : spawned();
}
