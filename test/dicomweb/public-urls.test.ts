import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, TESTDATA, type TestServer } from './helpers/server.js';

const CT = new URL('files/DICOMHTJ2K/CT2_UNC.dcm', TESTDATA);
const STUDY = '1.3.6.1.4.1.5962.1.2.2.20040826185059.5457';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function storeAndReadMetadata(s: TestServer, headers: Record<string, string> = {}) {
  const stow = await request(`${s.root}/studies`, {
    method: 'POST',
    headers: { 'content-type': 'application/dicom', ...headers },
    body: await readFile(CT),
  });
  const stored = (await stow.body.json()) as Record<string, { Value?: Array<Record<string, { Value?: string[] }>> }>;
  const retrieveUrl = stored['00081199']?.Value?.[0]?.['00081190']?.Value?.[0];
  const meta = await request(`${s.root}/studies/${STUDY}/metadata`, { headers });
  const [instance] = (await meta.body.json()) as Array<Record<string, { BulkDataURI?: string }>>;
  return { retrieveUrl, pixelUri: instance?.['7FE00010']?.BulkDataURI };
}

describe('URLs in responses (RetrieveURL, BulkDataURI)', () => {
  it('default: absolute, from the Host the client used; the BulkDataURI answers', async () => {
    server = await startServer();
    const { retrieveUrl, pixelUri } = await storeAndReadMetadata(server);
    expect(retrieveUrl).toMatch(new RegExp(`^${server.root}/studies/${STUDY}/series/[0-9.]+/instances/[0-9.]+$`));
    expect(pixelUri).toMatch(new RegExp(`^${server.root}/studies/${STUDY}/series/[0-9.]+/instances/[0-9.]+/bulkdata/7FE00010$`));
    const bulk = await request(pixelUri!, { headers: { range: 'bytes=0-9' } });
    expect(bulk.statusCode).toBe(206);
    expect((await bulk.body.arrayBuffer()).byteLength).toBe(10);
  });

  it('behind a reverse proxy: X-Forwarded-Proto, -Host and -Prefix', async () => {
    server = await startServer();
    const headers = { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'pacs.example.org', 'x-forwarded-prefix': '/atrium' };
    const { retrieveUrl, pixelUri } = await storeAndReadMetadata(server, headers);
    expect(retrieveUrl).toMatch(/^https:\/\/pacs\.example\.org\/atrium\/dicom-web\/studies\//);
    expect(pixelUri).toMatch(/^https:\/\/pacs\.example\.org\/atrium\/dicom-web\/studies\/.*\/bulkdata\/7FE00010$/);
  });

  it('a configured public URL wins over forwarded headers', async () => {
    server = await startServer({ publicUrl: 'https://public.example/x/' });
    const { retrieveUrl, pixelUri } = await storeAndReadMetadata(server, { 'x-forwarded-host': 'evil.example' });
    expect(retrieveUrl).toMatch(/^https:\/\/public\.example\/x\/dicom-web\/studies\//);
    expect(pixelUri).toMatch(/^https:\/\/public\.example\/x\/dicom-web\/studies\//);
  });

  it('relative BulkDataURIs are root-relative paths that resolve against the server', async () => {
    server = await startServer({ bulkDataUris: 'relative' });
    const { pixelUri } = await storeAndReadMetadata(server);
    expect(pixelUri).toMatch(/^\/dicom-web\/studies\/.*\/bulkdata\/7FE00010$/);
    const bulk = await request(new URL(pixelUri!, server.origin));
    expect(bulk.statusCode).toBe(200);
  });

  it('a forwarded host cannot break out of the JSON string', async () => {
    server = await startServer();
    const { pixelUri } = await storeAndReadMetadata(server, { 'x-forwarded-host': 'a"b\\c' });
    expect(pixelUri).toContain('a"b\\c');
  });
});
