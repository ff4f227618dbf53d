/** Runs the worker once: `npx tsx examples/ai-worker/main.ts --url URL [options]`. */
import { parseArgs } from 'node:util';
import { runWorker } from './worker.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080/dicom-web' },
    key: { type: 'string', default: process.env.ATRIUM_KEY },
    'study-date': { type: 'string' },
    done: { type: 'string', default: 'segmented-series.txt' },
    threshold: { type: 'string', default: '300' },
  },
});

const report = await runWorker({
  url: values.url,
  apiKey: values.key,
  studyDate: values['study-date'],
  doneFile: values.done,
  threshold: Number(values.threshold),
});
for (const s of report.segmented) console.log(`segmented series ${s.sourceSeries} (${s.frames} slices): SEG ${s.segInstance}`);
for (const s of report.skipped) console.log(`skipped series ${s.series}: ${s.reason}`);
console.log(`${report.segmented.length} segmented, ${report.skipped.length} skipped`);
