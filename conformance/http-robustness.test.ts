/**
 * HTTP robustness: bad requests get a clear 4xx and the server keeps serving
 * (RFC 9110 15.5, RFC 6585 5 for 431).
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, http } from './harness/http.js';
import { startTarget, type Target } from './harness/target.js';

let t: Target;
beforeAll(async () => {
  t = await startTarget();
});
afterAll(async () => {
  await t?.stop();
});

/** Send raw bytes, return the status line's code (0 when the server closed without one). */
function raw(bytes: Buffer | string, timeoutMs = 10_000): Promise<{ status: number; text: string }> {
  const u = new URL(t.origin);
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = connect(Number(u.port || 80), u.hostname);
    const done = (): void => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
      s.destroy();
    };
    s.setTimeout(timeoutMs, done);
    s.on('data', (c) => chunks.push(c));
    s.on('end', done);
    s.on('close', done);
    s.on('error', done);
    s.write(bytes);
  });
}

describe('routes', () => {
  it('unknown route under the root: 404', async () => {
    expect((await get(`${t.root}/no-such-resource`)).status).toBe(404);
  });
  it('unknown route outside the root: 404', async () => {
    expect((await get(`${t.origin}/definitely/not/here`)).status).toBe(404);
  });
  it('method not allowed on a resource: 405 (or 404)', async () => {
    const res = await http('PUT', `${t.root}/studies`, { body: 'x', headers: { 'content-type': 'text/plain' } });
    expect([404, 405]).toContain(res.status);
  });
  it('malformed UID in a path: 400 or 404, not 5xx', async () => {
    const res = await get(`${t.root}/studies/not..a..uid%00/metadata`, { accept: 'application/dicom+json' });
    expect([400, 404]).toContain(res.status);
  });
  it('path traversal attempt: 4xx', async () => {
    const res = await get(`${t.root}/studies/..%2F..%2F..%2Fetc%2Fpasswd/metadata`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.text()).not.toContain('root:');
  });
});

describe('bad requests', () => {
  it('STOW with a wrong Content-Type: 415', async () => {
    const res = await http('POST', `${t.root}/studies`, { body: '{"a":1}', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(415);
  });
  it('huge request header: 431 (or 400)', async () => {
    const res = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(128 * 1024)}\r\n\r\n`);
    expect([400, 431]).toContain(res.status);
  });
  it('garbage instead of HTTP: 400 or connection closed', async () => {
    const res = await raw(Buffer.from('\x00\x01\x02 GARBAGE \xff\xfe\r\n\r\n', 'latin1'));
    expect([0, 400]).toContain(res.status);
  });
  it('invalid chunked encoding in a STOW body: 400 or connection closed', async () => {
    const path = new URL(t.root).pathname + '/studies';
    const res = await raw(
      `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/related; type="application/dicom"; boundary=b\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot a chunk\r\n\r\n`,
    );
    expect([0, 400]).toContain(res.status);
  });
  it('a STOW body shorter than its Content-Length, then the client goes away: server survives', async () => {
    const path = new URL(t.root).pathname + '/studies';
    await raw(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/related; type="application/dicom"; boundary=b\r\nContent-Length: 100000\r\n\r\n--b\r\nContent-Type: application/dicom\r\n\r\nDICM`, 500);
    expect(await t.alive()).toBe(true);
  });
  it('50 concurrent searches all answer', async () => {
    const all = await Promise.all(Array.from({ length: 50 }, () => get(`${t.root}/studies?limit=1`, { accept: 'application/dicom+json' })));
    expect(all.filter((r) => r.status !== 200 && r.status !== 204).map((r) => r.status)).toEqual([]);
  });
});

describe('connection handling', () => {
  it('keep-alive of at least 5 s is advertised (Orthanc\'s client reopens connections otherwise)', async () => {
    const res = await get(`${t.root}/studies?limit=1`, { accept: 'application/dicom+json' });
    const ka = res.headers['keep-alive'];
    expect(res.headers['connection'] ?? 'keep-alive').not.toMatch(/close/i);
    expect(ka, 'Keep-Alive header').toBeDefined();
    expect(Number(/timeout=(\d+)/.exec(ka ?? '')?.[1] ?? '0')).toBeGreaterThanOrEqual(5);
  });
});

describe('after all of it', () => {
  it('the server is still up', async () => {
    expect(await t.alive()).toBe(true);
  });
});
