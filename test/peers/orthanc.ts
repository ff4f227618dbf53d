// Debian's Orthanc with its DICOMweb plugin as a real peer: a harness that runs
// one on loopback (temp storage, generated config, free ports) and drives its
// REST API and DICOMweb client. The peer is required, never optional: CI
// installs it (.ci/run), and a machine without it fails these tests loudly.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, constants, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { closeSync, openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'undici';
import { freePort } from '../../conformance/harness/target.js';

export const ORTHANC_BINARY = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';

/** One entry of DicomWeb.Servers: a remote DICOMweb server Orthanc's client can use. */
export interface DicomWebServerEntry {
  Url: string;
  Username?: string;
  Password?: string;
  HttpHeaders?: Record<string, string>;
}

export interface OrthancOptions {
  /** Orthanc's Name (also in its log and temp directory). */
  name: string;
  /** DicomWeb.Servers, by name. */
  servers?: Record<string, DicomWebServerEntry>;
}

/** POST /instances answer. */
export interface UploadedInstance {
  ID: string;
  ParentStudy: string;
  ParentSeries: string;
  Status: string;
}

/** GET /instances/{id} answer (the fields used here). */
export interface OrthancInstance {
  ID: string;
  MainDicomTags: { SOPInstanceUID: string };
  ParentSeries: string;
}

/** GET /jobs/{id} answer (the fields used here). */
export interface OrthancJob {
  ID: string;
  Type: string;
  State: 'Pending' | 'Running' | 'Success' | 'Failure' | 'Paused' | 'Retry';
  ErrorCode: number;
  ErrorDescription: string;
  ErrorDetails?: string;
  Content: Record<string, unknown>;
}

/**
 * One match of /dicom-web/servers/{name}/qido: Orthanc re-renders the DICOM JSON
 * it received in its own form, each element with Name and a string Value (an
 * array of items for sequences).
 */
export type OrthancQidoMatch = Record<string, { Group: number; Element: number; Name: string; vr: string; Value?: string | OrthancQidoMatch[] }>;

/** A resource for /dicom-web/servers/{name}/retrieve. */
export interface RetrieveResource {
  Study: string;
  Series?: string;
  Instance?: string;
}

export interface RawAnswer {
  status: number;
  contentType: string;
  body: Buffer;
}

/** Fails with an actionable message when the peer is not installed (no skipping: CI installs it). */
export async function assertOrthancInstalled(): Promise<void> {
  for (const [path, pkg] of [[ORTHANC_BINARY, 'orthanc'], [DICOMWEB_PLUGIN, 'orthanc-dicomweb']] as const) {
    try {
      await access(path, constants.R_OK);
    } catch {
      throw new Error(`Orthanc peer tests need ${path}, which is missing: install Debian's ${pkg} package (apt-get install orthanc orthanc-dicomweb; .ci/run does)`);
    }
  }
}

/** Thrown for a non-2xx answer of Orthanc's REST API, with Orthanc's own error text. */
export class OrthancError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    what: string,
  ) {
    super(`Orthanc ${what}: HTTP ${status} ${body.slice(0, 500)}`);
    this.name = 'OrthancError';
  }
}

/** A running Orthanc we own: its child process, temp directory and REST base URL. */
export class Orthanc {
  #exit: string | undefined;
  readonly #exited: Promise<void>;

  private constructor(
    readonly name: string,
    readonly base: string,
    readonly dir: string,
    readonly logFile: string,
    private readonly child: ChildProcess,
  ) {
    this.#exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = signal ?? `code ${code}`;
        resolve();
      });
      child.once('error', (err) => {
        this.#exit = err.message;
        resolve();
      });
    });
  }

  static async start(options: OrthancOptions): Promise<Orthanc> {
    await assertOrthancInstalled();
    const dir = await mkdtemp(join(tmpdir(), `orthanc-${options.name}-`));
    const [httpPort, dicomPort] = [await freePort(), await freePort()];
    const config = {
      Name: options.name,
      StorageDirectory: join(dir, 'storage'),
      IndexDirectory: join(dir, 'index'),
      HttpPort: httpPort,
      DicomPort: dicomPort,
      DicomAet: options.name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 16) || 'ORTHANC',
      // Loopback only, so no authentication is needed to drive it.
      RemoteAccessAllowed: false,
      AuthenticationEnabled: false,
      // Keep received files as they are: byte comparisons depend on it.
      StorageCompression: false,
      HttpCompressionEnabled: false,
      Plugins: [DICOMWEB_PLUGIN],
      DicomWeb: { Enable: true, Root: '/dicom-web/', EnableWado: false, Servers: options.servers ?? {} },
    };
    const configFile = join(dir, 'orthanc.json');
    await writeFile(configFile, JSON.stringify(config, null, 2));
    const logFile = join(dir, 'orthanc.log');
    const log = openSync(logFile, 'w');
    // libcurl honours proxy variables: keep loopback traffic off any proxy.
    const env: NodeJS.ProcessEnv = { ...process.env, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' };
    for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY']) delete env[name];
    const child = spawn(ORTHANC_BINARY, ['--verbose', configFile], { cwd: dir, stdio: ['ignore', log, log], env });
    closeSync(log);
    const orthanc = new Orthanc(options.name, `http://127.0.0.1:${httpPort}`, dir, logFile, child);
    // A crashed test worker must not leave the peer running.
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    void orthanc.#exited.then(() => process.off('exit', killOnExit));
    try {
      await orthanc.#waitFor('/system');
      // The plugin's routes are the ones the tests use.
      await orthanc.#waitFor('/dicom-web/servers');
    } catch (err) {
      await orthanc.stop();
      throw err;
    }
    return orthanc;
  }

  async #waitFor(path: string, timeoutMs = 30_000): Promise<void> {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      if (this.#exit !== undefined) throw new Error(`Orthanc ${this.name} exited (${this.#exit}) before answering ${path}:\n${await this.logTail()}`);
      try {
        const res = await request(`${this.base}${path}`, { headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.dump();
        if (res.statusCode === 200) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`Orthanc ${this.name} did not answer ${path} within ${timeoutMs} ms:\n${await this.logTail()}`);
  }

  /** The last lines of Orthanc's log, for failure messages. */
  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.logFile, 'utf8').catch(() => '');
    return text.split('\n').slice(-lines).join('\n');
  }

  /** SIGTERM, then SIGKILL after 10 s; only ever our own child. Removes the temp directory. */
  async stop(): Promise<void> {
    if (this.#exit === undefined) {
      this.child.kill('SIGTERM');
      const killer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
      await this.#exited;
      clearTimeout(killer);
    }
    await rm(this.dir, { recursive: true, force: true });
  }

  async #call(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Buffer | string): Promise<RawAnswer> {
    const res = await request(`${this.base}${path}`, {
      method,
      body,
      headers: typeof body === 'string' ? { 'content-type': 'application/json' } : body ? { 'content-type': 'application/dicom' } : {},
      // Synchronous DICOMweb jobs answer only when the whole transfer is done.
      headersTimeout: 300_000,
      bodyTimeout: 300_000,
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, contentType: String(res.headers['content-type'] ?? ''), body: bytes };
  }

  async #json<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: Buffer | string): Promise<T> {
    const answer = await this.#call(method, path, body);
    if (answer.status < 200 || answer.status > 299) throw new OrthancError(answer.status, answer.body.toString('utf8'), `${method} ${path}`);
    return JSON.parse(answer.body.toString('utf8')) as T;
  }

  /** POST /instances: store one DICOM file in this Orthanc. */
  upload(file: Buffer): Promise<UploadedInstance> {
    return this.#json<UploadedInstance>('POST', '/instances', file);
  }

  /** GET /instances: the Orthanc ids of every stored instance. */
  instanceIds(): Promise<string[]> {
    return this.#json<string[]>('GET', '/instances');
  }

  instance(id: string): Promise<OrthancInstance> {
    return this.#json<OrthancInstance>('GET', `/instances/${id}`);
  }

  /** GET /instances/{id}/file: the stored file, as Orthanc keeps it. */
  async instanceFile(id: string): Promise<Buffer> {
    const answer = await this.#call('GET', `/instances/${id}/file`);
    if (answer.status !== 200) throw new OrthancError(answer.status, answer.body.toString('utf8'), `GET /instances/${id}/file`);
    return answer.body;
  }

  /** Every stored file by SOP Instance UID. */
  async filesBySopUid(): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    for (const id of await this.instanceIds()) {
      const { MainDicomTags } = await this.instance(id);
      files.set(MainDicomTags.SOPInstanceUID, await this.instanceFile(id));
    }
    return files;
  }

  async deleteInstance(id: string): Promise<void> {
    await this.#json<unknown>('DELETE', `/instances/${id}`);
  }

  /**
   * POST /dicom-web/servers/{server}/stow with {"Resources": ids}: one STOW-RS
   * request holding every instance. Run as a job (asynchronous), so that a
   * failure is read from the job rather than inferred from an HTTP error.
   */
  async stow(server: string, resources: string[]): Promise<OrthancJob> {
    const { ID } = await this.#json<{ ID: string }>(
      'POST',
      `/dicom-web/servers/${server}/stow`,
      JSON.stringify({ Resources: resources, Synchronous: false }),
    );
    return this.waitForJob(ID);
  }

  /** POST /dicom-web/servers/{server}/retrieve: WADO-RS into this Orthanc, as a job. */
  async retrieve(server: string, resources: RetrieveResource[]): Promise<OrthancJob> {
    const { ID } = await this.#json<{ ID: string }>(
      'POST',
      `/dicom-web/servers/${server}/retrieve`,
      JSON.stringify({ Resources: resources, Synchronous: false }),
    );
    return this.waitForJob(ID);
  }

  /** POST /dicom-web/servers/{server}/qido: a QIDO-RS search through Orthanc's client. */
  qido(server: string, uri: string, args: Record<string, string> = {}): Promise<OrthancQidoMatch[]> {
    return this.#json<OrthancQidoMatch[]>('POST', `/dicom-web/servers/${server}/qido`, JSON.stringify({ Uri: uri, Arguments: args }));
  }

  /** POST /dicom-web/servers/{server}/get: any GET through Orthanc's client, answered as received. */
  get(server: string, uri: string, headers: Record<string, string> = {}): Promise<RawAnswer> {
    return this.#call('POST', `/dicom-web/servers/${server}/get`, JSON.stringify({ Uri: uri, HttpHeaders: headers }));
  }

  /**
   * A job's outcome on one line: "Success", or the failure with what Orthanc's
   * client logged about it (the HTTP status the remote server answered).
   */
  async describeJob(job: OrthancJob): Promise<string> {
    if (job.State !== 'Failure') return job.State;
    const cause = String(job.Content.FunctionErrorDescription ?? '');
    const log = (await this.logTail(200)).split('\n').filter((line) => /HttpClient|Error in a job/.test(line));
    return `Failure: ${job.ErrorDescription}${cause ? ` (${cause})` : ''}${job.ErrorDetails ? ` ${job.ErrorDetails}` : ''}\n${log.slice(-4).join('\n')}`;
  }

  /** Polls GET /jobs/{id} until the job succeeds or fails. */
  async waitForJob(id: string, timeoutMs = 240_000): Promise<OrthancJob> {
    const t0 = Date.now();
    for (;;) {
      const job = await this.#json<OrthancJob>('GET', `/jobs/${id}`);
      if (job.State === 'Success' || job.State === 'Failure') return job;
      if (Date.now() - t0 > timeoutMs) throw new Error(`Orthanc job ${id} (${job.Type}) still ${job.State} after ${timeoutMs} ms:\n${await this.logTail()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/**
 * The parts of a multipart/related body (RFC 2046 5.1), parsed independently of
 * atrium's own reader so that a fault in atrium's writer cannot hide behind it.
 */
export function multipartParts(contentType: string, body: Buffer): Array<{ headers: Record<string, string>; body: Buffer }> {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: Record<string, string>; body: Buffer }> = [];
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const afterDelimiter = at + delimiter.length;
    if (body.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', afterDelimiter);
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd);
    if (headerEnd < 0 || next < 0) throw new Error('truncated multipart body');
    const headers: Record<string, string> = {};
    for (const line of body.subarray(afterDelimiter, headerEnd).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: body.subarray(headerEnd + 4, next) });
    at = next + 2;
  }
  return parts;
}
