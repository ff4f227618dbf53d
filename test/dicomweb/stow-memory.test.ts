import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TESTDATA } from './helpers/server.js';

const CLI = new URL('../../dist/bin/atrium.js', import.meta.url);
const BODY_BYTES = 1024 ** 3;
const PEAK_RSS_LIMIT = 300 * 1024 * 1024;

let server: ChildProcess;
let root: string;
let dataDir: string;

/** Peak resident set size of a process (Linux), in bytes. */
function peakRss(pid: number): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) * 1024;
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'atrium-mem-'));
  server = spawn(process.execPath, [CLI.pathname, 'serve', '--port', '0', '--data', dataDir, '--log-level', 'warn'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  root = await new Promise<string>((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
    server.stdout!.on('data', (chunk: Buffer) => {
      const url = /DICOMweb root (\S+)/.exec(chunk.toString())?.[1];
      if (url) resolve(url);
    });
  });
});

afterAll(async () => {
  server.kill('SIGTERM');
  await rm(dataDir, { recursive: true, force: true });
});

describe('STOW-RS streams its body (issue: peak RSS under 300 MB whatever the body size)', () => {
  it('a 1 GB chunked request of ~2,000 parts: every part acknowledged, memory flat', async () => {
    const instance = await readFile(new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA));
    const boundary = 'memory-test-boundary';
    const head = Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`);
    const parts = Math.ceil(BODY_BYTES / (instance.length + head.length + 2));
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < parts; i++) yield Buffer.concat([head, instance, Buffer.from('\r\n')]);
        yield Buffer.from(`--${boundary}--\r\n`);
      })(),
    );
    const res = await request(`${root}/studies`, {
      method: 'POST',
      headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
      body,
      bodyTimeout: 0,
      headersTimeout: 0,
    });
    const json = (await res.body.json()) as Record<string, { Value?: unknown[] }>;
    expect(res.statusCode).toBe(200);
    // The same instance again and again: stored once, then acknowledged as identical.
    expect(json['00081199']?.Value).toHaveLength(parts);
    const peak = peakRss(server.pid!);
    process.stdout.write(`STOW of ${parts} parts (${(BODY_BYTES / 2 ** 30).toFixed(1)} GiB): server peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB\n`);
    expect(peak).toBeLessThan(PEAK_RSS_LIMIT);
  }, 180_000);
});
