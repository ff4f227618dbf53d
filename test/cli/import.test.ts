import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebClient } from '../../src/dicomweb/client/dicomweb-client.js';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';
import { instancesOn, SERIES, seriesFile, STUDY } from './helpers/dicomdir-series.js';
import { startGateProxy } from './helpers/gate-proxy.js';
import { runCli, summary } from './helpers/run-cli.js';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'atrium-import-'));
});
afterAll(() => rm(work, { recursive: true, force: true }));

/** A folder laid out as given: relative path → a test file to copy, or the bytes to write. */
async function folder(name: string, layout: Record<string, URL | Uint8Array | string>): Promise<string> {
  const dir = join(work, name);
  for (const [rel, content] of Object.entries(layout)) {
    const path = join(dir, rel);
    await mkdir(dirname(path), { recursive: true });
    if (content instanceof URL) await copyFile(content, path);
    else await writeFile(path, content);
  }
  return dir;
}

const files = (prefix: string, rels: readonly string[]) =>
  Object.fromEntries(rels.map((rel) => [`${prefix}/${rel.split('/').at(-1)}`, seriesFile(rel)]));

const stateLines = async (dir: string) => (await readFile(join(dir, '.atrium-import'), 'utf8').catch(() => '')).split('\n').filter(Boolean);

describe('atrium import (to a running server by STOW-RS)', () => {
  let server: TestServer;
  let client: DicomwebClient;
  beforeAll(async () => {
    server = await startServer();
    client = new DicomwebClient({ root: server.root });
  });
  afterAll(() => server.close());

  it('stores every DICOM file of a folder tree, skips the other files by reason, and a rerun sends nothing again', async () => {
    const dir = await folder('tree', {
      ...files('patient-1/ct5', SERIES.ct5),
      ...files('patient-1/ct2', SERIES.ct2),
      ...files('patient-2', SERIES.cr),
      DICOMDIR: new URL('files/pydicom/dicomdirtests/DICOMDIR.dcm', TESTDATA),
      'notes.txt': 'scanned on Tuesday\n',
      'scan.png': Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'empty.dcm': '',
    });
    const first = await runCli(['import', dir, '--to', server.root, '--batch', '3']);
    expect(first.code, first.stderr).toBe(0);
    expect(summary(first)).toBe('8 stored, 0 already present, 4 skipped, 0 failed');
    expect(first.stdout).toMatch(/^skipped: .*\b1 DICOMDIR\b/m);
    expect(first.stdout).toMatch(/^skipped: .*\b3 not DICOM\b/m);
    // Not a terminal: plain progress lines on stderr, the last one complete.
    expect(first.stderr).toContain('import: 100% 12/12, 8 stored, 0 failed');
    expect(await instancesOn(client, STUDY.a)).toHaveLength(7);
    expect(await instancesOn(client, STUDY.c)).toHaveLength(1);
    expect(await stateLines(dir)).toHaveLength(8);

    const again = await runCli(['import', dir, '--to', server.root]);
    expect(again.code, again.stderr).toBe(0);
    expect(summary(again)).toBe('0 stored, 8 already present, 4 skipped, 0 failed');
  });

  it('resumes after being killed mid-run: acknowledged files are not sent again', async () => {
    const dir = await folder('interrupted', { ...files('ct4', SERIES.ct4), ...files('ct5', SERIES.ct5), ...files('ct2', SERIES.ct2) });
    const fresh = await startServer();
    const proxy = await startGateProxy(fresh.origin);
    try {
      // Two requests of two files get through, the next ones hang: kill the import there.
      proxy.passPosts = 2;
      const killed = await runCli(['import', dir, '--to', proxy.root, '--batch', '2'], async (child) => {
        while ((await stateLines(dir)).length < 4) await sleep(20);
        await sleep(200); // nothing more can be acknowledged: the other requests are held
        child.kill('SIGKILL');
      });
      expect(killed.signal).toBe('SIGKILL');
      expect(await stateLines(dir)).toHaveLength(4);
      const freshClient = new DicomwebClient({ root: fresh.root });
      const storedBefore = (await instancesOn(freshClient, STUDY.a)).length + (await instancesOn(freshClient, STUDY.b)).length;
      expect(storedBefore).toBe(4);

      proxy.passPosts = Infinity;
      const resumed = await runCli(['import', dir, '--to', proxy.root, '--batch', '2']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(summary(resumed)).toBe('7 stored, 4 already present, 0 skipped, 0 failed');
      expect(await instancesOn(freshClient, STUDY.a)).toHaveLength(7);
      expect(await instancesOn(freshClient, STUDY.b)).toHaveLength(4);
    } finally {
      await proxy.close();
      await fresh.close();
    }
  });

  it('exits 1 and names each file the server refused; a rerun retries only those', async () => {
    const ct = await readFile(new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA));
    const dir = await folder('refused', {
      ...files('ok', SERIES.ct4.slice(0, 2)),
      // Starts like Part 10, ends after 600 bytes: unreadable here, refused there.
      'broken.dcm': ct.subarray(0, 600),
      // The same SOP Instance UID in two encodings: whichever arrives second is a conflicting duplicate (0x0111).
      'mr-little-endian.dcm': new URL('files/DICOMHTJ2K/MR1_UNC.dcm', TESTDATA),
      'mr-big-endian.dcm': new URL('files/pydicom/MR_small_expb.dcm', TESTDATA),
    });
    const first = await runCli(['import', dir, '--to', server.root]);
    expect(first.code).toBe(1);
    expect(summary(first)).toBe('3 stored, 0 already present, 0 skipped, 2 failed');
    expect(first.stderr).toMatch(/^atrium: failed broken\.dcm: 0x[0-9A-F]{4}/m);
    expect(first.stderr).toMatch(/^atrium: failed mr-(little|big)-endian\.dcm: 0x0111 /m);

    const again = await runCli(['import', dir, '--to', server.root]);
    expect(again.code).toBe(1);
    expect(summary(again)).toBe('0 stored, 3 already present, 0 skipped, 2 failed');
  });

  it('refuses bad command lines with exit 2', async () => {
    const dir = await folder('usage', { 'x.txt': 'x' });
    for (const args of [['import'], ['import', join(dir, 'missing')], ['import', dir, '--batch', '0'], ['import', dir, '--key', 'k', '--user', 'u', '--password', 'p'], ['import', dir, '--to', 'ftp://host/dicom-web']]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^atrium: /);
    }
  });
});

describe('atrium import into a tenant of a server that requires credentials', () => {
  let server: TestServer;
  const NORTH = TenantId.parse('north');
  const SOUTH = TenantId.parse('south');
  let keys: { northWriter: string; northReader: string; southWriter: string };
  beforeAll(async () => {
    server = await startServer({ authMode: 'required' });
    server.archive.tenants.add(NORTH);
    server.archive.tenants.add(SOUTH);
    const add = (tenant: TenantId, role: 'reader' | 'writer') => server.archive.keys.add({ tenant, role }).key;
    keys = { northWriter: add(NORTH, 'writer'), northReader: add(NORTH, 'reader'), southWriter: add(SOUTH, 'writer') };
  });
  afterAll(() => server.close());

  it('without a key: stops at the 401, names the URL, exits 1; a reader key: 403', async () => {
    const dir = await folder('auth-refused', files('ct5', SERIES.ct5));
    const none = await runCli(['import', dir, '--to', server.root, '--tenant', 'north', '--batch', '2']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`atrium: stopped: POST ${server.origin}/tenants/north/dicom-web/studies: 401 Unauthorized`);
    expect(summary(none)).toMatch(/^0 stored, 0 already present, 0 skipped, [1-9]\d* failed, [1-9]\d* not attempted/);

    const reader = await runCli(['import', dir, '--to', server.root, '--tenant', 'north', '--key', keys.northReader]);
    expect(reader.code).toBe(1);
    expect(reader.stderr).toContain(': 403 Forbidden');
  });

  it('stores with a Bearer key (--key) or HTTP Basic (--user, --password), each in its tenant', async () => {
    const dir = await folder('auth-ok', { ...files('ct5', SERIES.ct5), ...files('ct2', SERIES.ct2) });
    const bearer = await runCli(['import', dir, '--to', server.root, '--tenant', 'north', '--key', keys.northWriter]);
    expect(bearer.code, bearer.stderr).toBe(0);
    expect(summary(bearer)).toBe('7 stored, 0 already present, 0 skipped, 0 failed');
    // Another destination: the state of the first one does not apply.
    const basic = await runCli(['import', dir, '--to', `${server.origin}/tenants/south/dicom-web`, '--user', 'uploader', '--password', keys.southWriter]);
    expect(basic.code, basic.stderr).toBe(0);
    expect(summary(basic)).toBe('7 stored, 0 already present, 0 skipped, 0 failed');

    const north = new DicomwebClient({ root: `${server.origin}/tenants/north/dicom-web`, credentials: { kind: 'bearer', token: keys.northReader } });
    expect(await instancesOn(north, STUDY.a)).toHaveLength(7);
  });
});
