// Entry of a codec pool thread when atrium runs from its TypeScript sources
// (vitest, tsx): Node 20 does not apply `--import tsx` from a Worker's
// execArgv, so the thread registers tsx itself before loading the real entry.
import { register } from 'tsx/esm/api';

register();
await import('./codec-worker.ts');
