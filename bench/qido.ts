// QIDO-RS study list (PS3.18 10.6) with the query string a stock OHIF v3 study
// list sends (DicomWebDataSource qido.js: every search key present even when
// empty, a StudyDate range, limit=101, fuzzymatching=false, comma includefield).
// Latency is measured one request at a time, after a warm-up.
import { expectStatus, http, percentile, pool } from './harness.js';
import type { Line, Sample, Session, Workload } from './workload.js';

export const OHIF_STUDY_LIST =
  'PatientName=&00100020=&AccessionNumber=&StudyDescription=&ModalitiesInStudy=' +
  '&StudyDate=20000101-20261124&limit=101&offset=0&fuzzymatching=false&includefield=00081030,00080060';

const WARMUP = 5;
const MAX_REQUESTS = 300;

export const qido: Workload = {
  name: 'qido',
  lines: [
    { id: 'qido.p50', label: 'QIDO study list (OHIF query), p50', unit: 'ms', better: 'lower' },
    { id: 'qido.p95', label: 'QIDO study list (OHIF query), p95', unit: 'ms', better: 'lower' },
  ] satisfies Line[],
  async run(s: Session): Promise<Sample[]> {
    const url = `${s.target.root}/studies?${OHIF_STUDY_LIST}`;
    const get = async () => {
      const r = await http(s.agent, { url, headers: { accept: 'application/dicom+json' }, keepText: true });
      expectStatus(r, [200], 'QIDO');
      return r;
    };
    for (let i = 0; i < WARMUP; i++) await get();
    // Every archive study is in the date range (the STOW workload's are not).
    const first = JSON.parse((await get()).text ?? '[]') as unknown[];
    if (first.length !== s.archive.studies.length) {
      throw new Error(`QIDO: ${first.length} studies returned, ${s.archive.studies.length} expected`);
    }
    const run = await pool({ concurrency: 1, maxJobs: MAX_REQUESTS, maxMs: s.budget.lineMs }, async () => (await get()).ms);
    return [
      { line: 'qido.p50', value: percentile(run.results, 50) },
      { line: 'qido.p95', value: percentile(run.results, 95) },
    ];
  },
};
