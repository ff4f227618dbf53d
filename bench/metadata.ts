// WADO-RS study metadata (PS3.18 10.4, DICOM JSON per F.2), as OHIF fetches it
// when a study opens: one request at a time, cycling over the archive's studies
// (the multi-frame one excluded), after one warm-up pass.
import { expectStatus, http, percentile, pool } from './harness.js';
import type { Line, Sample, Session, Workload } from './workload.js';

const MAX_REQUESTS = 300;

export const metadata: Workload = {
  name: 'metadata',
  lines: [
    { id: 'metadata.p50', label: 'study metadata, p50', unit: 'ms', better: 'lower' },
    { id: 'metadata.p95', label: 'study metadata, p95', unit: 'ms', better: 'lower' },
  ] satisfies Line[],
  async run(s: Session): Promise<Sample[]> {
    const studies = s.archive.studies.filter((st) => st !== s.archive.multiframe.study);
    const perStudy = s.archive.shape.seriesPerStudy * s.archive.shape.instancesPerSeries;
    const get = async (study: string, check: boolean) => {
      const r = await http(s.agent, {
        url: `${s.target.root}/studies/${study}/metadata`,
        headers: { accept: 'application/dicom+json' },
        keepText: check,
      });
      expectStatus(r, [200], 'metadata');
      if (check) {
        const items = JSON.parse(r.text ?? '[]') as Record<string, unknown>[];
        if (items.length !== perStudy) throw new Error(`metadata: ${items.length} instances returned, ${perStudy} expected`);
        // The pixel module must be there (OHIF needs Rows, Columns, ... per instance).
        const missing = ['00080018', '0020000E', '00280010', '00280011', '00280100'].filter((t) => !items.every((i) => t in i));
        if (missing.length) throw new Error(`metadata: instances lack ${missing.join(', ')}`);
      }
      return r.ms;
    };
    for (const study of studies) await get(study, true);
    const run = await pool({ concurrency: 1, maxJobs: MAX_REQUESTS, maxMs: s.budget.lineMs }, (i) =>
      get(studies[i % studies.length]!, false),
    );
    return [
      { line: 'metadata.p50', value: percentile(run.results, 50) },
      { line: 'metadata.p95', value: percentile(run.results, 95) },
    ];
  },
};
