// WADO-RS instance retrieval (PS3.18 10.4) of the stored bytes:
// `multipart/related; type="application/dicom"; transfer-syntax=*`, the Accept
// a peer's DICOMweb client sends. `concurrency` requests in flight, cycling over
// every single-frame archive instance; MB/s counts response body bytes.
import { expectStatus, http, pool } from './harness.js';
import { instanceUrl, type Line, type Sample, type Session, type Workload } from './workload.js';

export const WADO_ACCEPT = 'multipart/related; type="application/dicom"; transfer-syntax=*';

export const wado: Workload = {
  name: 'wado',
  lines: [
    { id: 'wado.mbps', label: 'WADO instance retrieve', unit: 'MB/s', better: 'higher' },
    { id: 'wado.rps', label: 'WADO instance retrieve', unit: 'instances/s', better: 'higher' },
  ] satisfies Line[],
  async run(s: Session): Promise<Sample[]> {
    const list = s.archive.instances;
    let bytes = 0;
    const run = await pool(
      { concurrency: s.budget.concurrency, maxJobs: list.length * 2, maxMs: s.budget.lineMs },
      async (i) => {
        const inst = list[i % list.length]!;
        const r = await http(s.agent, {
          url: instanceUrl(s.target.root, inst.study, inst.series, inst.sop),
          headers: { accept: WADO_ACCEPT },
        });
        expectStatus(r, [200], 'WADO instance');
        if (!r.contentType.startsWith('multipart/related') || r.bytes < inst.bytes) {
          throw new Error(`WADO instance: ${r.contentType}, ${r.bytes} bytes for a ${inst.bytes}-byte instance`);
        }
        bytes += r.bytes;
      },
    );
    return [
      { line: 'wado.mbps', value: bytes / 1e6 / (run.elapsedMs / 1000) },
      { line: 'wado.rps', value: (run.results.length / run.elapsedMs) * 1000 },
    ];
  },
};
