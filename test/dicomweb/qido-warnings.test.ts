import { afterAll, beforeAll, expect, it } from 'vitest';
import { get } from '../../conformance/harness/http.js';
import { startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server.close());

it('an unsupported query parameter is ignored (PS3.18 8.3) and named in a Warning', async () => {
  const res = await get(`${server.root}/studies?PatientNmae=Doe*&limit=5`);
  expect(res.status).toBe(200);
  expect(res.headers['warning']).toMatch(/^299 .*not supported and were ignored: PatientNmae"/);
});

it('a supported parameter with an invalid value is still a 400 naming it', async () => {
  const res = await get(`${server.root}/studies?limit=-5`);
  expect(res.status).toBe(400);
  expect(res.text()).toContain('limit');
});
