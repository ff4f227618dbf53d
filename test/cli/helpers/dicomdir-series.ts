import { readFile } from 'node:fs/promises';
import { DicomwebClient } from '../../../src/dicomweb/client/dicomweb-client.js';
import { TESTDATA } from '../../dicomweb/helpers/server.js';

/**
 * The small real hierarchy of pydicom's dicomdirtests (16x16 Explicit VR Little
 * Endian slices): two patients, three studies, four series.
 */
export const SERIES = {
  /** Study A, patient 98890234: 5 CT slices. */
  ct5: ['98892001/CT5N/2062.dcm', '98892001/CT5N/2392.dcm', '98892001/CT5N/2693.dcm', '98892001/CT5N/3023.dcm', '98892001/CT5N/3353.dcm'],
  /** Study A: 2 CT slices. */
  ct2: ['98892001/CT2N/6293.dcm', '98892001/CT2N/6924.dcm'],
  /** Study B, patient 77654033 (1995): 4 CT slices. */
  ct4: ['77654033/CT2/17106.dcm', '77654033/CT2/17136.dcm', '77654033/CT2/17166.dcm', '77654033/CT2/17196.dcm'],
  /** Study C, patient 77654033: 1 CR image. */
  cr: ['77654033/CR1/6154.dcm'],
} as const;

export const STUDY = {
  a: '1.3.6.1.4.1.5962.1.1.0.0.0.1194734704.16302.0.1',
  b: '1.3.6.1.4.1.5962.1.1.0.0.0.1196530851.28319.0.1',
  c: '1.3.6.1.4.1.5962.1.1.0.0.0.1196527414.5534.0.1',
} as const;

export const seriesFile = (rel: string): URL => new URL(`files/pydicom/dicomdirtests/${rel}`, TESTDATA);

/** Stores test files on a server by STOW-RS; fails the test unless every one is acknowledged. */
export async function storeFiles(client: DicomwebClient, rels: readonly string[]): Promise<void> {
  const result = await client.store(await Promise.all(rels.map(async (rel) => ({ body: await readFile(seriesFile(rel)) }))));
  if (result.stored.length !== rels.length) throw new Error(`stored ${result.stored.length} of ${rels.length}: ${JSON.stringify(result.failed)}`);
}

/** SOP Instance UIDs the server lists for a study (QIDO-RS, instance level). */
export async function instancesOn(client: DicomwebClient, study: string): Promise<string[]> {
  const uids: string[] = [];
  for await (const match of client.search('instances', { study })) uids.push(String(match['00080018']?.Value?.[0]));
  return uids.sort();
}
