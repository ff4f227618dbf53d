import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, TESTDATA, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
  const stow = await request(`${server.root}/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/dicom' },
    body: await readFile(new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA)),
  });
  expect(stow.statusCode).toBe(200);
  await stow.body.dump();
});
afterAll(() => server.close());

describe('DICOMweb roots (the brief\'s URL contract)', () => {
  it('/tenants/default/dicom-web is the same archive as /dicom-web', async () => {
    const res = await request(`${server.origin}/tenants/default/dicom-web/studies`);
    expect(res.statusCode).toBe(200);
    const studies = (await res.body.json()) as unknown[];
    expect(studies).toHaveLength(1);
  });

  it('a malformed tenant id is 400, an unknown one 404 (as a missing resource)', async () => {
    const bad = await request(`${server.origin}/tenants/Bad_Tenant/dicom-web/studies`);
    expect(bad.statusCode).toBe(400);
    expect(((await bad.body.json()) as { message: string }).message).toMatch(/tenant/);
    const unknown = await request(`${server.origin}/tenants/other/dicom-web/studies`);
    expect(unknown.statusCode).toBe(404);
    await unknown.body.dump();
  });
});
