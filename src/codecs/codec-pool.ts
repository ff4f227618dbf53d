/**
 * A bounded pool of worker threads running codecs, so WebAssembly decoding and
 * encoding never blocks the event loop. Tasks beyond the threads wait in a
 * queue; beyond the queue they are refused with CodecBusyError (the HTTP layer
 * answers 503 with Retry-After). A task that fails, hangs or takes its thread
 * down fails alone with a CodecError, and the thread is replaced.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { CodecError, type EncodedFrame, type NativeFrame } from './codec.js';
import { transferable, type CodecTask, type TaskReply, type TaskRequest, type TaskResult, type ThreadMessage } from './codec-task.js';
import type { PixelDescription } from './pixel-description.js';

export interface CodecPoolOptions {
  /** Threads (default: os.availableParallelism()). They start when work arrives. */
  size?: number;
  /** Tasks that may wait for a thread (default: 16 per thread). */
  maxQueued?: number;
  /** A task running longer fails, and its thread is replaced (default: 60 s). */
  taskTimeoutMs?: number;
  /** The thread entry module; tests substitute their own. */
  workerUrl?: URL;
}

/** Every thread is busy and the queue is full: try again shortly. */
export class CodecBusyError extends Error {
  constructor(queued: number) {
    super(`the codec pool is busy (${queued} tasks waiting)`);
    this.name = 'CodecBusyError';
  }
}

interface Waiting {
  readonly task: CodecTask;
  readonly resolve: (frame: TaskResult) => void;
  readonly reject: (error: Error) => void;
}

interface Running extends Waiting {
  readonly id: number;
  /** Armed once the thread is ready: loading a thread is not the task's time. */
  timer?: NodeJS.Timeout;
}

interface Thread {
  readonly worker: Worker;
  ready: boolean;
  running?: Running;
}

// Run from TypeScript sources (vitest, tsx), threads start from a bootstrap that registers tsx.
const FROM_SOURCE = extname(fileURLToPath(import.meta.url)) === '.ts';
const DEFAULT_WORKER = new URL(FROM_SOURCE ? './codec-worker-source.mjs' : './codec-worker.js', import.meta.url);

export class CodecPool {
  readonly #size: number;
  readonly #maxQueued: number;
  readonly #timeoutMs: number;
  readonly #workerUrl: URL;
  readonly #threads = new Set<Thread>();
  readonly #idle: Thread[] = [];
  readonly #queue: Waiting[] = [];
  #nextId = 0;
  #closed = false;

  constructor(options: CodecPoolOptions = {}) {
    this.#size = Math.max(1, options.size ?? availableParallelism());
    this.#maxQueued = Math.max(0, options.maxQueued ?? 16 * this.#size);
    this.#timeoutMs = options.taskTimeoutMs ?? 60_000;
    this.#workerUrl = options.workerUrl ?? DEFAULT_WORKER;
  }

  /**
   * One frame from `from` to `to` (see transcodeFrame). `data` is transferred
   * to the thread, leaving it detached, when it spans its whole ArrayBuffer.
   */
  transcode(request: { data: Uint8Array; from: string; to: string; description: PixelDescription }): Promise<EncodedFrame> {
    return this.#submit({ kind: 'transcode', ...request });
  }

  /** One frame decoded to native; `data` is transferred as for transcode(). */
  decode(request: { data: Uint8Array; from: string; description: PixelDescription }): Promise<NativeFrame> {
    return this.#submit({ kind: 'decode', ...request });
  }

  /** Threads currently started. */
  get threadCount(): number {
    return this.#threads.size;
  }

  /** Refuses new tasks, fails the waiting and running ones, and stops every thread. */
  async close(): Promise<void> {
    this.#closed = true;
    const closed = () => new CodecError('the codec pool was closed');
    for (const waiting of this.#queue.splice(0)) waiting.reject(closed());
    const threads = [...this.#threads];
    this.#threads.clear();
    this.#idle.length = 0;
    for (const thread of threads) this.#finish(thread)?.reject(closed());
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }

  #submit(task: CodecTask): Promise<TaskResult> {
    if (this.#closed) return Promise.reject(new CodecError('the codec pool was closed'));
    const threadFree = this.#idle.length > 0 || this.#threads.size < this.#size;
    if (!threadFree && this.#queue.length >= this.#maxQueued) return Promise.reject(new CodecBusyError(this.#queue.length));
    return new Promise((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const thread = this.#idle.pop() ?? (this.#threads.size < this.#size ? this.#start() : undefined);
      if (!thread) return;
      this.#run(thread, this.#queue.shift()!);
    }
  }

  #run(thread: Thread, waiting: Waiting): void {
    const id = ++this.#nextId;
    thread.running = { ...waiting, id };
    if (thread.ready) this.#arm(thread);
    const data = transferable(waiting.task.data);
    // A busy thread keeps the process alive until its answer arrives; an idle one does not.
    thread.worker.ref();
    thread.worker.postMessage({ id, task: { ...waiting.task, data } } satisfies TaskRequest, [data.buffer as ArrayBuffer]);
  }

  #arm(thread: Thread): void {
    if (!thread.running) return;
    const why = `a task ran longer than ${this.#timeoutMs} ms`;
    thread.running.timer = setTimeout(() => this.#lose(thread, why), this.#timeoutMs);
  }

  #start(): Thread {
    const worker = new Worker(this.#workerUrl);
    const thread: Thread = { worker, ready: false };
    worker.on('message', (message: ThreadMessage) => {
      if ('ready' in message) {
        thread.ready = true;
        this.#arm(thread);
      } else this.#answer(thread, message);
    });
    worker.on('error', (error) => this.#lose(thread, error.message));
    worker.on('exit', (code) => this.#lose(thread, `exit code ${code}`));
    worker.unref();
    this.#threads.add(thread);
    return thread;
  }

  /** Clears the thread's running task and returns it, if any. */
  #finish(thread: Thread): Running | undefined {
    const running = thread.running;
    clearTimeout(running?.timer);
    thread.running = undefined;
    return running;
  }

  #answer(thread: Thread, reply: TaskReply): void {
    if (thread.running?.id !== reply.id) return;
    const running = this.#finish(thread)!;
    thread.worker.unref();
    if (reply.ok) running.resolve(reply.frame);
    else running.reject(new CodecError(reply.message));
    this.#idle.push(thread);
    this.#dispatch();
  }

  /** The thread died or hung: its task fails, the thread goes, and queued work gets a new one. */
  #lose(thread: Thread, why: string): void {
    if (!this.#threads.delete(thread)) return;
    const idle = this.#idle.indexOf(thread);
    if (idle >= 0) this.#idle.splice(idle, 1);
    void thread.worker.terminate();
    this.#finish(thread)?.reject(new CodecError(`the codec thread stopped: ${why}`));
    if (!thread.ready && ![...this.#threads].some((other) => other.ready)) {
      // No thread ever got ready: a replacement would fail the same way, so the queue fails instead.
      for (const waiting of this.#queue.splice(0)) waiting.reject(new CodecError(`the codec thread could not start: ${why}`));
      return;
    }
    this.#dispatch();
  }
}
