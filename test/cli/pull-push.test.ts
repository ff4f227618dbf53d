import { createHash } from 'node:crypto';
import { createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DicomwebClient } from '../../src/dicomweb/client/dicomweb-client.js';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';
import { instancesOn, SERIES, STUDY, storeFiles } from './helpers/dicomdir-series.js';
import { runCli, summary } from './helpers/run-cli.js';

/** Two atrium servers: `source` holds three studies (A: 7 instances, B: 4, C: 1), `dest` starts empty. */
let source: TestServer;
let dest: TestServer;
let sourceClient: DicomwebClient;
let destClient: DicomwebClient;

beforeAll(async () => {
  [source, dest] = await Promise.all([startServer(), startServer()]);
  sourceClient = new DicomwebClient({ root: source.root });
  destClient = new DicomwebClient({ root: dest.root });
  await storeFiles(sourceClient, [...SERIES.ct5, ...SERIES.ct2, ...SERIES.ct4, ...SERIES.cr]);
});
afterAll(() => Promise.all([source.close(), dest.close()]));

/** A loopback port nothing listens on (just released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function sha256Of(client: DicomwebClient, study: string, series: string, instance: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of client.retrieveInstance(study, series, instance)) hash.update(chunk);
  return hash.digest('hex');
}

describe('atrium pull and push (between two DICOMweb servers)', () => {
  it('pull --study copies one study byte for byte and verifies every instance arrived', async () => {
    const r = await runCli(['pull', '--from', source.root, '--to', dest.root, '--study', STUDY.a, '--batch', '3']);
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r)).toBe('1 study, 7 instances: 7 copied, 0 already present, 0 failed; verified: all 7 on the destination');
    expect(r.stderr).toContain('copying instances: 100% 7/7');
    expect(await instancesOn(destClient, STUDY.a)).toEqual(await instancesOn(sourceClient, STUDY.a));
    expect(await instancesOn(destClient, STUDY.b)).toEqual([]);
    const first = (await sourceClient.search('instances', { study: STUDY.a }).next()).value!;
    const ids = [STUDY.a, String(first['0020000E']!.Value![0]), String(first['00080018']!.Value![0])] as const;
    expect(await sha256Of(destClient, ...ids)).toBe(await sha256Of(sourceClient, ...ids));
  });

  it('resumes: instances the destination already lists (by QIDO) are not sent again', async () => {
    // Half of study B is there already, as if an earlier run had been interrupted.
    await storeFiles(destClient, SERIES.ct4.slice(0, 2));
    const r = await runCli(['push', '--from', source.root, '--to', dest.root, '--all']);
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r)).toBe('3 studies, 12 instances: 3 copied, 9 already present, 0 failed; verified: all 12 on the destination');
    for (const study of [STUDY.a, STUDY.b, STUDY.c]) expect(await instancesOn(destClient, study)).toEqual(await instancesOn(sourceClient, study));

    const again = await runCli(['pull', '--from', source.root, '--to', dest.root, '--query', 'PatientID=77654033']);
    expect(again.code, again.stderr).toBe(0);
    expect(summary(again)).toBe('2 studies, 5 instances: 0 copied, 5 already present, 0 failed; verified: all 5 on the destination');
  });

  it('reports what the destination refused and what is missing after the copy, and exits 1', async () => {
    // A tenant that takes 3 instances: the other 4 fail with 0xA700 (out of resources).
    const small = TenantId.parse('small');
    dest.archive.tenants.add(small);
    dest.archive.tenants.setQuota(small, { maxInstances: 3, maxBytes: null });
    const r = await runCli(['pull', '--from', source.root, '--to', `${dest.origin}/tenants/small/dicom-web`, '--study', STUDY.a]);
    expect(r.code).toBe(1);
    expect(summary(r)).toBe('1 study, 7 instances: 3 copied, 0 already present, 4 failed; verification: 4 of 7 missing on the destination');
    expect(r.stderr.match(/^atrium: failed [0-9.]+: 0xA700 /gm)).toHaveLength(4);
    expect(r.stderr.match(/^atrium: missing on the destination after the copy: study [0-9.]+, instance [0-9.]+$/gm)).toHaveLength(4);
  });

  it('a study the source does not have is a failure; an unreachable source names its URL', async () => {
    const absent = await runCli(['pull', '--from', source.root, '--to', dest.root, '--study', '1.2.3.4.5']);
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain('atrium: study 1.2.3.4.5: no instances on the source');

    const closed = `http://127.0.0.1:${await closedPort()}/dicom-web`;
    const down = await runCli(['pull', '--from', closed, '--to', dest.root, '--all']);
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`atrium: GET ${closed}/studies?limit=1000&offset=0: connect ECONNREFUSED`);
  });

  it('refuses bad command lines with exit 2', async () => {
    for (const args of [
      ['pull', '--study', STUDY.a],
      ['push', '--all'],
      ['pull', '--from', source.root, '--to', dest.root],
      ['pull', '--from', source.root, '--to', dest.root, '--all', '--study', STUDY.a],
      ['pull', '--from', source.root, '--to', dest.root, '--study', '../admin'],
      ['pull', '--from', source.root, '--to', dest.root, '--query', 'PatientID'],
      ['pull', '--from', source.root, '--to', source.root, '--all'],
      ['pull', '--from', source.root, '--to', dest.root, '--tenant', 'north', '--all'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^atrium: /);
    }
  });
});

describe('atrium pull and push with credentials on each side', () => {
  let secured: TestServer;
  const NORTH = TenantId.parse('north');
  let writer: string;
  let reader: string;
  beforeAll(async () => {
    secured = await startServer({ authMode: 'required' });
    secured.archive.tenants.add(NORTH);
    writer = secured.archive.keys.add({ tenant: NORTH, role: 'writer' }).key;
    reader = secured.archive.keys.add({ tenant: NORTH, role: 'reader' }).key;
  });
  afterAll(() => secured.close());

  it('pull into a tenant that requires a key: refused without one (401, exit 1), copied with --to-key', async () => {
    const north = `${secured.origin}/tenants/north/dicom-web`;
    const refused = await runCli(['pull', '--from', source.root, '--to', north, '--study', STUDY.b]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`atrium: GET ${north}/studies/${STUDY.b}/instances?includefield=0020000E&limit=1000&offset=0: 401 Unauthorized`);

    const r = await runCli(['pull', '--from', source.root, '--to', north, '--to-key', writer, '--study', STUDY.b]);
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r)).toBe('1 study, 4 instances: 4 copied, 0 already present, 0 failed; verified: all 4 on the destination');
  });

  it('push from a tenant that requires a key, with HTTP Basic (--from-user, --from-password)', async () => {
    const fresh = await startServer();
    try {
      const r = await runCli(['push', '--from', `${secured.origin}/tenants/north/dicom-web`, '--from-user', 'copier', '--from-password', reader, '--to', fresh.root, '--all']);
      expect(r.code, r.stderr).toBe(0);
      expect(summary(r)).toBe('1 study, 4 instances: 4 copied, 0 already present, 0 failed; verified: all 4 on the destination');
      expect(await instancesOn(new DicomwebClient({ root: fresh.root }), STUDY.b)).toHaveLength(4);
    } finally {
      await fresh.close();
    }
  });
});
