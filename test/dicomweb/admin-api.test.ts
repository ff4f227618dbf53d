import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let operatorKey: string;

async function admin(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, key: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await request(`${server.origin}/admin${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.body.text();
  return { status: res.statusCode, text, json: () => JSON.parse(text) as Record<string, unknown> & Array<Record<string, unknown>> };
}

beforeAll(async () => {
  server = await startServer();
  operatorKey = server.archive.keys.add({ tenant: TenantId.DEFAULT, role: 'admin' }).key;
});
afterAll(() => server.close());

describe('/admin (issue 4: the CLI operations over HTTP, admin role)', () => {
  it('demands an admin key, even on loopback', async () => {
    expect((await admin('GET', '/tenants', undefined)).status).toBe(401);
    const reader = server.archive.keys.add({ tenant: TenantId.DEFAULT, role: 'reader' }).key;
    expect((await admin('GET', '/tenants', reader)).status).toBe(403);
  });

  it('the operator adds and lists tenants, and makes a tenant admin whose key works', async () => {
    const created = await admin('POST', '/tenants', operatorKey, { id: 'clinic-9' });
    expect(created.status).toBe(201);
    expect((await admin('POST', '/tenants', operatorKey, { id: 'Bad Id' })).status).toBe(400);
    expect((await admin('GET', '/tenants', operatorKey)).json().map((t) => t.id)).toEqual(['clinic-9', 'default']);
    const made = await admin('POST', '/tenants/clinic-9/keys', operatorKey, { role: 'admin' });
    expect(made.status).toBe(201);
    const tenantAdmin = String(made.json().key);
    const search = await request(`${server.origin}/tenants/clinic-9/dicom-web/studies`, { headers: { authorization: `Bearer ${tenantAdmin}` } });
    expect(search.statusCode).toBe(200);
    await search.body.dump();
    // A tenant admin manages its own tenant's keys, not tenants, not other tenants.
    expect((await admin('GET', '/tenants/clinic-9/keys', tenantAdmin)).json()).toHaveLength(1);
    expect((await admin('GET', '/tenants', tenantAdmin)).status).toBe(403);
    expect((await admin('GET', '/tenants/default/keys', tenantAdmin)).status).toBe(404);
  });

  it('the operator sets quotas (a tenant admin may not)', async () => {
    const set = await admin('PUT', '/tenants/clinic-9/quota', operatorKey, { maxInstances: 100, maxBytes: null });
    expect(set.status).toBe(200);
    expect(server.archive.tenants.list().find((t) => t.id === 'clinic-9')).toMatchObject({ maxInstances: 100, maxBytes: null });
    expect((await admin('PUT', '/tenants/clinic-9/quota', operatorKey, { maxInstances: -1 })).status).toBe(400);
  });

  it('revokes keys, reads and verifies the audit trail, removes tenants', async () => {
    const made = (await admin('POST', '/tenants/clinic-9/keys', operatorKey, { role: 'reader', expiresInDays: 1 })).json();
    expect((await admin('DELETE', `/keys/${String(made.keyId)}`, operatorKey)).status).toBe(204);
    expect((await admin('DELETE', `/keys/${String(made.keyId)}`, operatorKey)).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const trail = (await admin('GET', '/audit?tenant=clinic-9', operatorKey)).text.split('\n').map((line) => JSON.parse(line) as { action: string; detail: string });
    expect(trail.filter((r) => r.action === 'query')).toHaveLength(1); // the tenant admin's search
    expect(trail.filter((r) => r.action.endsWith('-change')).map((r) => r.detail)).toEqual([
      'tenant clinic-9 added',
      expect.stringMatching(/^key [0-9a-f]{12} added: admin$/),
      'quota of clinic-9: 100 instances, unlimited bytes',
      expect.stringMatching(/^key [0-9a-f]{12} added: reader$/),
      `key ${String(made.keyId)} revoked`,
    ]);
    expect((await admin('GET', '/audit?format=dicom', operatorKey)).text).toContain('<AuditMessage>');
    expect((await admin('GET', '/audit/verify', operatorKey)).json()).toEqual({ verified: true });
    expect((await admin('DELETE', '/tenants/clinic-9', operatorKey)).status).toBe(204);
    expect((await admin('DELETE', '/tenants/default', operatorKey)).status).toBe(400);
  });
});
