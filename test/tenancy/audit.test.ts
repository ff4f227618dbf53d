import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { toAuditMessage } from '../../src/tenancy/audit-message.js';
import { startServer, TESTDATA, type TestServer } from '../dicomweb/helpers/server.js';

const T = TenantId.parse('audited');
const STUDY = '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457';
let server: TestServer;
let writer: { keyId: string; key: string };
let reader: { keyId: string; key: string };
let admin: { keyId: string; key: string };

const root = () => `${server.origin}/tenants/${T}/dicom-web`;
async function call(method: 'GET' | 'POST' | 'DELETE', path: string, key: string, body?: Buffer) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  if (body) headers['content-type'] = 'application/dicom';
  const res = await request(`${root()}${path}`, { method, headers, body });
  await res.body.dump();
  return res.statusCode;
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));

beforeAll(async () => {
  server = await startServer({ authMode: 'required' });
  server.archive.tenants.add(T);
  writer = server.archive.keys.add({ tenant: T, role: 'writer' });
  reader = server.archive.keys.add({ tenant: T, role: 'reader' });
  admin = server.archive.keys.add({ tenant: T, role: 'admin' });
  expect(await call('POST', '/studies', writer.key, await readFile(new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA)))).toBe(200);
  expect(await call('GET', '/studies?PatientName=Compressed*', reader.key)).toBe(200);
  expect(await call('GET', `/studies/${STUDY}/metadata`, reader.key)).toBe(200);
  expect(await call('GET', '/studies', 'atr_000000000000_' + 'x'.repeat(43))).toBe(401);
  expect(await call('DELETE', `/studies/${STUDY}`, admin.key)).toBe(204);
  await settle();
});
afterAll(() => server.close());

describe('the audit trail (issue 4)', () => {
  it('records every access with tenant, principal, client, studies and outcome', () => {
    const records = server.archive.audit.query({ tenant: T });
    expect(records.map((r) => [r.action, r.principal, r.outcome])).toEqual([
      ['store', writer.keyId, 200],
      ['query', reader.keyId, 200],
      ['retrieve', reader.keyId, 200],
      ['auth-failure', null, 401],
      ['delete', admin.keyId, 204],
    ]);
    expect(records[0]!.studies).toEqual([STUDY]);
    expect(records[1]!.detail).toContain('PatientName=Compressed*');
    expect(records.every((r) => r.client === '127.0.0.1')).toBe(true);
  });

  it('is written before the response that reports the access is sent', async () => {
    const before = server.archive.audit.query({ tenant: T }).length;
    expect(await call('GET', '/studies?PatientID=nobody', reader.key)).toBe(200);
    const after = server.archive.audit.query({ tenant: T });
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ action: 'query', detail: 'PatientID=nobody' });
  });

  it('is queryable by principal and study', () => {
    expect(server.archive.audit.query({ principal: reader.keyId }).map((r) => r.action)).toEqual(['query', 'retrieve', 'query']);
    expect(server.archive.audit.query({ study: STUDY }).map((r) => r.action)).toEqual(['store', 'retrieve', 'delete']);
  });

  it('exports as DICOM audit messages (PS3.15 A.5)', () => {
    const [stored] = server.archive.audit.query({ tenant: T });
    const xml = toAuditMessage(stored!);
    expect(xml).toMatch(/<EventIdentification EventActionCode="C" [^>]*EventOutcomeIndicator="0">/);
    expect(xml).toContain('<EventID csd-code="110104" codeSystemName="DCM"');
    expect(xml).toContain(`ParticipantObjectID="${STUDY}"`);
  });

  it('is append-only, and the hash chain detects a changed record', () => {
    expect(server.archive.audit.verify()).toBeNull();
    const db = new Database(join(server.dataDir, 'index.sqlite'));
    try {
      expect(() => db.prepare('UPDATE audit_events SET outcome = 200 WHERE action = ?').run('auth-failure')).toThrow(/append-only/);
      // Someone with file access removes the guard and edits a record:
      db.exec('DROP TRIGGER audit_no_update');
      db.prepare('UPDATE audit_events SET outcome = 200 WHERE action = ?').run('auth-failure');
    } finally {
      db.close();
    }
    const broken = server.archive.audit.verify();
    expect(broken?.reason).toBe('the record was changed');
  });
});
