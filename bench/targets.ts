// Benchmark targets: a DICOMweb root URL with a lifecycle. atrium and Orthanc are
// started on loopback with empty temporary storage; `--peer URL` benchmarks an
// already running server (loopback only: these loops are not for remote hosts).
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';

export interface Target {
  readonly name: string;
  /** The DICOMweb root, without a trailing slash; set once prepare() resolved. */
  root: string;
  /** Free text for the result file, e.g. "Orthanc 1.10.1, DICOMweb plugin 1.7". */
  version: string;
  prepare(): Promise<void>;
  stop(): Promise<void>;
}

export const REPO = path.resolve(import.meta.dirname, '..');
const ORTHANC = '/usr/sbin/Orthanc';
const ORTHANC_DICOMWEB = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function getStatus(url: string): Promise<number> {
  try {
    const res = await request(url, { headersTimeout: 2000, bodyTimeout: 2000 });
    await res.body.dump();
    return res.statusCode;
  } catch {
    return 0;
  }
}

/** A server process we own: its log goes to a file, its exit is watched. */
class Spawned {
  readonly #child: ChildProcess;
  #exit: string | undefined;
  readonly #exited: Promise<void>;

  constructor(cmd: string, args: string[], readonly logFile: string, env?: NodeJS.ProcessEnv) {
    // The log goes straight to a file: piping it through this process would
    // charge the server's logging to the benchmark client's CPU.
    const log = openSync(logFile, 'w');
    this.#child = spawn(cmd, args, { cwd: REPO, stdio: ['ignore', log, log], env: env ?? process.env });
    closeSync(log);
    this.#exited = new Promise((resolve) => {
      this.#child.once('exit', (code, signal) => {
        this.#exit = signal ?? `code ${code}`;
        resolve();
      });
      this.#child.once('error', (err) => {
        this.#exit = err.message;
        resolve();
      });
    });
  }

  async waitReady(url: string, what: string, timeoutMs = 60_000): Promise<void> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (this.#exit !== undefined) throw new Error(`${what} exited (${this.#exit}) before it was ready:\n${await this.tail()}`);
      if ((await getStatus(url)) === 200) return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${what} not ready after ${timeoutMs} ms:\n${await this.tail()}`);
  }

  async tail(): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-15).join('\n');
  }

  /** SIGTERM, then SIGKILL after 10 s: only ever our own child, by its pid. */
  async stop(): Promise<void> {
    if (this.#exit !== undefined) return;
    this.#child.kill('SIGTERM');
    const killer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(killer);
  }
}

export interface AtriumOptions {
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=.bench/profiles']. */
  readonly nodeArgs?: readonly string[];
  /** Extra `atrium serve` flags; none by default, so the defaults are measured. */
  readonly serveArgs?: readonly string[];
  readonly keepData?: boolean;
}

/** atrium from dist/ (run `npm run build` first), on a fresh data directory. */
export function atriumTarget(opts: AtriumOptions = {}): Target {
  let proc: Spawned | undefined;
  let dataDir = '';
  const target: Target = {
    name: 'atrium',
    root: '',
    version: '',
    async prepare() {
      dataDir = await mkdtemp(path.join(os.tmpdir(), 'atrium-bench-'));
      const port = await freePort();
      proc = new Spawned(
        process.execPath,
        [...(opts.nodeArgs ?? []), 'dist/bin/atrium.js', 'serve', '--host', '127.0.0.1', '--port', String(port), '--data', path.join(dataDir, 'data'), ...(opts.serveArgs ?? [])],
        path.join(dataDir, 'atrium.log'),
        { ...process.env, NODE_ENV: 'production' },
      );
      await proc.waitReady(`http://127.0.0.1:${port}/healthz`, 'atrium');
      target.root = `http://127.0.0.1:${port}/dicom-web`;
      const pkg = JSON.parse(await readFile(path.join(REPO, 'package.json'), 'utf8')) as { version?: string };
      target.version = `atrium ${pkg.version ?? '?'} (node ${process.version})`;
    },
    async stop() {
      await proc?.stop();
      if (dataDir && !opts.keepData) await rm(dataDir, { recursive: true, force: true });
    },
  };
  return target;
}

/** Debian's Orthanc with its DICOMweb plugin, default settings otherwise. */
export function orthancTarget(): Target {
  let proc: Spawned | undefined;
  let dir = '';
  const target: Target = {
    name: 'orthanc',
    root: '',
    version: '',
    async prepare() {
      dir = await mkdtemp(path.join(os.tmpdir(), 'orthanc-bench-'));
      const port = await freePort();
      const config = {
        Name: 'atrium-bench',
        StorageDirectory: path.join(dir, 'storage'),
        IndexDirectory: path.join(dir, 'index'),
        HttpPort: port,
        RemoteAccessAllowed: false,
        AuthenticationEnabled: false,
        DicomServerEnabled: false,
        HttpServerEnabled: true,
        KeepAlive: true,
        HttpCompressionEnabled: false,
        Plugins: [ORTHANC_DICOMWEB],
        DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Host: '127.0.0.1', Ssl: false },
      };
      const configFile = path.join(dir, 'orthanc.json');
      await writeFile(configFile, JSON.stringify(config, null, 2));
      proc = new Spawned(ORTHANC, [configFile], path.join(dir, 'orthanc.log'));
      const base = `http://127.0.0.1:${port}`;
      await proc.waitReady(`${base}/system`, 'Orthanc');
      // /system answers before plugins finished registering their routes.
      await proc.waitReady(`${base}/dicom-web/studies`, 'Orthanc DICOMweb plugin');
      target.root = `${base}/dicom-web`;
      target.version = await orthancVersion(base);
    },
    async stop() {
      await proc?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
  return target;
}

async function orthancVersion(base: string): Promise<string> {
  try {
    const sys = (await (await request(`${base}/system`)).body.json()) as { Version?: string };
    const plugin = (await (await request(`${base}/plugins/dicom-web`)).body.json()) as { Version?: string };
    return `Orthanc ${sys.Version ?? '?'}, DICOMweb plugin ${plugin.Version ?? '?'}`;
  } catch {
    return 'Orthanc (version unknown)';
  }
}

/** An already running server; nothing to start or stop. */
export function urlTarget(name: string, root: string): Target {
  const url = new URL(root);
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
    throw new Error(`--peer ${root}: benchmarks only run against loopback servers`);
  }
  return {
    name,
    root: root.replace(/\/+$/, ''),
    version: root,
    async prepare() {
      if ((await getStatus(`${this.root}/studies?limit=1`)) !== 200) {
        throw new Error(`${root} does not answer GET /studies with 200`);
      }
    },
    async stop() {},
  };
}
