/**
 * CORS (Fetch standard, "CORS protocol") and Cross-Origin-Resource-Policy, so that
 * browser viewers (OHIF, cross-origin isolated pages) can use the server.
 */
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

const ORIGIN = 'http://viewer.example.org:3000';
const list = (v: string | undefined): string[] => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

describe('preflight', () => {
  it('OPTIONS with Origin, GET, Authorization and Accept: allowed, with Max-Age', async () => {
    const res = await http('OPTIONS', `${t.root}/studies`, {
      headers: { origin: ORIGIN, 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization,accept' },
    });
    expect([200, 204]).toContain(res.status);
    expect([ORIGIN, '*']).toContain(res.headers['access-control-allow-origin']);
    // "*" in Allow-Headers does not cover Authorization (Fetch): it must be named.
    expect(list(res.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(['authorization']));
    const h = list(res.headers['access-control-allow-headers']);
    expect(h.includes('accept') || h.includes('*')).toBe(true);
    const m = list(res.headers['access-control-allow-methods']);
    expect(m.includes('get') || m.includes('*')).toBe(true);
    expect(Number(res.headers['access-control-max-age'] ?? 'NaN')).toBeGreaterThan(0);
  });

  it('preflight for a STOW (POST, Content-Type multipart/related)', async () => {
    const res = await http('OPTIONS', `${t.root}/studies`, {
      headers: { origin: ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
    });
    expect([200, 204]).toContain(res.status);
    const m = list(res.headers['access-control-allow-methods']);
    expect(m.includes('post') || m.includes('*')).toBe(true);
    expect(list(res.headers['access-control-allow-headers'])).toEqual(expect.arrayContaining(['content-type']));
  });
});

describe('actual responses', () => {
  it('QIDO carries Access-Control-Allow-Origin and Cross-Origin-Resource-Policy: cross-origin', async () => {
    const res = await get(`${t.root}/studies?limit=1`, { origin: ORIGIN, accept: 'application/dicom+json' });
    expect([ORIGIN, '*']).toContain(res.headers['access-control-allow-origin']);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('a 404 carries them too (viewers need to read errors)', async () => {
    const res = await get(`${t.root}/studies/1.2.3.4.5.6.7.8.9/metadata`, { origin: ORIGIN, accept: 'application/dicom+json' });
    expect(res.status).toBe(404);
    expect([ORIGIN, '*']).toContain(res.headers['access-control-allow-origin']);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  it('response headers a viewer reads are exposed (Warning for truncated QIDO, Content-Location...)', async () => {
    const res = await get(`${t.root}/studies?limit=1`, { origin: ORIGIN, accept: 'application/dicom+json' });
    const exposed = list(res.headers['access-control-expose-headers']);
    expect(exposed.includes('warning') || exposed.includes('*')).toBe(true);
  });
});
