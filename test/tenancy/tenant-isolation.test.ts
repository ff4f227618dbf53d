import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';

const CT = { file: 'files/DICOMHTJ2K/CT2_UNC.dcm', study: '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457' };
const MR = { file: 'files/DICOMHTJ2K/MR1_UNC.dcm', study: '1.3.6.1.4.1.5962.1.2.4.20040826185059.5457' };
const A = TenantId.parse('hospital-a');
const B = TenantId.parse('hospital-b');

let server: TestServer;
const root = (tenant: string) => `${server.origin}/tenants/${tenant}/dicom-web`;

async function stow(tenant: string, file: string): Promise<number> {
  const res = await request(`${root(tenant)}/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/dicom' },
    body: await readFile(new URL(file, TESTDATA)),
  });
  await res.body.dump();
  return res.statusCode;
}

async function get(url: string, accept = '*/*') {
  const res = await request(url, { headers: { accept } });
  const body = await res.body.text();
  return { status: res.statusCode, body };
}

beforeAll(async () => {
  server = await startServer();
  server.archive.tenants.add(A);
  server.archive.tenants.add(B);
  expect(await stow(A, CT.file)).toBe(200);
  expect(await stow(A, MR.file)).toBe(200);
  // The same SOP Instance UID in another tenant is another, independent instance.
  expect(await stow(B, CT.file)).toBe(200);
});
afterAll(() => server.close());

describe('tenants are isolated in the store, not only in routes', () => {
  it('each tenant searches only its own studies; the default tenant sees none of theirs', async () => {
    const a = JSON.parse((await get(`${root(A)}/studies`)).body) as unknown[];
    const b = JSON.parse((await get(`${root(B)}/studies`)).body) as unknown[];
    const d = JSON.parse((await get(`${server.root}/studies`)).body) as unknown[];
    expect(a).toHaveLength(2);
    expect(b).toHaveLength(1);
    expect(d).toHaveLength(0);
  });

  it('every WADO route of another tenant\'s study answers 404, as a study that does not exist', async () => {
    const [meta] = JSON.parse((await get(`${root(A)}/studies/${MR.study}/metadata`)).body) as Array<Record<string, { Value?: unknown[] }>>;
    const series = String(meta!['0020000E']!.Value![0]);
    const sop = String(meta!['00080018']!.Value![0]);
    const instance = `/studies/${MR.study}/series/${series}/instances/${sop}`;
    for (const path of [
      `/studies/${MR.study}`,
      `/studies/${MR.study}/metadata`,
      `/studies/${MR.study}/series/${series}`,
      instance,
      `${instance}/metadata`,
      `${instance}/frames/1`,
      `${instance}/bulkdata/7FE00010`,
    ]) {
      const fromB = await get(`${root(B)}${path}`);
      expect(fromB.status, path).toBe(404);
      expect(fromB.body, path).not.toContain(sop);
      expect((await get(`${root(A)}${path}`)).status, path).toBe(200);
    }
    const search = await get(`${root(B)}/studies?StudyInstanceUID=${MR.study}`);
    expect(JSON.parse(search.body)).toEqual([]);
  });

  it('BulkDataURIs and RetrieveURLs name the tenant that answered', async () => {
    const metadata = (await get(`${root(B)}/studies/${CT.study}/metadata`)).body;
    expect(metadata).toContain(`/tenants/${B}/dicom-web/studies/${CT.study}/`);
    expect(metadata).not.toContain(`/tenants/${A}/`);
    const studies = (await get(`${root(B)}/studies`)).body;
    expect(studies).toContain(`/tenants/${B}/dicom-web/studies/${CT.study}`);
  });

  it('removing a tenant removes its data and leaves the other tenant\'s copy of the same instance intact', async () => {
    expect(() => server.archive.tenants.remove(B, { force: false })).toThrow(/holds 1 instance/);
    expect(server.archive.tenants.remove(B, { force: true })).toBe(true);
    await server.archive.blobs.removeTenant(B);
    expect((await get(`${root(B)}/studies`)).status).toBe(404);
    const retrieved = await get(`${root(A)}/studies/${CT.study}`, 'multipart/related; type="application/dicom"; transfer-syntax=*');
    expect(retrieved.status).toBe(200);
  });
});
