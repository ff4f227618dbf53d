import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { credentialsRequired } from '../../src/tenancy/auth-mode.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';

const A = TenantId.parse('site-a');
const B = TenantId.parse('site-b');
const CT_FILE = new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA);
const CT_STUDY = '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457';

let server: TestServer;
let keys: Record<'readerA' | 'writerA' | 'adminA' | 'writerB' | 'expiredA' | 'revokedA', string>;
const root = (tenant: string) => `${server.origin}/tenants/${tenant}/dicom-web`;

async function call(method: 'GET' | 'POST', url: string, key?: string, basic = false) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = basic ? `Basic ${Buffer.from(`orthanc:${key}`).toString('base64')}` : `Bearer ${key}`;
  if (method === 'POST') headers['content-type'] = 'application/dicom';
  const res = await request(url, { method, headers, body: method === 'POST' ? await readFile(CT_FILE) : undefined });
  return { status: res.statusCode, headers: res.headers, body: await res.body.text() };
}

beforeAll(async () => {
  server = await startServer({ authMode: 'required' });
  const { tenants, keys: store } = server.archive;
  tenants.add(A);
  tenants.add(B);
  const revoked = store.add({ tenant: A, role: 'admin' });
  store.revoke(revoked.keyId);
  keys = {
    readerA: store.add({ tenant: A, role: 'reader' }).key,
    writerA: store.add({ tenant: A, role: 'writer' }).key,
    adminA: store.add({ tenant: A, role: 'admin' }).key,
    writerB: store.add({ tenant: B, role: 'writer' }).key,
    expiredA: store.add({ tenant: A, role: 'admin', expiresAt: new Date(Date.now() - 1000) }).key,
    revokedA: revoked.key,
  };
  expect((await call('POST', `${root(A)}/studies`, keys.writerA)).status).toBe(200);
});
afterAll(() => server.close());

describe('credentials and roles (--auth required)', () => {
  it('no credentials: 401 with a WWW-Authenticate challenge, on loopback too', async () => {
    const r = await call('GET', `${root(A)}/studies`);
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer realm="atrium"/);
    expect((await call('GET', `${server.root}/studies`)).status).toBe(401);
  });

  it('an unknown, malformed, revoked or expired key: 401 with error="invalid_token"', async () => {
    for (const key of ['atr_000000000000_' + 'x'.repeat(43), 'not-a-key', keys.revokedA, keys.expiredA]) {
      const r = await call('GET', `${root(A)}/studies`, key);
      expect(r.status, key).toBe(401);
      expect(r.headers['www-authenticate']).toMatch(/invalid_token/);
    }
  });

  it('a reader reads, and cannot store (403)', async () => {
    const r = await call('GET', `${root(A)}/studies`, keys.readerA);
    expect(r.status).toBe(200);
    expect(r.body).toContain(CT_STUDY);
    expect((await call('POST', `${root(A)}/studies`, keys.readerA)).status).toBe(403);
  });

  it('DELETE needs the admin role', async () => {
    const writer = await request(`${root(A)}/studies/${CT_STUDY}`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.writerA}` } });
    expect(writer.statusCode).toBe(403);
    await writer.body.dump();
    const admin = await request(`${root(A)}/studies/1.2.3.4.5`, { method: 'DELETE', headers: { authorization: `Bearer ${keys.adminA}` } });
    expect(admin.statusCode).toBe(404); // allowed, and nothing there
    await admin.body.dump();
  });

  it('HTTP Basic with the key as the password works (Orthanc\'s DICOMweb client)', async () => {
    expect((await call('GET', `${root(A)}/studies`, keys.readerA, true)).status).toBe(200);
    expect((await call('POST', `${root(B)}/studies`, keys.writerB, true)).status).toBe(200);
  });

  it('a key of another tenant gets 404 on every route, as if nothing were there', async () => {
    for (const path of ['/studies', `/studies/${CT_STUDY}`, `/studies/${CT_STUDY}/metadata`]) {
      const r = await call('GET', `${root(A)}${path}`, keys.writerB);
      expect(r.status, path).toBe(404);
      expect(r.body).not.toContain(CT_STUDY);
    }
    expect((await call('GET', `${root('no-such-site')}/studies`, keys.writerB)).status).toBe(404);
  });

  it('revocation takes effect at once', async () => {
    const { keyId, key } = server.archive.keys.add({ tenant: A, role: 'reader' });
    expect((await call('GET', `${root(A)}/studies`, key)).status).toBe(200);
    server.archive.keys.revoke(keyId);
    expect((await call('GET', `${root(A)}/studies`, key)).status).toBe(401);
  });

  it('/healthz needs no credentials', async () => {
    expect((await request(`${server.origin}/healthz`)).statusCode).toBe(200);
  });
});

describe('auth mode (the brief: loopback may go without, other addresses may not)', () => {
  it('auto requires credentials off loopback only; required always; off never', () => {
    expect(credentialsRequired('auto', '127.0.0.1')).toBe(false);
    expect(credentialsRequired('auto', '::1')).toBe(false);
    expect(credentialsRequired('auto', '0.0.0.0')).toBe(true);
    expect(credentialsRequired('auto', '10.1.2.3')).toBe(true);
    expect(credentialsRequired('required', '127.0.0.1')).toBe(true);
    expect(credentialsRequired('off', '0.0.0.0')).toBe(false);
  });
});

describe('failed attempts are rate-limited per client', () => {
  it('after 10 failures in a minute the client gets 429 with Retry-After, even with a good key', async () => {
    let status = 0;
    for (let i = 0; i < 12 && status !== 429; i++) status = (await call('GET', `${root(A)}/studies`, 'wrong')).status;
    expect(status).toBe(429);
    const r = await call('GET', `${root(A)}/studies`, keys.adminA);
    expect(r.status).toBe(429);
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });
});
