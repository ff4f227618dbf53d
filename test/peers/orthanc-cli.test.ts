// `atrium pull` and `atrium push` with Orthanc as the other DICOMweb server
// (issue 5: "atrium can also be the client"). The built CLI copies studies from
// Orthanc into atrium and from atrium into Orthanc; every instance must arrive
// byte-identical, and a rerun must find nothing left to copy.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, readMultipart } from '../../conformance/harness/http.js';
import { stow } from '../../conformance/harness/stow.js';
import { readBytes, row } from '../../conformance/harness/testdata.js';
import { runCli, summary } from '../cli/helpers/run-cli.js';
import { startServer, type TestServer } from '../dicomweb/helpers/server.js';
import { Orthanc } from './orthanc.js';

/** In Orthanc first: a native CT series of two studies, multi-frame JPEG 2000. */
const IN_ORTHANC = [
  'files/pydicom/dicomdirtests/98892001/CT2N/6293.dcm',
  'files/pydicom/dicomdirtests/98892001/CT2N/6924.dcm',
  'files/pydicom/dicomdirtests/98892001/CT5N/2062.dcm',
  'files/pydicom-data/emri_small_jpeg_2k_lossless.dcm',
].map(row);
/** In atrium first: multi-frame RLE and JPEG lossless, one study each. */
const IN_ATRIUM = ['files/dcm4che/US-PAL-8-10x-echo.dcm', 'files/orthanc-tests/TransferSyntaxes/1.2.840.10008.1.2.4.70.dcm'].map(row);

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let orthanc: Orthanc;
let atrium: TestServer;
let orthancRoot: string;

beforeAll(async () => {
  orthanc = await Orthanc.start({ name: 'cli-peer' });
  orthancRoot = `${orthanc.base}/dicom-web`;
  atrium = await startServer();
  for (const r of IN_ORTHANC) await orthanc.upload(readBytes(r));
  expect((await stow(atrium.root, IN_ATRIUM)).status).toBe(200);
}, 60_000);
afterAll(async () => {
  await orthanc?.stop();
  await atrium?.close();
});

/** The instance as atrium stores it, asked for as stored. */
async function storedInAtrium(r: ReturnType<typeof row>): Promise<Buffer | undefined> {
  const res = await get(`${atrium.root}/studies/${r.studyUid}/series/${r.seriesUid}/instances/${r.sopUid}`, {
    accept: 'multipart/related; type="application/dicom"; transfer-syntax=*',
  });
  return res.status === 200 ? readMultipart(res).parts[0]?.body : undefined;
}

describe('atrium as a DICOMweb client of Orthanc', () => {
  it('pull --all copies every Orthanc study into atrium, byte for byte, and verifies it', async () => {
    const result = await runCli(['pull', '--from', orthancRoot, '--to', atrium.root, '--all']);
    expect(result.code, result.stderr).toBe(0);
    expect(summary(result)).toMatch(new RegExp(`${IN_ORTHANC.length} instances: ${IN_ORTHANC.length} copied, 0 already present, 0 failed; verified: all ${IN_ORTHANC.length}`));
    for (const r of IN_ORTHANC) expect(sha256((await storedInAtrium(r))!), r.file).toBe(r.sha256);
  });

  it('a second pull finds everything already there', async () => {
    const result = await runCli(['pull', '--from', orthancRoot, '--to', atrium.root, '--all']);
    expect(result.code, result.stderr).toBe(0);
    expect(summary(result)).toContain(`0 copied, ${IN_ORTHANC.length} already present`);
  });

  it('push --study sends atrium studies to Orthanc, byte for byte', async () => {
    const args = IN_ATRIUM.flatMap((r) => ['--study', r.studyUid]);
    const result = await runCli(['push', '--to', orthancRoot, '--from', atrium.root, ...args]);
    expect(result.code, result.stderr).toBe(0);
    expect(summary(result)).toContain(`${IN_ATRIUM.length} copied`);
    const received = await orthanc.filesBySopUid();
    for (const r of IN_ATRIUM) expect(sha256(received.get(r.sopUid)!), r.file).toBe(r.sha256);
  });
});
