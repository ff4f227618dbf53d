// WADO-RS frames (PS3.18 10.4.1.1.3) the way OHIF v3 asks for them: one frame
// per request, `concurrency` in flight, Accept
// `multipart/related; type="application/octet-stream"; transfer-syntax=*`
// (dicomweb-client quotes `type` unless OHIF is configured otherwise). Three lines:
// the long native multi-frame instance frame by frame, frame 1 of every
// single-frame archive instance (native and compressed, as stored), and the whole
// multi-frame instance as /frames/1,2,...,N in one request.
import { expectStatus, http, pool, type HttpResult } from './harness.js';
import { instanceUrl, measure, type Line, type Sample, type Session, type Workload } from './workload.js';

export const FRAME_ACCEPT = 'multipart/related; type="application/octet-stream"; transfer-syntax=*';

function checkFrames(r: HttpResult, minBytes: number, what: string): void {
  expectStatus(r, [200], what);
  if (!r.contentType.startsWith('multipart/related') || r.bytes < minBytes) {
    throw new Error(`${what}: ${r.contentType}, ${r.bytes} bytes (at least ${minBytes} expected)`);
  }
}

export const frames: Workload = {
  name: 'frames',
  lines: [
    { id: 'frames.mf1', label: 'frames, 1/request, 120-frame native instance', unit: 'frames/s', better: 'higher' },
    { id: 'frames.sf1', label: 'frames, 1/request, single-frame instances', unit: 'frames/s', better: 'higher' },
    { id: 'frames.mfall', label: 'frames, all in 1 request, 120-frame instance', unit: 'frames/s', better: 'higher' },
  ] satisfies Line[],
  async run(s: Session): Promise<Sample[]> {
    const mf = s.archive.multiframe;
    const mfUrl = instanceUrl(s.target.root, mf.study, mf.series, mf.sop);
    // 512x512, 16 bits allocated.
    const frameBytes = 512 * 512 * 2;
    const headers = { accept: FRAME_ACCEPT };
    const c = s.budget.concurrency;

    const rate = (n: number, ms: number) => (n / ms) * 1000;

    const one = await measure('frames.mf1', async () => {
      const run = await pool({ concurrency: c, maxJobs: mf.frames * 5, maxMs: s.budget.lineMs }, async (i) => {
        const r = await http(s.agent, { url: `${mfUrl}/frames/${(i % mf.frames) + 1}`, headers });
        checkFrames(r, frameBytes, 'frame of the multi-frame instance');
      });
      return rate(run.results.length, run.elapsedMs);
    });

    const list = s.archive.instances;
    const single = await measure('frames.sf1', async () => {
      const run = await pool({ concurrency: c, maxJobs: list.length * 2, maxMs: s.budget.lineMs }, async (i) => {
        const inst = list[i % list.length]!;
        const url = `${instanceUrl(s.target.root, inst.study, inst.series, inst.sop)}/frames/1`;
        checkFrames(await http(s.agent, { url, headers }), 1000, 'frame 1 of a single-frame instance');
      });
      return rate(run.results.length, run.elapsedMs);
    });

    const all = Array.from({ length: mf.frames }, (_, k) => k + 1).join(',');
    const many = await measure('frames.mfall', async () => {
      const run = await pool({ concurrency: c, maxJobs: 40, maxMs: s.budget.lineMs }, async () => {
        const r = await http(s.agent, { url: `${mfUrl}/frames/${all}`, headers });
        checkFrames(r, frameBytes * mf.frames, 'all frames in one request');
      });
      return rate(run.results.length * mf.frames, run.elapsedMs);
    });

    return [one, single, many];
  },
};
