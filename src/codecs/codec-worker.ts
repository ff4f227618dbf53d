/** Entry module of a codec pool thread (see codec-pool.ts). */
import { parentPort } from 'node:worker_threads';
import { serveCodecTasks } from './codec-task.js';

if (!parentPort) throw new Error('codec-worker runs as a worker thread of CodecPool');
serveCodecTasks(parentPort);
