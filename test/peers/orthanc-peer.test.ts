// Orthanc as a real peer (the brief: hospitals run Orthanc and push to a central
// atrium through Orthanc's DICOMweb client, one tenant per hospital). Orthanc A
// pushes real files to atrium in one STOW-RS request; a fresh Orthanc B pulls
// them back through WADO-RS (/retrieve) and through /get; every instance must
// arrive byte-identical. Then the same push into a tenant with Basic credentials.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DicomJsonDataset } from '../../src/dicom/json-model.js';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';
import { multipartParts, Orthanc, type OrthancQidoMatch } from './orthanc.js';

/**
 * Several studies: a small real hierarchy (two patients, three studies, several
 * series), native CT, multi-frame JPEG 2000 and RLE, JPEG lossless, lossy JPEG
 * 2000. Not the deeply nested file: it crashes Orthanc 1.10 (the brief).
 */
const FILES = [
  'files/pydicom/dicomdirtests/77654033/CR1/6154.dcm',
  'files/pydicom/dicomdirtests/77654033/CR2/6247.dcm',
  'files/pydicom/dicomdirtests/77654033/CR3/6278.dcm',
  'files/pydicom/dicomdirtests/77654033/CT2/17106.dcm',
  'files/pydicom/dicomdirtests/77654033/CT2/17136.dcm',
  'files/pydicom/dicomdirtests/77654033/CT2/17166.dcm',
  'files/pydicom/dicomdirtests/77654033/CT2/17196.dcm',
  'files/pydicom/dicomdirtests/98892001/CT2N/6293.dcm',
  'files/pydicom/dicomdirtests/98892001/CT2N/6924.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/2062.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/2392.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/2693.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/3023.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/3353.dcm',
  'files/DICOMHTJ2K/CT2_UNC.dcm',
  'files/pydicom-data/emri_small_jpeg_2k_lossless.dcm',
  'files/dcm4che/US-PAL-8-10x-echo.dcm',
  'files/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm',
  'files/pydicom/JPEG2000.dcm',
];
/** What the tenant push sends: native, multi-frame JPEG 2000, multi-frame RLE. */
const TENANT_FILES = ['files/DICOMHTJ2K/CT2_UNC.dcm', 'files/pydicom-data/emri_small_jpeg_2k_lossless.dcm', 'files/dcm4che/US-PAL-8-10x-echo.dcm'];

const SITE_A = TenantId.parse('site-a');
const SITE_B = TenantId.parse('site-b');
/** Well-formed, but no such key. */
const WRONG_KEY = `atr_000000000000_${'x'.repeat(43)}`;

interface TestFile {
  path: string;
  bytes: Buffer;
  sha256: string;
  study: string;
  series: string;
  sop: string;
  /** Orthanc A's id once uploaded. */
  orthancId: string;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const uidsOf = (datasets: DicomJsonDataset[], tag: string) => new Set(datasets.map((d) => String(d[tag]?.Value?.[0])));
/** The same from Orthanc's rendering of a QIDO answer (a string Value). */
const uidsSeenByOrthanc = (matches: OrthancQidoMatch[], tag: string) => new Set(matches.map((m) => String(m[tag]?.Value)));
const sorted = (values: Iterable<string>) => [...values].sort();

/** UIDs from the test data's manifest (its contract), by file. */
async function manifest(): Promise<Map<string, { study: string; series: string; sop: string }>> {
  const text = await readFile(new URL('MANIFEST.tsv', TESTDATA), 'utf8');
  const [header = '', ...rows] = text.trimEnd().split('\n');
  const columns = header.split('\t');
  const at = (name: string) => columns.indexOf(name);
  const byFile = new Map<string, { study: string; series: string; sop: string }>();
  for (const row of rows) {
    const cells = row.split('\t');
    byFile.set(cells[at('file')] ?? '', { study: cells[at('study_uid')] ?? '', series: cells[at('series_uid')] ?? '', sop: cells[at('sop_uid')] ?? '' });
  }
  return byFile;
}

async function loadFiles(paths: string[]): Promise<TestFile[]> {
  const uids = await manifest();
  return Promise.all(
    paths.map(async (path) => {
      const bytes = await readFile(new URL(path, TESTDATA));
      const entry = uids.get(path);
      if (!entry?.sop) throw new Error(`${path} has no SOP Instance UID in MANIFEST.tsv`);
      return { path, bytes, sha256: sha256(bytes), ...entry, orthancId: '' };
    }),
  );
}


async function qido(url: string, key?: string): Promise<DicomJsonDataset[]> {
  const res = await request(url, { headers: key ? { authorization: `Bearer ${key}` } : {} });
  const body = await res.body.text();
  expect(res.statusCode, body).toBe(200);
  return JSON.parse(body) as DicomJsonDataset[];
}

let files: TestFile[];
/** atrium with the default root and loopback defaults (no credentials needed). */
let atrium: TestServer;
/** atrium demanding credentials, with two tenants (two hospitals). */
let central: TestServer;
const keys: Record<'writerA' | 'readerA' | 'readerB' | 'adminDefault', string> = { writerA: '', readerA: '', readerB: '', adminDefault: '' };
let orthancA: Orthanc;
let orthancB: Orthanc;

/**
 * Why the peers could not be started (e.g. Orthanc not installed). Every test
 * then fails with it: a failed beforeAll alone would report the tests as
 * skipped, and CI's count would not show the failure.
 */
let startup: unknown;
beforeEach(() => {
  if (startup !== undefined) throw startup;
});

beforeAll(async () => {
  try {
    await startPeers();
  } catch (err) {
    startup = err;
  }
}, 120_000);

async function startPeers(): Promise<void> {
  files = await loadFiles(FILES);
  atrium = await startServer();
  central = await startServer({ authMode: 'required' });
  central.archive.tenants.add(SITE_A);
  central.archive.tenants.add(SITE_B);
  keys.writerA = central.archive.keys.add({ tenant: SITE_A, role: 'writer' }).key;
  keys.readerA = central.archive.keys.add({ tenant: SITE_A, role: 'reader' }).key;
  keys.readerB = central.archive.keys.add({ tenant: SITE_B, role: 'reader' }).key;
  keys.adminDefault = central.archive.keys.add({ tenant: TenantId.DEFAULT, role: 'admin' }).key;
  const siteA = `${central.origin}/tenants/${SITE_A}/dicom-web/`;
  // Orthanc's client sends the key as the Basic password (README: "Username": "any").
  orthancA = await Orthanc.start({
    name: 'hospital-a',
    servers: {
      atrium: { Url: `${atrium.root}/` },
      'site-a': { Url: siteA, Username: 'orthanc', Password: keys.writerA },
      'site-a-wrong-password': { Url: siteA, Username: 'orthanc', Password: WRONG_KEY },
    },
  });
  orthancB = await Orthanc.start({
    name: 'reader-b',
    servers: {
      atrium: { Url: `${atrium.root}/` },
      'site-a': { Url: siteA, Username: 'orthanc', Password: keys.readerA },
    },
  });
}

afterAll(async () => {
  await orthancA?.stop();
  await orthancB?.stop();
  await atrium?.close();
  await central?.close();
});

async function emptyOrthancB(): Promise<void> {
  for (const id of await orthancB.instanceIds()) await orthancB.deleteInstance(id);
  expect(await orthancB.instanceIds()).toEqual([]);
}

/** Every file arrived in Orthanc B with the bytes it had at the start. */
async function expectByteIdenticalInB(expected: TestFile[]): Promise<void> {
  const received = await orthancB.filesBySopUid();
  expect(sorted(received.keys())).toEqual(sorted(expected.map((f) => f.sop)));
  for (const file of expected) expect(sha256(received.get(file.sop) ?? Buffer.alloc(0)), file.path).toBe(file.sha256);
}

describe('Orthanc pushes to atrium and pulls back, byte-identical', () => {
  it('Orthanc A stores the test files', async () => {
    for (const file of files) {
      const stored = await orthancA.upload(file.bytes);
      expect(stored.Status, file.path).toBe('Success');
      file.orthancId = stored.ID;
    }
    expect(await orthancA.instanceIds()).toHaveLength(files.length);
  });

  it("one push through Orthanc's DICOMweb client (one STOW-RS request) stores every instance in atrium", async () => {
    const job = await orthancA.stow('atrium', files.map((f) => f.orthancId));
    expect(await orthancA.describeJob(job)).toBe('Success');
    const instances = await qido(`${atrium.root}/instances?limit=1000`);
    expect(sorted(uidsOf(instances, '00080018'))).toEqual(sorted(files.map((f) => f.sop)));
    // One request, as the brief says Orthanc sends it: one store record in the audit trail.
    const stores = atrium.archive.audit.query({}).filter((r) => r.action === 'store');
    expect(stores).toHaveLength(1);
    expect(stores[0]?.outcome).toBe(200);
  });

  it("atrium's QIDO and Orthanc's /qido through atrium find every study", async () => {
    const studies = sorted(new Set(files.map((f) => f.study)));
    expect(sorted(uidsOf(await qido(`${atrium.root}/studies`), '0020000D'))).toEqual(studies);
    expect(sorted(uidsSeenByOrthanc(await orthancA.qido('atrium', '/studies'), '0020000D'))).toEqual(studies);
    // Orthanc percent-encodes '^' and '*': a wildcard on a person name still matches.
    const archibald = sorted(new Set(files.filter((f) => f.path.includes('/77654033/')).map((f) => f.study)));
    expect(sorted(uidsSeenByOrthanc(await orthancA.qido('atrium', '/studies', { PatientName: 'Doe^A*' }), '0020000D'))).toEqual(archibald);
    const cr = files.find((f) => f.path.includes('/CR1/'))!;
    const series = await orthancA.qido('atrium', `/studies/${cr.study}/series`);
    expect(series).toHaveLength(3);
  });

  it('a fresh Orthanc B retrieves every study through /retrieve (WADO-RS), byte-identical', async () => {
    expect(await orthancB.instanceIds()).toEqual([]);
    const studies = [...new Set(files.map((f) => f.study))];
    const job = await orthancB.retrieve('atrium', studies.map((Study) => ({ Study })));
    expect(await orthancB.describeJob(job)).toBe('Success');
    await expectByteIdenticalInB(files);
  });

  it("Orthanc B fetches every instance through /get; what it stores is byte-identical", async () => {
    await emptyOrthancB();
    for (const file of files) {
      const answer = await orthancB.get('atrium', `/studies/${file.study}/series/${file.series}/instances/${file.sop}`);
      expect(answer.status, `${file.path}: ${answer.body.subarray(0, 300).toString()}`).toBe(200);
      // A single instance may come as application/dicom or as a one-part multipart/related.
      let dicom = answer.body;
      if (answer.contentType.toLowerCase().startsWith('multipart/related')) {
        const parts = multipartParts(answer.contentType, answer.body);
        expect(parts, file.path).toHaveLength(1);
        expect(parts[0]!.headers['content-type'], file.path).toMatch(/^application\/dicom/);
        dicom = parts[0]!.body;
      } else {
        expect(answer.contentType, file.path).toMatch(/^application\/dicom/);
      }
      expect(sha256(dicom), file.path).toBe(file.sha256);
      expect((await orthancB.upload(dicom)).Status, file.path).toBe('Success');
    }
    await expectByteIdenticalInB(files);
  });
});

describe("Orthanc pushes into one tenant with Basic credentials (--auth required)", () => {
  const tenantFiles = () => files.filter((f) => TENANT_FILES.includes(f.path));
  const root = (tenant: string) => `${central.origin}/tenants/${tenant}/dicom-web`;

  it('with a wrong password the push job fails and nothing is stored anywhere', async () => {
    const job = await orthancA.stow('site-a-wrong-password', tenantFiles().map((f) => f.orthancId));
    expect(job.State).toBe('Failure');
    // Failed for the right reason: atrium refused the credential (401), which Orthanc reports as such.
    expect(await orthancA.describeJob(job)).toMatch(/received HTTP status 401/);
    expect(await qido(`${root(SITE_A)}/instances`, keys.readerA)).toEqual([]);
    expect(await qido(`${root(SITE_B)}/instances`, keys.readerB)).toEqual([]);
    expect(await qido(`${central.root}/instances`, keys.adminDefault)).toEqual([]);
    // The refusal is a refused credential in the audit trail, not a store.
    const records = central.archive.audit.query({ tenant: SITE_A });
    expect(records.map((r) => `${r.action} ${r.outcome}`)).toContain('auth-failure 401');
    expect(records.filter((r) => r.action === 'store')).toEqual([]);
  });

  it("with the tenant's writer key the push lands in that tenant only", async () => {
    const job = await orthancA.stow('site-a', tenantFiles().map((f) => f.orthancId));
    expect(await orthancA.describeJob(job)).toBe('Success');
    const inA = await qido(`${root(SITE_A)}/instances`, keys.readerA);
    expect(sorted(uidsOf(inA, '00080018'))).toEqual(sorted(tenantFiles().map((f) => f.sop)));
    expect(await qido(`${root(SITE_B)}/instances`, keys.readerB)).toEqual([]);
    expect(await qido(`${central.root}/instances`, keys.adminDefault)).toEqual([]);
    // And Orthanc's own QIDO, with the same credentials, sees them at the tenant's root.
    const studies = await orthancA.qido('site-a', '/studies');
    expect(sorted(uidsSeenByOrthanc(studies, '0020000D'))).toEqual(sorted(new Set(tenantFiles().map((f) => f.study))));
  });

  it("Orthanc B retrieves them from the tenant with a reader key, byte-identical", async () => {
    await emptyOrthancB();
    const studies = [...new Set(tenantFiles().map((f) => f.study))];
    const job = await orthancB.retrieve('site-a', studies.map((Study) => ({ Study })));
    expect(await orthancB.describeJob(job)).toBe('Success');
    await expectByteIdenticalInB(tenantFiles());
  });
});
