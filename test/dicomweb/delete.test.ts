import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantId } from '../../src/storage/ids.js';
import { startServer, TESTDATA, type TestServer } from './helpers/server.js';

const DIR = 'files/pydicom/dicomdirtests/98892001/';
const FILES = ['CT2N/6293.dcm', 'CT2N/6924.dcm', 'CT5N/2062.dcm', 'CT5N/2392.dcm', 'CT5N/2693.dcm', 'CT5N/3023.dcm', 'CT5N/3353.dcm'];
const STUDY = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1';
const CT2N = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.2';
const CT5N = '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.6';

let server: TestServer;
type Json = Record<string, { Value?: unknown[] }>;

async function json(path: string): Promise<Json[]> {
  const res = await request(`${server.root}${path}`);
  return (await res.body.json()) as Json[];
}
const value = (item: Json | undefined, tag: string) => item?.[tag]?.Value?.[0];
const del = async (path: string) => {
  const res = await request(`${server.root}${path}`, { method: 'DELETE' });
  await res.body.dump();
  return res.statusCode;
};

beforeAll(async () => {
  server = await startServer();
  for (const file of FILES) {
    const res = await request(`${server.root}/studies`, {
      method: 'POST',
      headers: { 'content-type': 'application/dicom' },
      body: await readFile(new URL(DIR + file, TESTDATA)),
    });
    expect(res.statusCode).toBe(200);
    await res.body.dump();
  }
});
afterAll(() => server.close());

describe('DELETE of instances, series and studies', () => {
  it('an instance: 204, gone from QIDO, WADO and disk; counts follow', async () => {
    const [instance] = await json(`/studies/${STUDY}/series/${CT5N}/instances?limit=1`);
    const sop = String(value(instance, '00080018'));
    const [record] = server.archive.index.listInstances(TenantId.DEFAULT, { studyUid: STUDY, sopInstanceUid: sop });
    const file = server.archive.blobs.path({ tenant: TenantId.DEFAULT, studyUid: STUDY, sha256: record!.sha256 });
    expect(existsSync(file)).toBe(true);

    expect(await del(`/studies/${STUDY}/series/${CT5N}/instances/${sop}`)).toBe(204);
    expect(existsSync(file)).toBe(false);
    const gone = await request(`${server.root}/studies/${STUDY}/series/${CT5N}/instances/${sop}/metadata`);
    expect(gone.statusCode).toBe(404);
    await gone.body.dump();
    const [study] = await json(`/studies?StudyInstanceUID=${STUDY}`);
    expect(value(study, '00201208')).toBe(6);
    const [series] = await json(`/studies/${STUDY}/series?SeriesInstanceUID=${CT5N}`);
    expect(value(series, '00201209')).toBe(4);
  });

  it('a series: the study keeps the rest, with its series count and modalities right', async () => {
    expect(await del(`/studies/${STUDY}/series/${CT2N}`)).toBe(204);
    const [study] = await json(`/studies?StudyInstanceUID=${STUDY}`);
    expect(value(study, '00201206')).toBe(1);
    expect(value(study, '00201208')).toBe(4);
    expect(study?.['00080061']?.Value).toEqual(['CT']);
    expect(await json(`/studies/${STUDY}/series`)).toHaveLength(1);
  });

  it('a study: nothing left; deleting again is 404', async () => {
    expect(await del(`/studies/${STUDY}`)).toBe(204);
    expect(await json('/studies')).toEqual([]);
    expect(await del(`/studies/${STUDY}`)).toBe(404);
  });
});
