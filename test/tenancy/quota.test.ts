import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';

const DIR = 'files/pydicom/dicomdirtests/98892001/CT5N/';
const FILES = ['2062.dcm', '2392.dcm', '2693.dcm'];
const OUT_OF_RESOURCES = 0xa700;
const COUNTED = TenantId.parse('counted');
const SMALL = TenantId.parse('small');

let server: TestServer;
type StoreResponse = Record<string, { Value?: Array<Record<string, { Value?: unknown[] }>> }>;

async function stow(tenant: string, files: string[]) {
  const boundary = 'quota-test';
  const parts = await Promise.all(files.map((f) => readFile(new URL(DIR + f, TESTDATA))));
  const body = Buffer.concat([
    ...parts.flatMap((p) => [Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), p, Buffer.from('\r\n')]),
    Buffer.from(`--${boundary}--\r\n`),
  ]);
  const res = await request(`${server.origin}/tenants/${tenant}/dicom-web/studies`, {
    method: 'POST',
    headers: { 'content-type': `multipart/related; type="application/dicom"; boundary=${boundary}` },
    body,
  });
  const json = (await res.body.json()) as StoreResponse;
  return {
    status: res.statusCode,
    stored: json['00081199']?.Value?.length ?? 0,
    failures: (json['00081198']?.Value ?? []).map((item) => item['00081197']?.Value?.[0]),
  };
}

const usage = (tenant: TenantId) => server.archive.tenants.list().find((t) => t.id === tenant)!;

beforeAll(async () => {
  server = await startServer();
  server.archive.tenants.add(COUNTED);
  server.archive.tenants.add(SMALL);
  server.archive.tenants.setQuota(COUNTED, { maxBytes: null, maxInstances: 2 });
  server.archive.tenants.setQuota(SMALL, { maxBytes: 1000, maxInstances: null });
});
afterAll(() => server.close());

describe('per-tenant quotas (issue 4)', () => {
  it('parts past the instance limit fail with A700 (out of resources); the others are stored', async () => {
    const r = await stow(COUNTED, FILES);
    expect(r.status).toBe(202);
    expect(r.stored).toBe(2);
    expect(r.failures).toEqual([OUT_OF_RESOURCES]);
    expect(usage(COUNTED).instances).toBe(2);
  });

  it('deleting frees the quota again', async () => {
    const series = (await (await request(`${server.origin}/tenants/${COUNTED}/dicom-web/series`)).body.json()) as Array<Record<string, { Value?: string[] }>>;
    const study = series[0]!['0020000D']!.Value![0];
    const del = await request(`${server.origin}/tenants/${COUNTED}/dicom-web/studies/${study}`, { method: 'DELETE' });
    expect(del.statusCode).toBe(204);
    await del.body.dump();
    expect(usage(COUNTED)).toMatchObject({ instances: 0, bytes: 0 });
    expect((await stow(COUNTED, FILES.slice(0, 2))).status).toBe(200);
  });

  it('a byte limit smaller than an instance refuses it whole: 409, nothing stored', async () => {
    const r = await stow(SMALL, FILES.slice(0, 1));
    expect(r.status).toBe(409);
    expect(r.failures).toEqual([OUT_OF_RESOURCES]);
    expect(usage(SMALL)).toMatchObject({ instances: 0, bytes: 0 });
  });
});
