/**
 * The work a codec thread does and the messages it exchanges with the pool.
 * Frame bytes travel as transferred ArrayBuffers, never copied by postMessage.
 */
import type { MessagePort } from 'node:worker_threads';
import { CodecError, type EncodedFrame, type NativeFrame } from './codec.js';
import type { PixelDescription } from './pixel-description.js';
import { codecFor } from './registry.js';
import { transcodeFrame } from './transcode.js';

export type CodecTask =
  | { readonly kind: 'decode'; readonly data: Uint8Array; readonly from: string; readonly description: PixelDescription }
  | { readonly kind: 'transcode'; readonly data: Uint8Array; readonly from: string; readonly to: string; readonly description: PixelDescription };

export type TaskResult = NativeFrame | EncodedFrame;

export interface TaskRequest {
  readonly id: number;
  readonly task: CodecTask;
}

export type TaskReply =
  | { readonly id: number; readonly ok: true; readonly frame: TaskResult }
  | { readonly id: number; readonly ok: false; readonly message: string };

/** What a thread sends: first that it is ready (loading it may take a while), then one reply per request. */
export type ThreadMessage = { readonly ready: true } | TaskReply;

export async function runCodecTask(task: CodecTask): Promise<TaskResult> {
  if (task.kind === 'transcode') return transcodeFrame(task.data, task.from, task.to, task.description);
  const codec = codecFor(task.from);
  if (!codec) throw new CodecError(`frames in ${task.from} cannot be decoded`);
  return codec.decode(task.data, task.description);
}

/**
 * `data` as a view over an ArrayBuffer of its own, which postMessage can
 * transfer: itself when it already is one, else a copy (a slice of Node's
 * shared Buffer pool, or of a larger buffer, must not be taken away).
 */
export function transferable(data: Uint8Array): Uint8Array {
  const owned = data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
  return owned ? data : data.slice();
}

/** A codec thread's loop: each request answered with its frame or the reason it failed. `run` is replaceable for tests. */
export function serveCodecTasks(port: MessagePort, run: (task: CodecTask) => Promise<TaskResult> = runCodecTask): void {
  port.on('message', async ({ id, task }: TaskRequest) => {
    try {
      const result = await run(task);
      const data = transferable(result.data);
      port.postMessage({ id, ok: true, frame: { data, description: result.description } } satisfies TaskReply, [data.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id, ok: false, message: e instanceof Error ? e.message : String(e) } satisfies TaskReply);
    }
  });
  port.postMessage({ ready: true } satisfies ThreadMessage);
}
